package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.UnaryEchoGrpc;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * One caller, one call at a time (latency): a typed reverse call to one agent vs a plain
 * grpc-java blocking unary call vs one message echoed on a raw bidi stream. Same messages,
 * same executor configuration on every contender, and every caller waits the same way: it
 * parks, and the thread that read its answer wakes it (the reverse call's blocking proxy
 * method, the blocking unary stub's own executor, and the bidi stream's observer on the
 * transport thread). The serving side of each hands the request to its executor the same
 * way too: the agent's handler pool, the plain server's executor.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SequentialBenchmark {
  static final String AGENT = ReverseSide.name(0);

  public static class Reverse extends Contender {
    ReverseSide side;

    @Override
    protected AutoCloseable open(Config config) throws Exception {
      return side = ReverseSide.startChecked(config, request);
    }
  }

  public static class Unary extends Contender {
    UnaryEchoGrpc.UnaryEchoBlockingStub stub;

    @Override
    protected AutoCloseable open(Config config) throws Exception {
      GrpcSide side = new GrpcSide(config);
      stub = UnaryEchoGrpc.newBlockingStub(side.channel());
      Echo.check(request, stub.echo(request));
      return side;
    }
  }

  public static class Bidi extends Contender {
    final Semaphore responses = new Semaphore(0);
    BidiStream stream;

    @Override
    protected AutoCloseable open(Config config) throws Exception {
      GrpcSide side = new GrpcSide(config);
      stream = new BidiStream(side.channel(), responses::release);
      return () -> {
        stream.close();
        side.close();
      };
    }

    void roundTrip() throws InterruptedException {
      stream.send(request);
      if (!responses.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no echo on the bidi stream within 30 s");
      }
    }
  }

  @Benchmark
  public EchoResponse reverseCall(Reverse state) {
    return state.side.call(AGENT, state.request);
  }

  @Benchmark
  public EchoResponse plainUnary(Unary state) {
    return state.stub.echo(state.request);
  }

  @Benchmark
  public void rawBidi(Bidi state) throws InterruptedException {
    state.roundTrip();
  }
}
