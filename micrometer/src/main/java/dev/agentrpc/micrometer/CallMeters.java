package dev.agentrpc.micrometer;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A counter and a timer of calls, by method, status code and (when asked) agent; the meters
 * of each combination are registered on first use and kept, so recording a call is a map
 * look-up and an array read.
 */
final class CallMeters {
  private static final Status.Code[] CODES = Status.Code.values();
  private static final String METHOD = "method";
  private static final String STATUS_CODE = "statusCode";
  private static final String AGENT = "agent";

  private final MeterRegistry registry;
  private final String counterName;
  private final String counterDescription;
  private final String timerName;
  private final String timerDescription;
  private final Tags tags;
  private final ConcurrentHashMap<Key, AtomicReferenceArray<Pair>> byKey = new ConcurrentHashMap<>();

  CallMeters(
      MeterRegistry registry,
      Tags tags,
      String counterName,
      String counterDescription,
      String timerName,
      String timerDescription) {
    this.registry = registry;
    this.tags = tags;
    this.counterName = counterName;
    this.counterDescription = counterDescription;
    this.timerName = timerName;
    this.timerDescription = timerDescription;
  }

  /** Now, on the registry's clock, for {@link #record}. */
  long start() {
    return registry.config().clock().monotonicTime();
  }

  /** Counts one call of {@code method} that ended with {@code status}, started at {@code start}. */
  void record(String method, String agent, Status status, long start) {
    long nanos = registry.config().clock().monotonicTime() - start;
    Status.Code code = status.getCode();
    AtomicReferenceArray<Pair> byCode =
        byKey.computeIfAbsent(new Key(method, agent), key -> new AtomicReferenceArray<>(CODES.length));
    Pair meters = byCode.get(code.ordinal());
    if (meters == null) {
      meters = register(method, agent, code);
      byCode.set(code.ordinal(), meters); // a race registers the same meters twice: harmless
    }
    meters.counter.increment();
    meters.timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Pair register(String method, String agent, Status.Code code) {
    Tags these = tags.and(METHOD, method, STATUS_CODE, code.name());
    if (agent != null) {
      these = these.and(AGENT, agent);
    }
    Counter counter =
        Counter.builder(counterName)
            .description(counterDescription)
            .baseUnit("calls")
            .tags(these)
            .register(registry);
    Timer timer =
        Timer.builder(timerName)
            .description(timerDescription)
            .tags(these)
            .publishPercentileHistogram()
            .register(registry);
    return new Pair(counter, timer);
  }

  private record Key(String method, String agent) {}

  private record Pair(Counter counter, Timer timer) {}
}
