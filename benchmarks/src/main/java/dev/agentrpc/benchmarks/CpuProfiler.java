package dev.agentrpc.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
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
 */
public final class CpuProfiler implements InternalProfiler {
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long startCpu;

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    startCpu = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = os.getProcessCpuTime() - startCpu;
    long ops = result.getMetadata().getMeasuredOps();
    double perOp = ops == 0 ? Double.NaN : cpu / 1000.0 / ops;
    return List.of(new ScalarResult("cpu.us/op", perOp, "us/op", AggregationPolicy.AVG));
  }
}
