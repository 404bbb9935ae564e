package dev.agentrpc.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs at most one line per kind of event per interval, counting the rest: a fuzzer or a
 * flapping fleet cannot flood the log. Internal API.
 */
public final class RateLimitedLog {
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Logger logger;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  public RateLimitedLog(Logger logger) {
    this.logger = logger;
  }

  /** Logs {@code message} at WARN unless a {@code kind} line was logged in the last 10 s. */
  public void warn(String kind, String message) {
    String line = admit(kind, message);
    if (line != null) {
      logger.warn(line);
    }
  }

  /** As {@link #warn}, at INFO. */
  public void info(String kind, String message) {
    String line = admit(kind, message);
    if (line != null) {
      logger.info(line);
    }
  }

  private String admit(String kind, String message) {
    Window window = windows.computeIfAbsent(kind, k -> new Window());
    long now = System.nanoTime();
    long last = window.lastLogged.get();
    if (last != 0 && now - last < INTERVAL_NANOS) {
      window.suppressed.incrementAndGet();
      return null;
    }
    if (!window.lastLogged.compareAndSet(last, now == 0 ? 1 : now)) {
      window.suppressed.incrementAndGet();
      return null;
    }
    long suppressed = window.suppressed.getAndSet(0);
    return suppressed == 0
        ? message
        : message + " (and " + suppressed + " more like it since the last such line)";
  }

  private static final class Window {
    final AtomicLong lastLogged = new AtomicLong();
    final AtomicLong suppressed = new AtomicLong();
  }
}
