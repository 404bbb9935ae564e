package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Clients;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.TestAgent;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a StreamClient dials, backs off and stops. */
@Timeout(60)
class StreamClientLifecycleTest {
  @Test
  void closingFromAStateListenerOnConnectingLeavesNoStreamBehind() throws Exception {
    try (Fleet fleet = Fleet.start()) {
      ManagedChannel channel = fleet.channel();
      CompletableFuture<StreamClient> self = new CompletableFuture<>();
      BlockingQueue<StreamClient.State> states = new LinkedBlockingQueue<>();
      StreamClient agent =
          StreamClient.newBuilder(channel, "a", new HandlerRegistry())
              .onStateChange(
                  state -> {
                    if (state == StreamClient.State.CONNECTING) {
                      self.orTimeout(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS).join().close();
                    }
                    states.add(state);
                  })
              .start();
      self.complete(agent);

      assertThat(next(states)).isEqualTo(StreamClient.State.CONNECTING);
      // Listeners run after the change, so a CONNECTED may come between; CLOSED comes last.
      StreamClient.State state;
      do {
        state = next(states);
      } while (state != StreamClient.State.CLOSED);
      assertThat(agent.state()).isEqualTo(StreamClient.State.CLOSED);
      assertThat(agent.closeReason().getCode()).isEqualTo(Status.Code.CANCELLED);
      // A stream left open would keep the channel from terminating.
      channel.shutdown();
      assertThat(channel.awaitTermination(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      fleet.awaitNotConnected("a");
    }
  }

  @Test
  void closingWhileItRedialsLeavesNoStreamBehind() throws Exception {
    Clients refusing = Clients.create();
    refusing.close(); // every Hello is refused at once, so the agent redials all the time
    try (Fleet fleet = Fleet.start(refusing)) {
      for (int attempt = 0; attempt < 30; attempt++) {
        ManagedChannel channel = fleet.channel();
        BlockingQueue<StreamClient.State> states = new LinkedBlockingQueue<>();
        StreamClient agent =
            StreamClient.newBuilder(channel, "a", new HandlerRegistry())
                .backoff(Duration.ofNanos(1), Duration.ofMillis(1))
                .onStateChange(states::add)
                .start();
        for (int seen = 0; seen < attempt % 6; seen++) {
          next(states);
        }

        agent.close();

        channel.shutdown();
        assertThat(channel.awaitTermination(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS))
            .as("channel of attempt %s terminated", attempt)
            .isTrue();
      }
    }
  }

  @Test
  void theBackoffGrowsAgainstAServerThatRefusesAtOnce() throws Exception {
    // A server without the Coordinator service answers every Connect UNIMPLEMENTED.
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new HealthStatusManager().getHealthService())
            .build()
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    BlockingQueue<Long> dials = new LinkedBlockingQueue<>();
    try (StreamClient agent =
        StreamClient.newBuilder(channel, "a", new HandlerRegistry())
            .backoff(Duration.ofMillis(20), Duration.ofSeconds(2))
            .onStateChange(
                state -> {
                  if (state == StreamClient.State.CONNECTING) {
                    dials.add(System.nanoTime());
                  }
                })
            .start()) {
      long first = take(dials);
      long eighth = 0;
      for (int i = 2; i <= 8; i++) {
        eighth = take(dials);
      }

      // Seven growing delays of at least 0.8 * 20 ms * 1.6^k add up to about 700 ms;
      // without growth they would be about 7 * 20 ms.
      assertThat(Duration.ofNanos(eighth - first)).isGreaterThan(Duration.ofMillis(500));
    } finally {
      channel.shutdownNow();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void twoAgentsSharingANameTakeTurnsAtTheMaximumBackoffInsteadOfFlapping() throws Exception {
    try (Fleet fleet = Fleet.start()) {
      BlockingQueue<Long> joins = new LinkedBlockingQueue<>();
      fleet.clients()
          .subscribe(
              new dev.agentrpc.server.ClientListener() {
                @Override
                public void onJoin(String client) {
                  joins.add(System.nanoTime());
                }
              });
      for (int twin = 0; twin < 2; twin++) {
        fleet.startAgent(
            "twin",
            new TestAgent("twin").registry(),
            agent -> agent.backoff(Duration.ofMillis(20), Duration.ofMillis(400)));
      }

      long first = take(joins);
      long fourth = 0;
      for (int i = 2; i <= 4; i++) {
        fourth = take(joins);
      }

      // Each takeover after the first two waits the maximum backoff (400 ms +-20%).
      assertThat(Duration.ofNanos(fourth - first)).isGreaterThan(Duration.ofMillis(600));
    }
  }

  @Test
  void anAgentWhoseChannelWasShutDownStopsInStateClosed() throws Exception {
    try (Fleet fleet = Fleet.start()) {
      ManagedChannel channel = fleet.channel();
      BlockingQueue<StreamClient.State> states = new LinkedBlockingQueue<>();
      StreamClient agent =
          StreamClient.newBuilder(channel, "a", new TestAgent("a").registry())
              .onStateChange(states::add)
              .start();
      fleet.awaitJoin("a");

      channel.shutdownNow();

      StreamClient.State state;
      do {
        state = next(states);
      } while (state != StreamClient.State.CLOSED);
      assertThat(agent.closeReason().getDescription()).contains("channel was shut down");
      fleet.awaitLeave("a");
    }
  }

  private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
    T next = queue.poll(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(next).as("an event within %s", Fleet.WAIT).isNotNull();
    return next;
  }

  @Test
  void anAgentAdmittedButNeverCalledRedialsAfterTheInitialBackoffWhenTheControllerRestarts()
      throws Exception {
    Clients clients = Clients.create();
    Server server = startController(clients, 0);
    int port = server.getPort();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    BlockingQueue<Long> waits = new LinkedBlockingQueue<>();
    BlockingQueue<Long> dials = new LinkedBlockingQueue<>();
    try (StreamClient agent =
        StreamClient.newBuilder(channel, "idle", new HandlerRegistry())
            .backoff(Duration.ofMillis(100), Duration.ofSeconds(10))
            .onStateChange(
                state -> {
                  if (state == StreamClient.State.WAITING_TO_RECONNECT) {
                    waits.add(System.nanoTime());
                  } else if (state == StreamClient.State.CONNECTING) {
                    dials.add(System.nanoTime());
                  }
                })
            .start()) {
      take(dials);
      clients.awaitConnected(java.util.List.of("idle"), Fleet.WAIT);
      long lastDelay = 0;
      for (int restart = 1; restart <= 4; restart++) {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server = startController(clients, port);
        long waitStart = take(waits);
        lastDelay = take(dials) - waitStart;
        clients.awaitConnected(java.util.List.of("idle"), Fleet.WAIT);
      }

      // The controller acknowledges the join, so each stream counts as accepted and the
      // backoff starts over: about 100 ms each time. Without it, the fourth delay would have
      // grown to 100 ms * 1.6^3 = 410 ms (at least 328 ms with the jitter).
      assertThat(Duration.ofNanos(lastDelay)).isLessThan(Duration.ofMillis(300));
    } finally {
      channel.shutdownNow();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      clients.close();
    }
  }

  @Test
  void anAgentDialsAsSoonAsItsChannelReconnectsInsteadOfWaitingOutItsBackoff() throws Exception {
    Clients clients = Clients.create();
    Server server = startController(clients, 0);
    int port = server.getPort();
    BlockingQueue<StreamClient.State> states = new LinkedBlockingQueue<>();
    BlockingQueue<Long> times = new LinkedBlockingQueue<>();
    try (CountingChannel counting = new CountingChannel(port);
        StreamClient agent = recording(counting.channel, "back", Duration.ofMillis(300), states, times)) {
      clients.awaitConnected(java.util.List.of("back"), Fleet.WAIT);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      // Six connection attempts, the first the one the stop dropped: after five failures the
      // channel's own reconnect backoff has grown past ours, so only our attempts count.
      counting.awaitAttempts(6);
      states.clear();
      times.clear();
      server = startController(clients, port); // the next attempt is 240 ms or more away
      CompletableFuture<Long> readyAt = new CompletableFuture<>();
      counting.whenReady(() -> readyAt.complete(System.nanoTime()));

      // The attempt connects the channel; the agent dials the moment it does, not a whole
      // backoff (at least 240 ms) later, and opens no stream that fails before.
      assertThat(next(states)).isEqualTo(StreamClient.State.CONNECTING);
      long dialedAt = take(times);
      assertThat(next(states)).isEqualTo(StreamClient.State.CONNECTED);
      long ready = readyAt.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(dialedAt - ready)).isLessThan(Duration.ofMillis(200));
      clients.awaitConnected(java.util.List.of("back"), Fleet.WAIT);
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      clients.close();
    }
  }

  @Test
  void whileTheControllerIsDownTheChannelRetriesOnTheAgentsBackoffWithoutOpeningStreams()
      throws Exception {
    Clients clients = Clients.create();
    Server server = startController(clients, 0);
    BlockingQueue<StreamClient.State> states = new LinkedBlockingQueue<>();
    try (CountingChannel counting = new CountingChannel(server.getPort());
        StreamClient agent =
            StreamClient.newBuilder(counting.channel, "down", new HandlerRegistry())
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .onStateChange(states::add)
                .start()) {
      clients.awaitConnected(java.util.List.of("down"), Fleet.WAIT);
      counting.attempts.clear();
      states.clear();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);

      long first = counting.nextAttempt();
      long sixth = 0;
      for (int i = 2; i <= 6; i++) {
        sixth = counting.nextAttempt();
      }

      // Ours: 80, 128, 200, 200 and 200 ms (+-20%). gRPC's own backoff would wait 1 s, 1.6 s,
      // 2.6 s and 4.1 s between its attempts.
      assertThat(Duration.ofNanos(sixth - first)).isLessThan(Duration.ofMillis(2500));
      // A stream is opened only by the first redial, which found the channel idle.
      assertThat(states.stream().filter(s -> s == StreamClient.State.CONNECTING).count())
          .isLessThanOrEqualTo(2);
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      clients.close();
    }
  }

  @Test
  void anAgentWhoseRedialFoundTheControllerDownRejoinsSoonAfterItRestarts() throws Exception {
    Clients clients = Clients.create();
    Server server = startController(clients, 0);
    int port = server.getPort();
    try (CountingChannel counting = new CountingChannel(port);
        StreamClient agent =
            StreamClient.newBuilder(counting.channel, "soon", new HandlerRegistry())
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .start()) {
      clients.awaitConnected(java.util.List.of("soon"), Fleet.WAIT);
      counting.attempts.clear();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      counting.nextAttempt(); // the redial finds the controller down
      counting.nextAttempt(); // and the next one too: the channel's own backoff is 1 s by now

      server = startController(clients, port);
      long restarted = System.nanoTime();
      clients.awaitConnected(java.util.List.of("soon"), Fleet.WAIT);

      // The agent's next attempt is at most 256 ms + 20% away, well before the channel's own.
      assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(Duration.ofMillis(750));
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      clients.close();
    }
  }

  @Test
  void anAgentWhoseJoinedStreamTheServerEndsWaitsOutItsBackoffThoughItsFirstDialFoundTheChannelIdle()
      throws Exception {
    Clients clients = Clients.create();
    Server server = startController(clients, 0);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    BlockingQueue<StreamClient.State> states = new LinkedBlockingQueue<>();
    BlockingQueue<Long> times = new LinkedBlockingQueue<>();
    try (StreamClient agent = recording(channel, "ended", Duration.ofMillis(500), states, times)) {
      // The first dial finds the channel idle; its stream connects and joins.
      clients.awaitConnected(java.util.List.of("ended"), Fleet.WAIT);
      clients.close(); // ends the stream; the connection stays up

      long waitingSince = 0;
      while (true) {
        long at = take(times);
        StreamClient.State state = next(states);
        if (state == StreamClient.State.WAITING_TO_RECONNECT) {
          waitingSince = at;
        } else if (state == StreamClient.State.CONNECTING && waitingSince != 0) {
          // Not at once on the still-connected channel: a stream the server ended waits out
          // its backoff (500 ms, at least 400 ms with the jitter).
          assertThat(Duration.ofNanos(at - waitingSince)).isGreaterThan(Duration.ofMillis(350));
          break;
        }
      }
    } finally {
      channel.shutdownNow();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** An agent with a fixed backoff that records each state it enters, and when. */
  private static StreamClient recording(
      ManagedChannel channel,
      String name,
      Duration backoff,
      BlockingQueue<StreamClient.State> states,
      BlockingQueue<Long> times) {
    return StreamClient.newBuilder(channel, name, new HandlerRegistry())
        .backoff(backoff, backoff)
        .onStateChange(
            state -> {
              times.add(System.nanoTime());
              states.add(state);
            })
        .start();
  }

  private static Server startController(Clients clients, int port) throws java.io.IOException {
    return StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)))
        .addService(StreamServer.newBuilder(clients).build())
        .build()
        .start();
  }

  private static long take(BlockingQueue<Long> queue) throws InterruptedException {
    return next(queue);
  }

  /** A channel to 127.0.0.1 on its own event loop that records each TCP connection it attempts. */
  private static final class CountingChannel implements AutoCloseable {
    final BlockingQueue<Long> attempts = new LinkedBlockingQueue<>();
    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    final ManagedChannel channel;

    CountingChannel(int port) {
      channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port)
              .usePlaintext()
              .eventLoopGroup(group)
              .channelFactory(
                  () -> {
                    attempts.add(System.nanoTime());
                    return new NioSocketChannel();
                  })
              .build();
    }

    long nextAttempt() throws InterruptedException {
      return take(attempts);
    }

    void awaitAttempts(int count) throws InterruptedException {
      for (int i = 0; i < count; i++) {
        nextAttempt();
      }
    }

    /** Runs {@code action} when the channel next becomes READY. */
    void whenReady(Runnable action) {
      ConnectivityState now = channel.getState(false);
      if (now == ConnectivityState.READY) {
        action.run();
        return;
      }
      channel.notifyWhenStateChanged(now, () -> whenReady(action));
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }
}
