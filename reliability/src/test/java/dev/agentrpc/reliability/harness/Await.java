package dev.agentrpc.reliability.harness;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; every wait in the suite is bounded. */
public final class Await {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private Await() {}

  /**
   * Waits until {@code condition} holds, at most {@code timeout}.
   *
   * @return the nanoseconds it took
   * @throws AssertionError naming {@code what} if it did not hold in time
   */
  public static long until(String what, Duration timeout, BooleanSupplier condition) {
    return until(what, timeout, condition, () -> "");
  }

  /** Whether {@code condition} held within {@code timeout}. */
  public static boolean holds(Duration timeout, BooleanSupplier condition) {
    try {
      until("", timeout, condition);
      return true;
    } catch (AssertionError e) {
      if (Thread.currentThread().isInterrupted()) {
        throw e;
      }
      return false;
    }
  }

  /** As {@link #until(String, Duration, BooleanSupplier)}, with {@code state} in the failure. */
  public static long until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + what + " " + state.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting: " + what);
      }
    }
    return System.nanoTime() - start;
  }
}
