package dev.agentrpc.micrometer;

import dev.agentrpc.client.HandlerObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.Objects;

/**
 * Micrometer meters of an agent's handlers: the calls they served, by method and status, with
 * their latency.
 *
 * <pre>{@code
 * HandlerRegistry handlers = new HandlerRegistry().observe(AgentMetrics.create(registry));
 * }</pre>
 *
 * <p>Both meters carry the tags {@code method} (the full protobuf name of the request type)
 * and {@code statusCode} (the gRPC status code name the call ended with: the one sent, or
 * {@code CANCELLED} / {@code DEADLINE_EXCEEDED} when it ended with nothing sent). To tell
 * agents apart, give the agent's name as a tag ({@code create(registry, Tags.of("agent",
 * name))}) or as a common tag of the registry. Thread-safe.
 */
public final class AgentMetrics implements HandlerObserver {
  /** Counter: handler calls that ended, by method and status code. */
  public static final String HANDLER_CALLS = "agentrpc.agent.handler.calls";

  /** Timer, with a percentile histogram: from a handler's invocation to the call's end. */
  public static final String HANDLER_DURATION = "agentrpc.agent.handler.duration";

  private final CallMeters calls;

  private AgentMetrics(MeterRegistry registry, Tags tags) {
    this.calls =
        new CallMeters(
            registry,
            tags,
            HANDLER_CALLS,
            "Handler calls that ended, by method and status code",
            HANDLER_DURATION,
            "The time from a handler's invocation to the end of its call");
  }

  /** Meters in {@code registry}, with no tags but the meters' own. */
  public static AgentMetrics create(MeterRegistry registry) {
    return create(registry, Tags.empty());
  }

  /** Meters in {@code registry}, each also carrying {@code tags}. */
  public static AgentMetrics create(MeterRegistry registry, Iterable<Tag> tags) {
    return new AgentMetrics(Objects.requireNonNull(registry, "registry"), Tags.of(tags));
  }

  /** Records the call's end in the handler meters; see {@link HandlerObserver}. */
  @Override
  public Handling onStart(String method, Map<String, String> metadata) {
    long start = calls.start();
    return status -> calls.record(method, null, status, start);
  }
}
