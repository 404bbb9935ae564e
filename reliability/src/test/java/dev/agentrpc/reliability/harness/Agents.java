package dev.agentrpc.reliability.harness;

import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Agents' channels as the README recommends them: {@link StreamClient#configure} (keepalive). */
public final class Agents {
  private Agents() {}

  /** A plaintext channel to 127.0.0.1:{@code port} with the recommended settings. */
  public static ManagedChannel channel(int port) {
    return channel(port, UnaryOperator.identity());
  }

  /** As {@link #channel(int)}, with more options on the Netty builder. */
  public static ManagedChannel channel(int port, UnaryOperator<NettyChannelBuilder> options) {
    return options
        .apply(StreamClient.configure(NettyChannelBuilder.forAddress("127.0.0.1", port)))
        .usePlaintext()
        .build();
  }

  /** Closes the agent and shuts its channel down, waiting a bounded time. */
  public static void stop(StreamClient agent, ManagedChannel channel) {
    agent.close();
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
