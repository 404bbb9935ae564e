package dev.agentrpc.micrometer;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A controller and its agents over gRPC on Netty, 127.0.0.1, an ephemeral port; every wait
 * is bounded, {@link #close()} stops everything. The agents' handlers, on well-known types:
 * StringValue echoes, BoolValue fails with PERMISSION_DENIED, Int64Value holds that many ms
 * or until its Context is cancelled.
 */
final class TestFleet implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * The timeout of a call meant to time out on the agent: long enough for its request to reach
   * the handler on a loaded machine (past its deadline, a request is answered unobserved).
   */
  static final Duration AGENT_TIMEOUT = Duration.ofSeconds(2);

  private final Clients clients;
  private final Server server;
  private final Semaphore holding = new Semaphore(0);
  private final List<StreamClient> agents = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  private TestFleet(Clients clients) throws IOException {
    this.clients = clients;
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(StreamServer.newBuilder(clients).build())
            .build()
            .start();
  }

  static TestFleet start(Clients clients) throws IOException {
    return new TestFleet(clients);
  }

  Clients clients() {
    return clients;
  }

  /** The test handlers, in a registry to add observers to. */
  HandlerRegistry handlers() {
    return new HandlerRegistry()
        .register(StringValue.getDefaultInstance(), request -> request)
        .register(
            BoolValue.getDefaultInstance(),
            request -> {
              throw Status.PERMISSION_DENIED.withDescription("not for you").asException();
            })
        .register(Int64Value.getDefaultInstance(), this::hold);
  }

  /** Starts an agent serving {@code registry} and waits until it has joined. */
  StreamClient agent(String name, HandlerRegistry registry) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    channels.add(channel);
    StreamClient agent =
        StreamClient.newBuilder(channel, name, registry).backoff(Duration.ofMillis(20), Duration.ofMillis(200)).start();
    agents.add(agent);
    clients.awaitConnected(List.of(name), WAIT);
    return agent;
  }

  /**
   * Opens a bare Connect stream that says Hello as {@code name}; the future completes with the
   * status the server ends it with.
   */
  CompletableFuture<Status> hello(String name) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    channels.add(channel);
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<ClientToServer> out =
        CoordinatorGrpc.newStub(channel)
            .connect(
                new StreamObserver<ServerToClient>() {
                  @Override
                  public void onNext(ServerToClient command) {}

                  @Override
                  public void onError(Throwable t) {
                    ended.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    ended.complete(Status.OK);
                  }
                });
    out.onNext(ClientToServer.newBuilder().setHello(ClientToServer.Hello.newBuilder().setName(name)).build());
    return ended;
  }

  /** Waits until {@code calls} more Int64Value handlers are holding. */
  void awaitHolding(int calls) throws InterruptedException {
    if (!holding.tryAcquire(calls, WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(calls + " handlers were not holding within " + WAIT);
    }
  }

  private Int64Value hold(Int64Value millis) throws StatusException {
    CountDownLatch cancelled = new CountDownLatch(1);
    Context.current().addListener(context -> cancelled.countDown(), Runnable::run);
    holding.release();
    try {
      if (!cancelled.await(millis.getValue(), TimeUnit.MILLISECONDS)) {
        return millis;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw Status.CANCELLED.withDescription("stopped holding").asException();
  }

  @Override
  public void close() throws InterruptedException {
    for (StreamClient agent : agents) {
      agent.close();
    }
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    clients.close();
    server.shutdownNow();
    server.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Fails the test if {@code latch} is not released within {@link #WAIT}. */
  static void await(CountDownLatch latch, String what) throws InterruptedException, TimeoutException {
    if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException(what + " did not happen within " + WAIT);
    }
  }
}
