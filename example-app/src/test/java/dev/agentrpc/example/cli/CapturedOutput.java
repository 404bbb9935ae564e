package dev.agentrpc.example.cli;

import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A Writer that keeps what was written and lets a test wait, with a timeout, for text. */
final class CapturedOutput extends Writer {
  private final StringBuilder text = new StringBuilder(); // guarded by this

  @Override
  public synchronized void write(char[] chars, int offset, int length) {
    text.append(chars, offset, length);
    notifyAll();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  @Override
  public synchronized String toString() {
    return text.toString();
  }

  /** Waits until the whole output matches {@code condition}; returns it, or throws after {@code timeout}. */
  synchronized String await(Predicate<String> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(text.toString())) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new AssertionError("timed out waiting for output; so far:\n" + text);
      }
      TimeUnit.NANOSECONDS.timedWait(this, remaining);
    }
    return text.toString();
  }
}
