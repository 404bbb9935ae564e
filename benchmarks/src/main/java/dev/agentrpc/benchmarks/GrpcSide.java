package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.fleet.PlainEcho;
import dev.agentrpc.benchmarks.fleet.PlainStreamEcho;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
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
            .addService(new PlainEcho())
            .addService(new PlainStreamEcho());
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
}
