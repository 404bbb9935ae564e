package dev.agentrpc.it;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.transport.http.HttpPollTransport;
import dev.agentrpc.transport.poll.PollClient;
import dev.agentrpc.transport.poll.PollTransport;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** The transports every conformance test runs over, and how an agent dials each. */
enum Transport {
  STREAM {
    @Override
    Agent start(Controller controller, String name, HandlerRegistry registry, UnaryOperator<PollTransport> wrap) {
      ManagedChannel channel = channel(controller);
      StreamClient client =
          StreamClient.newBuilder(channel, name, registry).backoff(BACKOFF, MAX_BACKOFF).start();
      return new Agent(client::close, channel, client::state);
    }
  },
  LONG_POLL {
    @Override
    Agent start(Controller controller, String name, HandlerRegistry registry, UnaryOperator<PollTransport> wrap) {
      ManagedChannel channel = channel(controller);
      PollClient client =
          PollClient.longPoll(wrap.apply(PollTransport.grpc(channel)), name, registry)
              .backoff(BACKOFF, MAX_BACKOFF)
              .start();
      return new Agent(client::close, channel, client::state);
    }
  },
  HEARTBEAT {
    @Override
    Agent start(Controller controller, String name, HandlerRegistry registry, UnaryOperator<PollTransport> wrap) {
      ManagedChannel channel = channel(controller);
      PollClient client =
          PollClient.heartbeat(wrap.apply(PollTransport.grpc(channel)), name, registry)
              .interval(Duration.ofMillis(50))
              .backoff(BACKOFF, MAX_BACKOFF)
              .start();
      return new Agent(client::close, channel, client::state);
    }
  },
  HTTP_LONG_POLL {
    @Override
    Agent start(Controller controller, String name, HandlerRegistry registry, UnaryOperator<PollTransport> wrap) {
      PollClient client =
          PollClient.longPoll(wrap.apply(HttpPollTransport.create(controller.pollUri())), name, registry)
              .backoff(BACKOFF, MAX_BACKOFF)
              .start();
      return new Agent(client::close, null, client::state);
    }
  };

  static final Duration BACKOFF = Duration.ofMillis(50);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  /** Starts an agent named {@code name}; a poll transport's polls go through {@code wrap}. */
  abstract Agent start(
      Controller controller, String name, HandlerRegistry registry, UnaryOperator<PollTransport> wrap);

  Agent start(Controller controller, String name, HandlerRegistry registry) {
    return start(controller, name, registry, UnaryOperator.identity());
  }

  private static ManagedChannel channel(Controller controller) {
    return NettyChannelBuilder.forAddress("127.0.0.1", controller.grpcPort()).usePlaintext().build();
  }

  /** A running agent: its client, and the channel it owns (none over HTTP). */
  static final class Agent implements AutoCloseable {
    private final Runnable close;
    private final ManagedChannel channel;
    private final java.util.function.Supplier<StreamClient.State> state;

    Agent(Runnable close, ManagedChannel channel, java.util.function.Supplier<StreamClient.State> state) {
      this.close = close;
      this.channel = channel;
      this.state = state;
    }

    StreamClient.State state() {
      return state.get();
    }

    /** Cuts a gRPC agent off the network, as if its host vanished: its channel shuts down. */
    void vanish() throws InterruptedException {
      channel.shutdownNow().awaitTermination(Controller.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      close.run();
      if (channel == null) {
        return;
      }
      channel.shutdown();
      try {
        if (!channel.awaitTermination(Controller.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
