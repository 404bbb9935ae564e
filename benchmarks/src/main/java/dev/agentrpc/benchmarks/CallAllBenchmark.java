package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.UnaryEchoGrpc;
import dev.agentrpc.server.Result;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One call to every connected agent, ~100 B each (latency): agentrpc's call-all over N agents,
 * each on its own channel, as one list ({@code reverseCallAll}) and streamed result by result
 * ({@code reverseFanOut}), vs the plain-gRPC mirror image, the controller fanning one async
 * unary call out to N agent-side gRPC servers over N channels. Everything runs in this JVM.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CallAllBenchmark {
  static final int PAYLOAD = 100;

  @State(Scope.Benchmark)
  public abstract static class Fleet {
    @Param({"10", "100", "1000"})
    public int agents;

    @Param({"default", "tuned"})
    public String config;

    final EchoRequest request = Echo.request(PAYLOAD);
  }

  public static class Reverse extends Fleet {
    ReverseSide side;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      side = ReverseSide.start(Config.of(config), agents);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      side.close();
    }
  }

  public static class Unary extends Fleet {
    final List<GrpcSide> sides = new ArrayList<>();
    final List<UnaryEchoGrpc.UnaryEchoStub> stubs = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      for (int i = 0; i < agents; i++) {
        GrpcSide side = new GrpcSide(Config.of(config));
        sides.add(side);
        stubs.add(UnaryEchoGrpc.newStub(side.channel()));
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      for (GrpcSide side : sides) {
        side.close();
      }
    }

    int fanOut() throws Exception {
      CompletableFuture<Void> all = new CompletableFuture<>();
      AtomicInteger remaining = new AtomicInteger(stubs.size());
      AtomicInteger failed = new AtomicInteger();
      StreamObserver<EchoResponse> each =
          new StreamObserver<>() {
            @Override
            public void onNext(EchoResponse value) {}

            @Override
            public void onError(Throwable t) {
              failed.incrementAndGet();
              onCompleted();
            }

            @Override
            public void onCompleted() {
              if (remaining.decrementAndGet() == 0) {
                all.complete(null);
              }
            }
          };
      for (UnaryEchoGrpc.UnaryEchoStub stub : stubs) {
        stub.echo(request, each);
      }
      all.get(30, TimeUnit.SECONDS);
      if (failed.get() > 0) {
        throw new IllegalStateException(failed.get() + " of " + stubs.size() + " calls failed");
      }
      return stubs.size();
    }
  }

  @Benchmark
  public int reverseCallAll(Reverse state) {
    List<Result<EchoResponse>> results = state.side.callAll(state.request);
    if (results.size() != state.agents) {
      throw new IllegalStateException(results.size() + " results from " + state.agents + " agents");
    }
    for (Result<EchoResponse> result : results) {
      if (!result.isOk()) {
        throw result.status().asRuntimeException();
      }
    }
    return results.size();
  }

  @Benchmark
  public int reverseFanOut(Reverse state) {
    int[] streamed = new int[1]; // forEach runs its action one result at a time
    List<Result<EchoResponse>> results = state.side.fanOut(state.request, result -> streamed[0]++);
    if (results.size() != state.agents || streamed[0] != state.agents) {
      throw new IllegalStateException(
          results.size() + " results, " + streamed[0] + " streamed, from " + state.agents + " agents");
    }
    for (Result<EchoResponse> result : results) {
      if (!result.isOk()) {
        throw result.status().asRuntimeException();
      }
    }
    return results.size();
  }

  @Benchmark
  public int plainUnaryFanOut(Unary state) throws Exception {
    return state.fanOut();
  }
}
