package dev.agentrpc.benchmarks.fleet;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Times one call-all after the other, or its plain-gRPC mirror image, after a warm-up: the
 * latency row of a call-all table, with this JVM's CPU time per agent and round.
 */
final class RoundTimer {
  /** One call-all or fan-out; throws unless every answer was OK. */
  @FunctionalInterface
  interface Round {
    void run() throws Exception;
  }

  private final boolean quick;
  private final Integer roundsOverride;

  /** {@code rounds}: how many to time, or null for the harness's counts (30 with {@code quick}; else 200 up to 1,000 agents, then 50). */
  RoundTimer(boolean quick, Integer rounds) {
    this.quick = quick;
    this.roundsOverride = rounds;
  }

  /** Runs {@code round} over {@code count} agents, warm-up first, and returns (and prints) its row. */
  String time(String config, int count, Round round) throws Exception {
    int measured = roundsOverride != null ? roundsOverride : quick ? 30 : count <= 1000 ? 200 : 50;
    int warmup = quick ? 20 : Math.max(20, measured / 2);
    for (int i = 0; i < warmup; i++) {
      round.run();
    }
    double[] millis = new double[measured];
    long cpuBefore = cpuNanos();
    for (int i = 0; i < measured; i++) {
      long start = System.nanoTime();
      round.run();
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    // With the agents on other machines, a call-all over N takes at least N times this, over
    // the controller's cores.
    double cpuMicrosPerAgent = (cpuNanos() - cpuBefore) / 1e3 / measured / count;
    Stats s = new Stats(millis);
    String row = String.format(Locale.ROOT, "| %s | %,d | %d (+%d warm-up) | %s ms | %s | %s ms | %s ms | %s ms | %s ms | %.1f µs |",
        config, count, measured, warmup, Stats.number(s.percentile(50)), s.medianInterval("ms"),
        Stats.number(s.percentile(90)), Stats.number(s.percentile(99)), Stats.number(s.min()), Stats.number(s.max()),
        cpuMicrosPerAgent);
    System.out.println(row);
    return row;
  }

  /** This JVM's CPU time so far. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
