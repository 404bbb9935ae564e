package dev.agentrpc.benchmarks.fleet;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.management.ObjectName;

/** This JVM's heap as the memory harnesses read it. */
public final class Heap {
  private Heap() {}

  /** Heap used after full GCs, once two in a row agree within 1% (at most ten, 200 ms apart). */
  public static long settled() throws InterruptedException {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(200);
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (Math.abs(used - last) < last / 100) {
        return Math.min(used, last);
      }
      last = used;
    }
    return last;
  }

  /**
   * With {@code -Dfleet.histo=DIR}, writes this JVM's class histogram (after a full GC) to
   * {@code DIR/<name>.txt}, to diff two of them; without it, does nothing.
   */
  public static void histogramTo(String name) throws Exception {
    String dir = System.getProperty("fleet.histo");
    if (dir == null) {
      return;
    }
    Files.writeString(Path.of(dir, name + ".txt"), histogram(), StandardCharsets.UTF_8);
  }

  /** This JVM's class histogram, as {@code jcmd <pid> GC.class_histogram} prints it (after a full GC). */
  public static String histogram() throws Exception {
    return (String)
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram",
                new Object[] {new String[0]},
                new String[] {String[].class.getName()});
  }

  public static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
  }
}
