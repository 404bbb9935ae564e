package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.StreamEchoGrpc;
import dev.agentrpc.benchmarks.proto.UnaryEchoGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The anchors: a plain grpc-java server (Netty, 127.0.0.1) with a unary echo and a bidi echo,
 * and one channel to it; both ends with the same {@link Config}.
 */
public final class GrpcSide implements AutoCloseable {
  private final Server server;
  private final ManagedChannel channel;

  public GrpcSide(Config config) throws IOException {
    NettyServerBuilder serverBuilder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new UnaryEchoService())
            .addService(new StreamEchoService());
    if (config.direct()) {
      serverBuilder.directExecutor();
    }
    server = serverBuilder.build().start();
    NettyChannelBuilder channelBuilder =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext();
    if (config.direct()) {
      channelBuilder.directExecutor();
    }
    channel = channelBuilder.build();
  }

  public ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  static final class UnaryEchoService extends UnaryEchoGrpc.UnaryEchoImplBase {
    @Override
    public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
      responses.onNext(Echo.reply(request));
      responses.onCompleted();
    }
  }

  static final class StreamEchoService extends StreamEchoGrpc.StreamEchoImplBase {
    @Override
    public StreamObserver<EchoRequest> echo(StreamObserver<EchoResponse> responses) {
      return new StreamObserver<>() {
        @Override
        public void onNext(EchoRequest request) {
          responses.onNext(Echo.reply(request));
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          responses.onCompleted();
        }
      };
    }
  }
}
