package dev.agentrpc.transport.stream;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with ±20% jitter between an agent's redials, shared by its transports; not thread-safe. */
public final class Backoff {
  private static final double MULTIPLIER = 1.6;
  private static final double JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private long nextNanos;

  /** Delays from {@code initialNanos}, growing 1.6 times each, to at most {@code maxNanos}. */
  public Backoff(long initialNanos, long maxNanos) {
    this.initialNanos = initialNanos;
    this.maxNanos = maxNanos;
    this.nextNanos = initialNanos;
  }

  /** The delay before the next redial; each call grows the following one. */
  public long nextDelayNanos() {
    long current = nextNanos;
    nextNanos = (long) Math.min(current * MULTIPLIER, maxNanos);
    return jittered(current);
  }

  /** {@code nanos} with ±20% jitter. */
  public static long jittered(long nanos) {
    double jitter = ThreadLocalRandom.current().nextDouble(-JITTER, JITTER);
    return Math.max(1, (long) (nanos * (1 + jitter)));
  }

  /** Starts over from the initial delay, after a connection that worked. */
  public void reset() {
    nextNanos = initialNanos;
  }
}
