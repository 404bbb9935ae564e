package dev.agentrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent that says Hello and then stops reading its stream (gRPC flow control: it requests
 * no message) until {@link #resume()}; it counts the requests it receives and never answers.
 */
public final class StalledAgent implements ClientResponseObserver<ClientToServer, ServerToClient> {
  private final AtomicInteger requests = new AtomicInteger();
  private final java.util.concurrent.BlockingQueue<Integer> payloadSizes =
      new java.util.concurrent.LinkedBlockingQueue<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile ClientCallStreamObserver<ClientToServer> stream;

  public StalledAgent(Channel channel, String name) throws InterruptedException {
    CoordinatorGrpc.newStub(channel).connect(this);
    assertThat(ready.await(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    stream.onNext(
        ClientToServer.newBuilder()
            .setHello(ClientToServer.Hello.newBuilder().setName(name))
            .build());
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ClientToServer> requestStream) {
    stream = requestStream;
    requestStream.disableAutoRequestWithInitial(0);
    ready.countDown();
  }

  /** Starts reading again, everything. */
  public void resume() {
    stream.request(Integer.MAX_VALUE);
  }

  /** Requests received so far. */
  public int requests() {
    return requests.get();
  }

  /** Waits a bounded time for a request whose payload is {@code size} bytes. */
  public void awaitRequestOfSize(int size) throws InterruptedException {
    long deadline = System.nanoTime() + Fleet.WAIT.toNanos();
    while (true) {
      Integer next = payloadSizes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertThat(next).as("a request of %s bytes within %s", size, Fleet.WAIT).isNotNull();
      if (next == size) {
        return;
      }
    }
  }

  public void cancel() {
    stream.cancel("test over", null);
  }

  @Override
  public void onNext(ServerToClient command) {
    if (command.hasRequest()) {
      requests.incrementAndGet();
      payloadSizes.add(command.getRequest().getPayload().getValue().size());
    }
  }

  @Override
  public void onError(Throwable t) {}

  @Override
  public void onCompleted() {}
}
