package dev.agentrpc.reliability.harness;

import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An agent that says Hello and then never reads its stream: gRPC flow control, no message
 * requested. The controller's writes to it back up; what the controller queues for it is
 * what the suite bounds.
 */
public final class StalledAgent
    implements ClientResponseObserver<ClientToServer, ServerToClient>, AutoCloseable {
  private final CountDownLatch started = new CountDownLatch(1);
  private volatile ClientCallStreamObserver<ClientToServer> stream;

  private StalledAgent() {}

  /** Opens the stream over {@code channel} and says Hello as {@code name}. */
  public static StalledAgent connect(Channel channel, String name) throws InterruptedException {
    StalledAgent agent = new StalledAgent();
    CoordinatorGrpc.newStub(channel).connect(agent);
    if (!agent.started.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the stalled agent's stream did not start");
    }
    agent.stream.onNext(
        ClientToServer.newBuilder()
            .setHello(ClientToServer.Hello.newBuilder().setName(name))
            .build());
    return agent;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ClientToServer> requestStream) {
    requestStream.disableAutoRequestWithInitial(0);
    stream = requestStream;
    started.countDown();
  }

  @Override
  public void onNext(ServerToClient command) {}

  @Override
  public void onError(Throwable t) {}

  @Override
  public void onCompleted() {}

  @Override
  public void close() {
    stream.cancel("the test is over", null);
  }
}
