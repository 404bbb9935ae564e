package dev.agentrpc.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the whole benchmark JVM (every thread: caller, event loops, handlers, GC, JIT)
 * per operation, in microseconds: {@code -prof dev.agentrpc.benchmarks.CpuProfiler}.
 *
 * <p>On a shared 2-core machine wall-clock figures move with the other processes' load;
 * CPU per call moves much less, so it is the figure to compare before and after a change.
 * Everything (controller, agents, servers, clients) runs in the benchmark JVM, so it is the
 * whole round trip's cost.
 *
 * <p>It also reports the threads' voluntary context switches per operation ({@code
 * wakeups/op}, from Linux's {@code /proc/self/task/}): each time a thread parks or waits for
 * work and is woken again counts one. That is the hand-offs a call costs, and it hardly moves
 * with the machine's load. Threads that ended during the iteration are left out; threads that
 * started during it count all theirs.
 */
public final class CpuProfiler implements InternalProfiler {
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long startCpu;
  private Map<String, Long> startSwitches = Map.of();

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    startCpu = os.getProcessCpuTime();
    startSwitches = voluntarySwitches();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = os.getProcessCpuTime() - startCpu;
    long ops = result.getMetadata().getMeasuredOps();
    double perOp = ops == 0 ? Double.NaN : cpu / 1000.0 / ops;
    long switches = 0;
    for (Map.Entry<String, Long> thread : voluntarySwitches().entrySet()) {
      switches += thread.getValue() - startSwitches.getOrDefault(thread.getKey(), 0L);
    }
    double switchesPerOp = ops == 0 ? Double.NaN : (double) switches / ops;
    return List.of(
        new ScalarResult("cpu.us/op", perOp, "us/op", AggregationPolicy.AVG),
        new ScalarResult("wakeups/op", switchesPerOp, "#/op", AggregationPolicy.AVG));
  }

  /** Each live thread's voluntary context switches, by thread id; empty where /proc has none. */
  static Map<String, Long> voluntarySwitches() {
    Map<String, Long> switches = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              switches.put(
                  task.getFileName().toString(),
                  Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
            }
          }
        } catch (IOException e) {
          // The thread ended while we read.
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return switches;
  }
}
