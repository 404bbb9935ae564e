package dev.agentrpc.benchmarks.fleet;

import java.lang.management.ManagementFactory;
import java.util.Locale;

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

  public static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
  }
}
