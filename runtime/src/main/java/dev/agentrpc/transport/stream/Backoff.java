package dev.agentrpc.transport.stream;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with ±20% jitter between redials; not thread-safe. */
final class Backoff {
  private static final double MULTIPLIER = 1.6;
  private static final double JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private long nextNanos;

  Backoff(long initialNanos, long maxNanos) {
    this.initialNanos = initialNanos;
    this.maxNanos = maxNanos;
    this.nextNanos = initialNanos;
  }

  /** The delay before the next redial; each call grows the following one. */
  long nextDelayNanos() {
    long current = nextNanos;
    nextNanos = (long) Math.min(current * MULTIPLIER, maxNanos);
    return jittered(current);
  }

  /** {@code nanos} with ±20% jitter. */
  static long jittered(long nanos) {
    double jitter = ThreadLocalRandom.current().nextDouble(-JITTER, JITTER);
    return Math.max(1, (long) (nanos * (1 + jitter)));
  }

  /** Starts over from the initial delay, after a connection that worked. */
  void reset() {
    nextNanos = initialNanos;
  }
}
