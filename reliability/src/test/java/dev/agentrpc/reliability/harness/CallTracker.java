package dev.agentrpc.reliability.harness;

import dev.agentrpc.server.Calls;
import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Checks that every call ends within its timeout plus {@code late}: counts calls started and
 * ended, outcomes by status code, and the worst time a call took beyond its timeout. Keeps
 * nothing per call once it ended, so long runs do not grow the heap it watches.
 */
public final class CallTracker {
  private final long lateNanos;
  private final LongAdder started = new LongAdder();
  private final LongAdder ended = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final AtomicLong worstOverTimeoutNanos = new AtomicLong(Long.MIN_VALUE);
  private final Map<Status.Code, LongAdder> outcomes = new ConcurrentHashMap<>();

  public CallTracker(Duration late) {
    this.lateNanos = late.toNanos();
  }

  /** Tracks {@code call}, started at {@code startNanos} with {@code timeout}; returns it. */
  public <T> CompletableFuture<T> track(CompletableFuture<T> call, long startNanos, Duration timeout) {
    started.increment();
    call.whenComplete((value, failure) -> ended(startNanos, timeout, failure));
    return call;
  }

  /** For a call the caller waits for itself, then reports with {@link #ended}. */
  public void startBlocking() {
    started.increment();
  }

  /** The call started at {@code startNanos} ended now; {@code failure} null if it succeeded. */
  public void ended(long startNanos, Duration timeout, Throwable failure) {
    long over = System.nanoTime() - startNanos - timeout.toNanos();
    worstOverTimeoutNanos.accumulateAndGet(over, Math::max);
    if (over > lateNanos) {
      late.increment();
    }
    Status.Code code = failure == null ? Status.Code.OK : Calls.statusOf(failure).getCode();
    outcomes.computeIfAbsent(code, k -> new LongAdder()).increment();
    ended.increment();
  }

  public long started() {
    return started.sum();
  }

  public long ended() {
    return ended.sum();
  }

  public long outstanding() {
    return started.sum() - ended.sum();
  }

  /** Calls that ended more than {@code late} after their timeout. */
  public long late() {
    return late.sum();
  }

  /** The most a call took beyond its timeout (negative: every call ended before its timeout). */
  public long worstOverTimeoutMillis() {
    long worst = worstOverTimeoutNanos.get();
    return worst == Long.MIN_VALUE ? 0 : worst / 1_000_000;
  }

  public Map<Status.Code, Long> outcomes() {
    Map<Status.Code, Long> out = new TreeMap<>();
    outcomes.forEach((code, count) -> out.put(code, count.sum()));
    return out;
  }
}
