package dev.agentrpc.example.agent;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.example.AgentFunctionsHandlers;
import dev.agentrpc.example.security.AgentSecurity;
import dev.agentrpc.example.controller.FleetController;
import dev.agentrpc.transport.http.HttpPollTransport;
import dev.agentrpc.transport.poll.PollClient;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One running agent: a {@link FleetAgent} registered in a {@link HandlerRegistry}, served
 * by a {@link StreamClient} (or, with another {@link AgentTransport}, a {@link PollClient})
 * that dials the controller and redials forever.
 */
public final class AgentRunner implements AutoCloseable {
  private final FleetAgent agent;
  private final ManagedChannel channel; // null over HTTP
  private final Client client;
  private final AgentSecurity security;

  private AgentRunner(FleetAgent agent, ManagedChannel channel, Client client, AgentSecurity security) {
    this.agent = agent;
    this.channel = channel;
    this.client = client;
    this.security = security;
  }

  /** What the runner needs of its client, whichever the transport. */
  private static final class Client {
    final Supplier<StreamClient.State> state;
    final Supplier<Status> lastEnd;
    final Runnable close;

    Client(Supplier<StreamClient.State> state, Supplier<Status> lastEnd, Runnable close) {
      this.state = state;
      this.lastEnd = lastEnd;
      this.close = close;
    }

    static Client of(StreamClient client) {
      return new Client(client::state, client::lastEnd, client::close);
    }

    static Client of(PollClient client) {
      return new Client(client::state, client::lastEnd, client::close);
    }
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
    return client.state.get();
  }

  /**
   * How the last stream to the controller ended, or the last poll failed (e.g. refused with
   * PERMISSION_DENIED, or a TLS failure); null before any did.
   */
  public Status lastEnd() {
    return client.lastEnd.get();
  }

  /** Closes the stream (cancelling handlers in flight), the sleep timer and the channel. */
  @Override
  public void close() {
    client.close.run();
    agent.close();
    if (channel == null) {
      security.close();
      return;
    }
    channel.shutdown(); // lets a poll client's last poll (its leave) go out
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
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
    private AgentTransport transport = AgentTransport.STREAM;
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Map<String, String> labels = Map.of();

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

    /**
     * Reaches the controller over {@code transport}; the stream unless set. Over HTTP/1.1 the
     * target is the controller's HTTP port, without TLS in this example (put an HTTPS
     * reverse proxy in front, and give the agent https:// through your own PollTransport).
     */
    public Builder transport(AgentTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** The time between heartbeats, for {@link AgentTransport#HEARTBEAT}; 5 s unless set. */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeatInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Declares {@code labels} when joining (e.g. {@code zone=eu}), for the controller to
     * select agents by; none unless set. A key or value the protocol refuses fails {@link
     * #start} with an IllegalArgumentException.
     */
    public Builder labels(Map<String, String> labels) {
      this.labels = Map.copyOf(labels);
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
     *     backoff, a malformed target, an unusable bearer token or a bad label
     */
    public AgentRunner start() {
      FleetAgent agent = new FleetAgent(name, root, sleepObserver);
      HandlerRegistry registry = new HandlerRegistry();
      AgentFunctionsHandlers.register(registry, agent);
      if (transport == AgentTransport.HTTP_LONG_POLL) {
        return startOverHttp(agent, registry);
      }
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
        return new AgentRunner(agent, channel, startOver(channel, registry), security);
      } catch (RuntimeException e) {
        agent.close();
        channel.shutdownNow();
        security.close();
        throw e;
      }
    }

    private Client startOver(ManagedChannel channel, HandlerRegistry registry) {
      if (transport == AgentTransport.STREAM) {
        StreamClient.Builder client =
            StreamClient.newBuilder(channel, name, registry)
                .backoff(initialBackoff, maxBackoff)
                .labels(labels)
                .onStateChange(stateListener);
        if (security.bearerToken() != null) {
          client.bearerToken(security.bearerToken());
        }
        return Client.of(client.start());
      }
      PollClient.Builder client =
          transport == AgentTransport.LONG_POLL
              ? PollClient.longPoll(channel, name, registry)
              : PollClient.heartbeat(channel, name, registry).interval(heartbeatInterval);
      return Client.of(poll(client));
    }

    private AgentRunner startOverHttp(FleetAgent agent, HandlerRegistry registry) {
      try {
        if (!(security.credentials() instanceof InsecureChannelCredentials)) {
          throw new IllegalArgumentException(
              "this example serves HTTP/1.1 without TLS: drop --tls-ca, or use another --transport");
        }
        URI uri = URI.create("http://" + target + FleetController.POLL_PATH);
        PollClient client = poll(PollClient.longPoll(HttpPollTransport.create(uri), name, registry));
        return new AgentRunner(agent, null, Client.of(client), security);
      } catch (RuntimeException e) {
        agent.close();
        security.close();
        throw e instanceof IllegalArgumentException ? e : new IllegalArgumentException(e.getMessage(), e);
      }
    }

    private PollClient poll(PollClient.Builder client) {
      client.backoff(initialBackoff, maxBackoff).labels(labels).onStateChange(stateListener);
      if (security.bearerToken() != null) {
        client.bearerToken(security.bearerToken());
      }
      return client.start();
    }
  }
}
