package dev.agentrpc.reliability.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/** Load loops: a step run again and again, paced, on a thread of its own (a load, not a wait). */
public final class Load {
  private Load() {}

  /** Runs {@code step} every {@code pace} until {@link System#nanoTime()} reaches {@code endNanos}. */
  public static Thread until(long endNanos, String name, Duration pace, Runnable step) {
    return whileTrue(() -> System.nanoTime() - endNanos < 0, name, pace, step);
  }

  /** Runs {@code step} every {@code pace} while {@code running} says so. */
  public static Thread whileTrue(BooleanSupplier running, String name, Duration pace, Runnable step) {
    Thread thread =
        new Thread(
            () -> {
              while (running.getAsBoolean()) {
                step.run();
                LockSupport.parkNanos(pace.toNanos());
              }
            },
            name);
    thread.start();
    return thread;
  }
}
