package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.UnaryEchoGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The controller's side of the plain-gRPC fan-out anchor: one plaintext channel to each of N
 * plain servers on 127.0.0.1 ({@link ServerFleet}), and one async unary echo to each of them,
 * waiting for all N answers. The channels keep NettyChannelBuilder's default event loop group,
 * grpc's shared one, which is also the group the controller's server gets by default (two
 * loops per core); {@code tuned} adds {@code directExecutor()}, as on the agents' channels.
 */
final class PlainFanOut implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<UnaryEchoGrpc.UnaryEchoStub> stubs = new ArrayList<>();

  PlainFanOut(List<Integer> ports, boolean tuned) {
    for (int port : ports) {
      NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext();
      if (tuned) {
        builder.directExecutor();
      }
      ManagedChannel channel = builder.build();
      channels.add(channel);
      stubs.add(UnaryEchoGrpc.newStub(channel));
    }
  }

  /**
   * One echo of {@code request} to every server; null if all came back OK with its payload's
   * size, else what went wrong. One answer counter for all the calls, no object per call.
   */
  String echoAll(EchoRequest request, Duration timeout) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger remaining = new AtomicInteger(stubs.size());
    AtomicReference<String> problem = new AtomicReference<>();
    StreamObserver<EchoResponse> each =
        new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse value) {
            if (value.getPayload().size() != request.getPayload().size()) {
              problem.compareAndSet(null, "an echo came back with " + value.getPayload().size() + " bytes");
            }
          }

          @Override
          public void onError(Throwable t) {
            problem.compareAndSet(null, "an echo failed: " + t);
            onCompleted();
          }

          @Override
          public void onCompleted() {
            if (remaining.decrementAndGet() == 0) {
              done.countDown();
            }
          }
        };
    for (UnaryEchoGrpc.UnaryEchoStub stub : stubs) {
      stub.echo(request, each);
    }
    if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return remaining.get() + " of " + stubs.size() + " echoes did not come back within " + timeout;
    }
    return problem.get();
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (ManagedChannel channel : channels) {
      if (!channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("the fan-out's channels did not terminate within 30 s");
      }
    }
  }
}
