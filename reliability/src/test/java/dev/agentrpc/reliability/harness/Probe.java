package dev.agentrpc.reliability.harness;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;

/** This JVM's live threads and heap after a full collection. */
public final class Probe {
  /** The name prefix of the threads in agents' own handler pools. */
  public static final String HANDLER_THREADS = "agentrpc-handler";

  private Probe() {}

  public static int liveThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /** Live threads by kind: their names without numbers; every agent's handler pool is one kind. */
  public static Map<String, Integer> threadsByKind() {
    Map<String, Integer> kinds = new TreeMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      kinds.merge(kind(thread.getName()), 1, Integer::sum);
    }
    return kinds;
  }

  /** Live threads of the handler pool the agent {@code agent} owns ({@code agentrpc-handler-<agent>-<n>}). */
  public static int handlerThreadsOf(String agent) {
    String prefix = HANDLER_THREADS + "-" + agent + "-";
    int count = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith(prefix)) {
        count++;
      }
    }
    return count;
  }

  private static String kind(String name) {
    return name.startsWith(HANDLER_THREADS + "-") ? HANDLER_THREADS : name.replaceAll("[-#]?\\d+", "");
  }

  public static int peakThreads() {
    return ManagementFactory.getThreadMXBean().getPeakThreadCount();
  }

  /** Heap in use right after two full collections (System.gc() is a full GC with G1 by default). */
  public static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  public static long maxHeap() {
    return Runtime.getRuntime().maxMemory();
  }

  /** One line of {@code key=value} pairs a child JVM prints for its parent. */
  public static String statsLine() {
    long heap = heapAfterGc();
    return "stats threads=" + liveThreads()
        + " peakThreads=" + peakThreads()
        + " heapAfterGc=" + heap
        + " maxHeap=" + maxHeap();
  }
}
