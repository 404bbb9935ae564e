package dev.agentrpc.example.agent;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.example.AgentFunctionsHandlers;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running agent: a {@link FleetAgent} registered in a {@link HandlerRegistry}, served
 * by a {@link StreamClient} that dials the controller and redials forever.
 */
public final class AgentRunner implements AutoCloseable {
  private final FleetAgent agent;
  private final ManagedChannel channel;
  private final StreamClient client;

  private AgentRunner(FleetAgent agent, ManagedChannel channel, StreamClient client) {
    this.agent = agent;
    this.channel = channel;
    this.client = client;
  }

  /**
   * A builder of an agent named {@code name} that dials {@code target} ("host:port") and
   * lists directories below {@code root}.
   */
  public static Builder newBuilder(String name, String target, SandboxRoot root) {
    return new Builder(name, target, root);
  }

  /** The agent's name. */
  public String name() {
    return agent.name();
  }

  /** The agent's connection state now. */
  public StreamClient.State state() {
    return client.state();
  }

  /** Closes the stream (cancelling handlers in flight), the sleep timer and the channel. */
  @Override
  public void close() {
    client.close();
    agent.close();
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Options of an {@link AgentRunner}. */
  public static final class Builder {
    private final String name;
    private final String target;
    private final SandboxRoot root;
    private SleepObserver sleepObserver = SleepObserver.none();
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Consumer<StreamClient.State> stateListener = state -> {};

    private Builder(String name, String target, SandboxRoot root) {
      this.name = Objects.requireNonNull(name, "name");
      this.target = Objects.requireNonNull(target, "target");
      this.root = Objects.requireNonNull(root, "root");
    }

    /** Tells {@code observer} about the agent's sleeps. */
    public Builder sleepObserver(SleepObserver observer) {
      this.sleepObserver = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /** The first and the longest redial delay; 1 s and 30 s unless set. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = Objects.requireNonNull(initial, "initial");
      this.maxBackoff = Objects.requireNonNull(max, "max");
      return this;
    }

    /** Tells {@code listener} of every connection state change; it must return quickly. */
    public Builder onStateChange(Consumer<StreamClient.State> listener) {
      this.stateListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Starts dialing.
     *
     * @throws IllegalArgumentException for a name the controller would refuse, a bad
     *     backoff or a malformed target
     */
    public AgentRunner start() {
      FleetAgent agent = new FleetAgent(name, root, sleepObserver);
      HandlerRegistry registry = new HandlerRegistry();
      AgentFunctionsHandlers.register(registry, agent);
      ManagedChannel channel;
      try {
        // Keepalive finds a dead controller within 15 s, and the agent redials.
        channel = StreamClient.configure(NettyChannelBuilder.forTarget(target)).usePlaintext().build();
      } catch (RuntimeException e) {
        agent.close();
        throw new IllegalArgumentException("cannot dial '" + target + "': " + e.getMessage(), e);
      }
      try {
        StreamClient client =
            StreamClient.newBuilder(channel, name, registry)
                .backoff(initialBackoff, maxBackoff)
                .onStateChange(stateListener)
                .start();
        return new AgentRunner(agent, channel, client);
      } catch (RuntimeException e) {
        agent.close();
        channel.shutdownNow();
        throw e;
      }
    }
  }
}
