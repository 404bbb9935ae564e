package dev.agentrpc.example.controller;

import dev.agentrpc.server.Calls;
import io.grpc.Status;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/** How the console and the demo show latencies, sizes and failures. */
public final class Format {
  private Format() {}

  /** e.g. "0.85 ms", "3.2 ms", "312 ms", "2.50 s": ASCII, for any terminal. */
  public static String latency(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    if (nanos < 10_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    if (nanos < 10_000_000_000L) {
      return (nanos / 1_000_000) + " ms";
    }
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  /** A coarse span of time, e.g. "42 s", "3 min 12 s", "5 h 2 min", "12 d 3 h". */
  public static String span(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1e3);
    }
    if (seconds < 3600) {
      return (seconds / 60) + " min " + (seconds % 60) + " s";
    }
    if (seconds < 86400) {
      return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
    }
    return (seconds / 86400) + " d " + (seconds % 86400 / 3600) + " h";
  }

  /** e.g. "512 B", "1.5 KiB", "3.2 GiB". */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** The status a failed call ended with: its own, or CANCELLED for a cancelled future. */
  public static Status statusOf(Throwable failure) {
    Throwable t = failure;
    if (t instanceof ExecutionException && t.getCause() != null) {
      t = t.getCause();
    }
    return Calls.statusOf(t);
  }

  /** e.g. "DEADLINE_EXCEEDED: the call timed out after 300 ms". */
  public static String status(Status status) {
    String description = status.getDescription();
    return description == null || description.isEmpty()
        ? status.getCode().toString()
        : status.getCode() + ": " + description;
  }

  /** {@link #status(Status)} of {@link #statusOf(Throwable)}. */
  public static String failure(Throwable failure) {
    return status(statusOf(failure));
  }
}
