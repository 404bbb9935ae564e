package dev.agentrpc.testing;

import dev.agentrpc.proto.v1.CoordinatorGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A Connect stream that sends raw bytes, so a test can send what no protobuf encoder would. */
public final class ByteStream {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final ClientCall<byte[], byte[]> call;
  private final CompletableFuture<Status> closed = new CompletableFuture<>();

  public ByteStream(Channel channel) {
    call =
        channel.newCall(
            CoordinatorGrpc.getConnectMethod().toBuilder(BYTES, BYTES).build(), CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(Integer.MAX_VALUE);
  }

  public ByteStream send(byte[] message) {
    call.sendMessage(message);
    return this;
  }

  /** The status the stream ended with, waiting a bounded time. */
  public Status awaitClose() throws Exception {
    return closed.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  public void cancel() {
    call.cancel("test over", null);
  }
}
