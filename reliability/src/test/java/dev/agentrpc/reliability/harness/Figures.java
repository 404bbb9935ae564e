package dev.agentrpc.reliability.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The figures a scenario measured: printed, and appended to the file the build names in
 * {@code reliability.figures} (target/reliability-figures.txt), one line each:
 * {@code <form> <scenario> <key> <value> (load <1-minute load average>)}: the machine's load
 * says how busy it was when the figure was taken. RELIABILITY.md quotes them.
 */
public final class Figures {
  private final String scenario;

  public Figures(String scenario) {
    this.scenario = scenario;
  }

  public void record(String key, Object value) {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    String line = Form.name() + " " + scenario + " " + key + " " + value + String.format(" (load %.1f)", load);
    System.out.println("figure " + line);
    String file = System.getProperty("reliability.figures");
    if (file == null) {
      return;
    }
    try {
      Path path = Path.of(file);
      Files.createDirectories(path.getParent());
      Files.writeString(
          path,
          Instant.now() + " " + line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Milliseconds of a nanosecond span, for figures. */
  public static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  /** Mebibytes, one decimal. */
  public static String mib(long bytes) {
    return String.format("%.1fMiB", bytes / (1024.0 * 1024.0));
  }
}
