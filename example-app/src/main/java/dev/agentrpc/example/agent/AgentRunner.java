package dev.agentrpc.example.agent;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.example.AgentFunctionsHandlers;
import dev.agentrpc.example.security.AgentSecurity;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
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
  private final AgentSecurity security;

  private AgentRunner(FleetAgent agent, ManagedChannel channel, StreamClient client, AgentSecurity security) {
    this.agent = agent;
    this.channel = channel;
    this.client = client;
    this.security = security;
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

  /**
   * How the last stream to the controller ended (e.g. refused with PERMISSION_DENIED, or a
   * TLS failure); null before any ended.
   */
  public Status lastEnd() {
    return client.lastEnd();
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
    } finally {
      security.close();
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
    private AgentSecurity security = AgentSecurity.plaintext();

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

    /**
     * Dials as {@code security} says (TLS, a client certificate, a bearer token); plaintext
     * unless set. The runner closes it when it closes, or when {@link #start} fails.
     */
    public Builder security(AgentSecurity security) {
      this.security = Objects.requireNonNull(security, "security");
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
     *     backoff, a malformed target or an unusable bearer token
     */
    public AgentRunner start() {
      FleetAgent agent = new FleetAgent(name, root, sleepObserver);
      HandlerRegistry registry = new HandlerRegistry();
      AgentFunctionsHandlers.register(registry, agent);
      ManagedChannel channel;
      try {
        // Keepalive finds a dead controller within 15 s, and the agent redials.
        channel = StreamClient.configure(NettyChannelBuilder.forTarget(target, security.credentials())).build();
      } catch (RuntimeException e) {
        agent.close();
        security.close();
        throw new IllegalArgumentException("cannot dial '" + target + "': " + e.getMessage(), e);
      }
      try {
        StreamClient.Builder client =
            StreamClient.newBuilder(channel, name, registry)
                .backoff(initialBackoff, maxBackoff)
                .onStateChange(stateListener);
        if (security.bearerToken() != null) {
          client.bearerToken(security.bearerToken());
        }
        return new AgentRunner(agent, channel, client.start(), security);
      } catch (RuntimeException e) {
        agent.close();
        channel.shutdownNow();
        security.close();
        throw e;
      }
    }
  }
}
