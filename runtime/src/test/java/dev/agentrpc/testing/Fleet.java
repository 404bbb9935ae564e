package dev.agentrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.BindableService;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * A controller and its agents over real gRPC on Netty, 127.0.0.1, an ephemeral port.
 * Every wait is bounded; {@link #close()} stops everything.
 */
public final class Fleet implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(10);

  private final Clients clients;
  private final List<StreamClient> agents = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final BlockingQueue<String> joins = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> leaves = new LinkedBlockingQueue<>();
  private final WireRecorder wire = new WireRecorder();
  private final UnaryOperator<StreamServer.Builder> serverOptions;
  private Server server;
  private int port;

  private Fleet(Clients clients, UnaryOperator<StreamServer.Builder> serverOptions) {
    this.clients = clients;
    this.serverOptions = serverOptions;
    clients.subscribe(
        new ClientListener() {
          @Override
          public void onJoin(String client) {
            joins.add(client);
          }

          @Override
          public void onLeave(String client) {
            leaves.add(client);
          }
        });
  }

  public static Fleet start() {
    return start(Clients.create());
  }

  public static Fleet start(Clients clients) {
    return start(clients, UnaryOperator.identity());
  }

  public static Fleet start(Clients clients, UnaryOperator<StreamServer.Builder> serverOptions) {
    Fleet fleet = new Fleet(clients, serverOptions);
    fleet.startServer(0);
    return fleet;
  }

  public Clients clients() {
    return clients;
  }

  public int port() {
    return port;
  }

  /** What the server sent down every stream. */
  public WireRecorder wire() {
    return wire;
  }

  /** Starts (or restarts) the server on {@code port}; 0 picks one. */
  public void startServer(int wantedPort) {
    BindableService service = serverOptions.apply(StreamServer.newBuilder(clients)).build();
    IOException last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        server =
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", wantedPort))
                .directExecutor()
                .maxInboundMessageSize(64 * 1024)
                .addService(ServerInterceptors.intercept(service, (ServerInterceptor) wire))
                .build()
                .start();
        port = server.getPort();
        return;
      } catch (IOException e) {
        last = e; // the old socket may linger briefly after a restart: retry, bounded
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
    throw new UncheckedIOException(last);
  }

  /** {@code shutdown()}, not {@code shutdownNow()}: asserts the server terminates in time. */
  public void stopServerGracefully() throws InterruptedException {
    server.shutdown();
    assertThat(server.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("server terminated after shutdown()")
        .isTrue();
  }

  public void stopServer() throws InterruptedException {
    server.shutdownNow();
    assertThat(server.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  public ManagedChannel channel() {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  /**
   * A channel whose connection is up, so that calls started on it reach the server in the
   * order they were started (a channel still connecting may start its buffered calls in
   * any order).
   */
  public ManagedChannel readyChannel() {
    ManagedChannel channel = channel();
    long deadline = System.nanoTime() + WAIT.toNanos();
    ConnectivityState state;
    while ((state = channel.getState(true)) != ConnectivityState.READY) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("channel not READY within " + WAIT + ", " + state);
      }
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      try {
        changed.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return channel;
  }

  /** Starts an agent and waits until it has joined. */
  public StreamClient agent(String name, HandlerRegistry registry) {
    return agent(name, registry, UnaryOperator.identity());
  }

  public StreamClient agent(
      String name, HandlerRegistry registry, UnaryOperator<StreamClient.Builder> options) {
    StreamClient agent = startAgent(name, registry, options);
    awaitJoin(name);
    return agent;
  }

  /** Starts an agent without waiting for it to join. */
  public StreamClient startAgent(
      String name, HandlerRegistry registry, UnaryOperator<StreamClient.Builder> options) {
    StreamClient agent =
        options
            .apply(
                StreamClient.newBuilder(channel(), name, registry)
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(200)))
            .start();
    agents.add(agent);
    return agent;
  }

  public void awaitJoin(String name) {
    awaitEvent(joins, name, "join");
  }

  /** Waits until a client named {@code name} is connected, a bounded time. */
  public void awaitConnected(String name) {
    try {
      clients.awaitConnected(List.of(name), WAIT);
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until no client named {@code name} is connected, polling a bounded time. */
  public void awaitNotConnected(String name) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (clients.isConnected(name)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("'" + name + "' still connected after " + WAIT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  public void awaitLeave(String name) {
    awaitEvent(leaves, name, "leave");
  }

  private static void awaitEvent(BlockingQueue<String> events, String name, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      while (true) {
        String next = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (next == null) {
          throw new AssertionError("no " + what + " of '" + name + "' within " + WAIT);
        }
        if (next.equals(name)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
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
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    for (ManagedChannel channel : channels) {
      channel.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
