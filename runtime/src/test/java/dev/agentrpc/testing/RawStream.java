package dev.agentrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A hand-driven client stream: the test writes each message a peer would, right or wrong. */
public final class RawStream implements StreamObserver<ServerToClient> {
  private final BlockingQueue<ServerToClient> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> closed = new CompletableFuture<>();
  private final StreamObserver<ClientToServer> out;

  public RawStream(Channel channel) {
    this.out = CoordinatorGrpc.newStub(channel).connect(this);
  }

  /** A stream whose request headers carry {@code key: value}. */
  public RawStream(Channel channel, Metadata.Key<String> key, String value) {
    Metadata headers = new Metadata();
    headers.put(key, value);
    this.out =
        CoordinatorGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .connect(this);
  }

  public RawStream hello(String name) {
    return send(
        ClientToServer.newBuilder()
            .setHello(ClientToServer.Hello.newBuilder().setName(name))
            .build());
  }

  public RawStream send(ClientToServer message) {
    out.onNext(message);
    return this;
  }

  /** The status the server closed the stream with, waiting a bounded time. */
  public Status awaitClose() throws Exception {
    return closed.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  public boolean isOpen() {
    return !closed.isDone();
  }

  /** The next command from the server, waiting a bounded time. */
  public ServerToClient next() throws InterruptedException {
    ServerToClient message = received.poll(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(message).as("a command from the server in time").isNotNull();
    return message;
  }

  public void cancel() {
    out.onError(Status.CANCELLED.asRuntimeException());
  }

  @Override
  public void onNext(ServerToClient message) {
    received.add(message);
  }

  @Override
  public void onError(Throwable t) {
    closed.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    closed.complete(Status.OK);
  }
}
