package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.proto.EchoResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

/**
 * The transports side by side in one run, each a typed reverse call to one agent through the
 * generated proxy ({@link TransportSide}):
 *
 * <ul>
 *   <li>{@code sequential}: one caller, one blocking call at a time (latency), over the stream,
 *       long-poll over gRPC and long-poll over HTTP/1.1;
 *   <li>{@code inFlight64}: 64 calls in flight (throughput), as {@link PipelinedBenchmark}, over
 *       the same three;
 *   <li>{@code heartbeat}: one caller, one blocking call at a time, to a heartbeat agent over
 *       gRPC, at two intervals: its latency against the interval (the command waits for the next
 *       heartbeat, the response for the one after).
 * </ul>
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TransportBenchmark {
  /** One agent on a transport whose latency does not depend on a clock. */
  public static class Sequential extends Contender {
    @Param({"stream", "long-poll", "http-long-poll"})
    public String transport;

    TransportSide side;

    @Override
    protected AutoCloseable open(Config config) throws Exception {
      return side = TransportSide.startChecked(config, transport, null, request);
    }
  }

  /** The same agents, with 64 calls kept in flight. */
  public static class InFlight extends PipelinedBenchmark.Window {
    @Param({"stream", "long-poll", "http-long-poll"})
    public String transport;

    final BiConsumer<EchoResponse, Throwable> completion = (response, failure) -> done(failure);
    TransportSide side;

    @Override
    protected AutoCloseable open(Config config) throws Exception {
      return side = TransportSide.startChecked(config, transport, null, request);
    }
  }

  /** One heartbeat agent over gRPC, polling every {@code intervalMillis}. */
  public static class Heartbeat extends Contender {
    @Param({"50", "200"})
    public int intervalMillis;

    TransportSide side;

    @Override
    protected AutoCloseable open(Config config) throws Exception {
      return side = TransportSide.startChecked(config, "heartbeat", Duration.ofMillis(intervalMillis), request);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public EchoResponse sequential(Sequential state) {
    return state.side.call(state.request);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void inFlight64(InFlight state) throws InterruptedException {
    state.acquire();
    state.side.callAsync(state.request).whenComplete(state.completion);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public EchoResponse heartbeat(Heartbeat state) {
    return state.side.call(state.request);
  }
}
