package dev.agentrpc.micrometer;

import dev.agentrpc.server.CallObserver;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Micrometer meters of a controller: its calls, by method and status, with their latency;
 * and, once {@linkplain #bind bound} to its {@link Clients}, the agents connected, the calls
 * in flight, the bytes of requests queued, and the joins and leaves.
 *
 * <pre>{@code
 * ControllerMetrics metrics = ControllerMetrics.create(registry);
 * Clients clients = Clients.newBuilder().addObserver(metrics).build();
 * metrics.bind(clients);
 * }</pre>
 *
 * <p>Call meters carry the tags {@code method} (the full protobuf name of the request type)
 * and {@code statusCode} (the gRPC status code name, e.g. {@code OK}, {@code
 * DEADLINE_EXCEEDED}); {@code agent}, the agent's name, only when {@link
 * Builder#tagAgents(boolean)} asks for it, since every agent then makes meters of its own.
 * docs/observability.md lists every meter. Thread-safe.
 */
public final class ControllerMetrics implements CallObserver, AutoCloseable {
  /** Counter: calls to one agent that ended, by method and status code. */
  public static final String CALLS = "agentrpc.controller.calls";

  /** Timer, with a percentile histogram: from a call's start to its end. */
  public static final String CALL_DURATION = "agentrpc.controller.call.duration";

  /** Gauge: the agents connected to this controller. */
  public static final String AGENTS_CONNECTED = "agentrpc.controller.agents.connected";

  /** Gauge: the calls awaiting an agent's response. */
  public static final String CALLS_IN_FLIGHT = "agentrpc.controller.calls.inflight";

  /** Gauge, in bytes: requests waiting for their agents' connections to take them. */
  public static final String QUEUED_BYTES = "agentrpc.controller.outbound.queued";

  /** Counter: agent connections that joined. */
  public static final String JOINS = "agentrpc.controller.agents.joins";

  /** Counter: agent connections that left. */
  public static final String LEAVES = "agentrpc.controller.agents.leaves";

  /** Counter: agent connections replaced by a newer one with the same name (also a leave and a join). */
  public static final String REPLACEMENTS = "agentrpc.controller.agents.replacements";

  /** Counter: Hellos refused, by status code (bad names, identities denied, limits). */
  public static final String REFUSALS = "agentrpc.controller.agents.refusals";

  private final MeterRegistry registry;
  private final Tags tags;
  private final boolean tagAgents;
  private final CallMeters calls;
  private final List<Meter> bound = new ArrayList<>();
  private Clients.Subscription subscription;

  private ControllerMetrics(Builder builder) {
    this.registry = builder.registry;
    this.tags = builder.tags;
    this.tagAgents = builder.tagAgents;
    this.calls =
        new CallMeters(
            registry,
            tags,
            CALLS,
            "Calls to agents that ended, by method and status code",
            CALL_DURATION,
            "The time from a call's start to its end, response or failure");
  }

  /** Meters in {@code registry}, with no tags but the meters' own. */
  public static ControllerMetrics create(MeterRegistry registry) {
    return newBuilder(registry).build();
  }

  /** A builder of meters in {@code registry}. */
  public static Builder newBuilder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /** Records the call's end in the call meters; see {@link CallObserver}. */
  @Override
  public Call onStart(String client, String method, Map<String, String> metadata) {
    long start = calls.start();
    String agent = tagAgents ? client : null;
    return status -> calls.record(method, agent, status, start);
  }

  /**
   * Registers the gauges of {@code clients} (agents connected, calls in flight, queued bytes)
   * and counts its joins, leaves, replacements and refused Hellos, until {@link #close()}. At most one Clients per
   * ControllerMetrics: give a second one its own, with {@link Builder#tags} telling them apart.
   *
   * @throws IllegalStateException if this already bound a Clients
   */
  public synchronized ControllerMetrics bind(Clients clients) {
    Objects.requireNonNull(clients, "clients");
    if (subscription != null) {
      throw new IllegalStateException(
          "this ControllerMetrics is already bound to a Clients; create one per Clients");
    }
    bound.add(
        Gauge.builder(AGENTS_CONNECTED, clients, Clients::connectedCount)
            .description("Agents connected to this controller")
            .tags(tags)
            .register(registry));
    bound.add(
        Gauge.builder(CALLS_IN_FLIGHT, clients, Clients::pendingCalls)
            .description("Calls awaiting an agent's response")
            .tags(tags)
            .register(registry));
    bound.add(
        Gauge.builder(QUEUED_BYTES, clients, Clients::queuedBytes)
            .description("Bytes of requests waiting for their agents' connections to take them")
            .baseUnit(BaseUnits.BYTES)
            .tags(tags)
            .register(registry));
    Counter joins = eventCounter(JOINS, "Agent connections that joined");
    Counter leaves = eventCounter(LEAVES, "Agent connections that left");
    Counter replacements =
        eventCounter(REPLACEMENTS, "Agent connections replaced by a newer one with the same name");
    bound.add(joins);
    bound.add(leaves);
    bound.add(replacements);
    subscription =
        clients.subscribe(
            new ClientListener() {
              @Override
              public void onJoin(String client) {
                joins.increment();
              }

              @Override
              public void onLeave(String client) {
                leaves.increment();
              }

              @Override
              public void onReplaced(String client) {
                replacements.increment();
              }

              @Override
              public void onRefused(String client, Status status) {
                Counter refusals =
                    Counter.builder(REFUSALS)
                        .description("Hellos refused, by status code")
                        .tags(tags)
                        .tag("statusCode", status.getCode().name())
                        .register(registry);
                synchronized (ControllerMetrics.this) {
                  if (!bound.contains(refusals)) {
                    bound.add(refusals);
                  }
                }
                refusals.increment();
              }
            });
    return this;
  }

  private Counter eventCounter(String name, String description) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /**
   * Stops counting joins and leaves and removes the meters {@link #bind} registered, so that
   * another Clients can be bound; the call meters stay, and go on counting the calls observed.
   */
  @Override
  public synchronized void close() {
    if (subscription != null) {
      subscription.close();
      subscription = null;
    }
    for (Meter meter : bound) {
      registry.remove(meter);
    }
    bound.clear();
  }

  /** Options of a {@link ControllerMetrics}. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private boolean tagAgents;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Tags added to every meter, e.g. to tell two controllers in one process apart. */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(Objects.requireNonNull(tags, "tags"));
      return this;
    }

    /**
     * Whether the call meters carry the tag {@code agent}, the called agent's name (false by
     * default). Each agent then has meters of its own, and so has each unknown name called:
     * turn it on for a small fleet only.
     */
    public Builder tagAgents(boolean tagAgents) {
      this.tagAgents = tagAgents;
      return this;
    }

    /** The meters; none is registered before a call ends or {@link #bind} is called. */
    public ControllerMetrics build() {
      return new ControllerMetrics(this);
    }
  }
}
