package dev.agentrpc.internal;

import java.util.concurrent.TimeUnit;

/** Converts between nanoseconds and {@code google.protobuf.Duration}. Internal API. */
public final class Durations {
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private Durations() {}

  /** The protobuf form of a non-negative duration in nanoseconds. */
  public static com.google.protobuf.Duration fromNanos(long nanos) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(nanos / NANOS_PER_SECOND)
        .setNanos((int) (nanos % NANOS_PER_SECOND))
        .build();
  }

  /** Nanoseconds in {@code duration}, saturated at {@link Long#MAX_VALUE}; negative stays negative. */
  public static long toNanos(com.google.protobuf.Duration duration) {
    try {
      return Math.addExact(
          Math.multiplyExact(duration.getSeconds(), NANOS_PER_SECOND), duration.getNanos());
    } catch (ArithmeticException overflow) {
      return duration.getSeconds() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** Nanoseconds in {@code duration}, saturated at {@link Long#MAX_VALUE}. */
  public static long toNanos(java.time.Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException overflow) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
