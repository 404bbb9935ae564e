package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.UnaryEchoGrpc;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 64 calls in flight to one agent (throughput): the benchmark thread starts a call whenever
 * one of 64 permits is free, and each completion frees its permit. Each operation is one call
 * started; in the steady state that is the completion rate.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PipelinedBenchmark {
  static final int IN_FLIGHT = 64;
  static final String AGENT = ReverseSide.name(0);

  /** The parameters and the in-flight window every contender shares. */
  public abstract static class Window extends Contender {
    final Semaphore permits = new Semaphore(IN_FLIGHT);
    final LongAdder failures = new LongAdder();
    volatile Throwable lastFailure;

    void done(Throwable failure) {
      if (failure != null) {
        lastFailure = failure;
        failures.increment();
      }
      permits.release();
    }

    void acquire() throws InterruptedException {
      if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no call completed within 30 s");
      }
    }

    /** Waits for the calls still in flight, so every iteration ends with none. */
    @TearDown(Level.Iteration)
    public void drain() throws InterruptedException {
      if (!permits.tryAcquire(IN_FLIGHT, 30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("calls still in flight 30 s after the iteration");
      }
      permits.release(IN_FLIGHT);
      if (failures.sum() > 0) {
        throw new IllegalStateException(failures.sum() + " calls failed", lastFailure);
      }
    }
  }

  public static class Reverse extends Window {
    final BiConsumer<EchoResponse, Throwable> completion = (response, failure) -> done(failure);
    ReverseSide side;

    @Override
    protected AutoCloseable open(Config config) throws Exception {
      return side = ReverseSide.startChecked(config, request);
    }
  }

  public static class Unary extends Window {
    final StreamObserver<EchoResponse> completion =
        new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse value) {}

          @Override
          public void onError(Throwable t) {
            done(t);
          }

          @Override
          public void onCompleted() {
            done(null);
          }
        };
    UnaryEchoGrpc.UnaryEchoStub stub;

    @Override
    protected AutoCloseable open(Config config) throws Exception {
      GrpcSide side = new GrpcSide(config);
      stub = UnaryEchoGrpc.newStub(side.channel());
      Echo.check(request, UnaryEchoGrpc.newBlockingStub(side.channel()).echo(request));
      return side;
    }
  }

  public static class Bidi extends Window {
    BidiStream stream;

    @Override
    protected AutoCloseable open(Config config) throws Exception {
      GrpcSide side = new GrpcSide(config);
      stream = new BidiStream(side.channel(), () -> done(null));
      return () -> {
        stream.close();
        side.close();
      };
    }
  }

  @Benchmark
  public void reverseCall(Reverse state) throws InterruptedException {
    state.acquire();
    state.side.callAsync(AGENT, state.request).whenComplete(state.completion);
  }

  @Benchmark
  public void plainUnary(Unary state) throws InterruptedException {
    state.acquire();
    state.stub.echo(state.request, state.completion);
  }

  @Benchmark
  public void rawBidi(Bidi state) throws InterruptedException {
    state.acquire();
    state.stream.send(state.request);
  }
}
