package dev.agentrpc.reliability.harness;

import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.Request;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An agent driven by hand over a raw Connect stream: the test answers each request as it
 * likes, right or wrong; or, {@linkplain #connectNotReading not reading}, it never takes a
 * message (gRPC flow control), so the controller's writes to it back up.
 */
public final class RawAgent
    implements ClientResponseObserver<ClientToServer, ServerToClient>, AutoCloseable {
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final boolean reads;
  private volatile ClientCallStreamObserver<ClientToServer> stream;

  private RawAgent(boolean reads) {
    this.reads = reads;
  }

  /** Opens a stream over {@code channel} and says Hello as {@code name}. */
  public static RawAgent connect(Channel channel, String name) throws InterruptedException {
    return open(new RawAgent(true), channel, name);
  }

  /** As {@link #connect}, and then never reads a message. */
  public static RawAgent connectNotReading(Channel channel, String name) throws InterruptedException {
    return open(new RawAgent(false), channel, name);
  }

  private static RawAgent open(RawAgent agent, Channel channel, String name) throws InterruptedException {
    CoordinatorGrpc.newStub(channel).connect(agent);
    if (!agent.started.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the raw agent's stream did not start");
    }
    agent.stream.onNext(
        ClientToServer.newBuilder().setHello(ClientToServer.Hello.newBuilder().setName(name)).build());
    return agent;
  }

  /** The next request the controller sent, waiting at most {@code timeout}. */
  public Request nextRequest(Duration timeout) throws InterruptedException {
    Request request = requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (request == null) {
      throw new AssertionError("no request within " + timeout);
    }
    return request;
  }

  public void answer(Response response) {
    stream.onNext(ClientToServer.newBuilder().setResponse(response).build());
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ClientToServer> requestStream) {
    if (!reads) {
      requestStream.disableAutoRequestWithInitial(0);
    }
    stream = requestStream;
    started.countDown();
  }

  @Override
  public void onNext(ServerToClient command) {
    if (command.hasRequest()) {
      requests.add(command.getRequest());
    }
  }

  @Override
  public void onError(Throwable t) {}

  @Override
  public void onCompleted() {}

  @Override
  public void close() {
    stream.cancel("the test is over", null);
  }
}
