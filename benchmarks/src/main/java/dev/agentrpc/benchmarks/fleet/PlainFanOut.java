package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.StreamEchoGrpc;
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
 * The controller's side of the plain-gRPC fan-out anchors: one plaintext channel to each of N
 * plain servers on 127.0.0.1 ({@link ServerFleet}), and one echo to each of them, waiting for
 * all N answers: either an async unary call, or one message on a bidi stream each channel
 * keeps open (what an agent's connection carries: no stream set-up per call). The channels
 * keep NettyChannelBuilder's default event loop group, grpc's shared one, which is also the
 * group the controller's server gets by default (two loops per core); {@code tuned} adds
 * {@code directExecutor()}, as on the agents' channels.
 */
final class PlainFanOut implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<UnaryEchoGrpc.UnaryEchoStub> stubs = new ArrayList<>();
  private final List<StreamObserver<EchoRequest>> streams = new ArrayList<>();
  /** The bidi fan-out in progress; its echoes count into it. */
  private volatile Round round;
  /** Why a standing stream ended, if one did: every later bidi fan-out fails at once with it. */
  private final AtomicReference<String> streamEnded = new AtomicReference<>();

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

  /** Opens the standing bidi stream of every channel, before the first {@link #echoAllOnStreams}. */
  void openStreams() {
    StreamObserver<EchoResponse> echoes =
        new StreamObserver<>() {
          @Override
          public void onNext(EchoResponse value) {
            Round current = round;
            if (current != null) {
              current.arrived(value);
            }
          }

          @Override
          public void onError(Throwable t) {
            streamEnded.compareAndSet(null, "a stream ended: " + t);
            Round current = round;
            if (current != null) {
              current.fail(streamEnded.get());
            }
          }

          @Override
          public void onCompleted() {
            onError(new IllegalStateException("the server completed it"));
          }
        };
    for (ManagedChannel channel : channels) {
      streams.add(StreamEchoGrpc.newStub(channel).echo(echoes));
    }
  }

  /**
   * One echo of {@code request} on every channel's standing stream ({@link #openStreams}); null
   * if all came back with its payload's size, else what went wrong. After a failed round the
   * streams may still carry its echoes: close this and start over.
   */
  String echoAllOnStreams(EchoRequest request, Duration timeout) throws InterruptedException {
    if (streamEnded.get() != null) {
      return streamEnded.get();
    }
    Round current = new Round(streams.size(), request.getPayload().size());
    round = current;
    if (streamEnded.get() != null) {
      current.fail(streamEnded.get()); // a stream ended while this round was being set up
    }
    for (StreamObserver<EchoRequest> stream : streams) {
      stream.onNext(request);
    }
    return current.await(timeout);
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
      stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS).echo(request, each);
    }
    if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return remaining.get() + " of " + stubs.size() + " echoes did not come back within " + timeout;
    }
    return problem.get();
  }

  /** The echoes one bidi fan-out waits for. */
  private static final class Round {
    private final int size;
    private final AtomicInteger remaining;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<String> problem = new AtomicReference<>();

    Round(int count, int size) {
      this.size = size;
      this.remaining = new AtomicInteger(count);
    }

    void arrived(EchoResponse echo) {
      if (echo.getPayload().size() != size) {
        problem.compareAndSet(null, "an echo came back with " + echo.getPayload().size() + " bytes");
      }
      if (remaining.decrementAndGet() == 0) {
        done.countDown();
      }
    }

    void fail(String why) {
      problem.compareAndSet(null, why);
      done.countDown();
    }

    String await(Duration timeout) throws InterruptedException {
      if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return remaining.get() + " echoes did not come back within " + timeout;
      }
      return problem.get();
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (StreamObserver<EchoRequest> stream : streams) {
      stream.onCompleted();
    }
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
