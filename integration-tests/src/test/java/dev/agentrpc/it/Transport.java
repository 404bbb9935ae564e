package dev.agentrpc.it;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.transport.http.HttpPollTransport;
import dev.agentrpc.transport.poll.PollClient;
import dev.agentrpc.transport.poll.PollTransport;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The transports every conformance test runs over, and how an agent dials each. */
enum Transport {
  STREAM {
    @Override
    Agent start(Controller controller, String name, HandlerRegistry registry, Path path) {
      ManagedChannel channel = channel(controller, path);
      StreamClient client =
          StreamClient.newBuilder(channel, name, registry)
              .labels(labels())
              .backoff(BACKOFF, MAX_BACKOFF)
              .start();
      return new Agent(client::close, channel, client::state, null);
    }
  },
  LONG_POLL {
    @Override
    Agent start(Controller controller, String name, HandlerRegistry registry, Path path) {
      ManagedChannel channel = channel(controller, path);
      PollClient client =
          PollClient.longPoll(path.around(PollTransport.grpc(channel)), name, registry)
              .labels(labels())
              .backoff(BACKOFF, MAX_BACKOFF)
              .start();
      return new Agent(client::close, channel, client::state, null);
    }
  },
  HEARTBEAT {
    @Override
    Agent start(Controller controller, String name, HandlerRegistry registry, Path path) {
      ManagedChannel channel = channel(controller, path);
      PollClient client =
          PollClient.heartbeat(path.around(PollTransport.grpc(channel)), name, registry)
              .interval(Duration.ofMillis(50))
              .labels(labels())
              .backoff(BACKOFF, MAX_BACKOFF)
              .start();
      return new Agent(client::close, channel, client::state, null);
    }
  },
  HTTP_LONG_POLL {
    @Override
    Agent start(Controller controller, String name, HandlerRegistry registry, Path path) {
      Severable line = new Severable(path.around(HttpPollTransport.create(controller.pollUri())));
      PollClient client =
          PollClient.longPoll(line, name, registry)
              .labels(labels())
              .backoff(BACKOFF, MAX_BACKOFF)
              .start();
      return new Agent(client::close, null, client::state, line::sever);
    }

    @Override
    PollTransport binding(Controller controller, List<AutoCloseable> resources) {
      return HttpPollTransport.create(controller.pollUri());
    }
  };

  static final Duration BACKOFF = Duration.ofMillis(50);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  static final int FLOW_CONTROL_WINDOW = 1024 * 1024;

  /**
   * What a test puts on the path between an agent and the controller: around a poll agent's
   * transport, and on a gRPC agent's channel.
   */
  interface Path {
    /** Nothing in the way. */
    Path DIRECT = real -> real;

    /** What a poll agent polls through, given the binding's own transport. */
    PollTransport around(PollTransport real);

    /** An interceptor on a gRPC agent's channel; none unless overridden. */
    default ClientInterceptor onStream() {
      return new ClientInterceptor() {
        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(
            MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
          return next.newCall(method, options);
        }
      };
    }
  }

  /** Starts an agent named {@code name}, whose path to the controller goes through {@code path}. */
  abstract Agent start(Controller controller, String name, HandlerRegistry registry, Path path);

  /** The labels every agent of this transport declares: {@code transport=<name in lower case>}. */
  Map<String, String> labels() {
    return Map.of("transport", name().toLowerCase(Locale.ROOT));
  }

  Agent start(Controller controller, String name, HandlerRegistry registry) {
    return start(controller, name, registry, Path.DIRECT);
  }

  /**
   * The poll binding this transport's agents use, for a test's own polls (its channel, if any,
   * goes to {@code resources}); the stream has none.
   */
  PollTransport binding(Controller controller, List<AutoCloseable> resources) {
    if (this == STREAM) {
      throw new UnsupportedOperationException("the stream transport does not poll");
    }
    ManagedChannel channel = channel(controller, Path.DIRECT);
    resources.add(() -> channel.shutdownNow().awaitTermination(Controller.WAIT.toMillis(), TimeUnit.MILLISECONDS));
    return PollTransport.grpc(channel);
  }

  /**
   * A channel to the controller's gRPC port. Its flow-control window is fixed (the default
   * size, without auto-tuning), so a stream agent that stops reading holds a known number of
   * bytes in the transport.
   */
  private static ManagedChannel channel(Controller controller, Path path) {
    return NettyChannelBuilder.forAddress("127.0.0.1", controller.grpcPort())
        .usePlaintext()
        .flowControlWindow(FLOW_CONTROL_WINDOW)
        .intercept(path.onStream())
        .build();
  }

  /** A running agent: its client, and the channel it owns (none over HTTP). */
  static final class Agent implements AutoCloseable {
    private final Runnable close;
    private final ManagedChannel channel;
    private final Supplier<StreamClient.State> state;
    private final Runnable sever;

    /** @param sever cuts an agent without a channel off the network */
    Agent(Runnable close, ManagedChannel channel, Supplier<StreamClient.State> state, Runnable sever) {
      this.close = close;
      this.channel = channel;
      this.state = state;
      this.sever = sever;
    }

    StreamClient.State state() {
      return state.get();
    }

    /**
     * Cuts the agent off the network, as if its host vanished: a gRPC agent's channel shuts
     * down; an HTTP agent's polls and their answers are lost from now on.
     */
    void vanish() throws InterruptedException {
      if (channel == null) {
        sever.run();
        return;
      }
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
