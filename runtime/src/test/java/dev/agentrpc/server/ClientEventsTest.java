package dev.agentrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.server.identity.JoinDecision;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.RawStream;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Join and leave events, as listeners and waiters see them. */
@Timeout(60)
class ClientEventsTest {
  @Test
  void replacementsAndRefusalsReachListenersToo() throws Exception {
    try (Fleet fleet =
        Fleet.start(
            Clients.create(),
            server ->
                server.joinPolicy(
                    request ->
                        request.name().startsWith("denied")
                            ? JoinDecision.deny(
                                Status.PERMISSION_DENIED.withDescription("not on the list"))
                            : JoinDecision.admit(request.name())))) {
      BlockingQueue<String> events = new LinkedBlockingQueue<>();
      fleet.clients()
          .subscribe(
              new ClientListener() {
                @Override
                public void onJoin(String client) {
                  events.add("join " + client);
                }

                @Override
                public void onLeave(String client) {
                  events.add("leave " + client);
                }

                @Override
                public void onReplaced(String client) {
                  events.add("replaced " + client);
                }

                @Override
                public void onRefused(String client, Status status) {
                  events.add("refused " + client + " " + status.getCode());
                }
              });
      ManagedChannel channel = fleet.readyChannel();
      new RawStream(channel).hello("agent");
      assertThat(next(events)).isEqualTo("join agent");
      new RawStream(channel).hello("agent");
      assertThat(List.of(next(events), next(events), next(events)))
          .containsExactly("leave agent", "join agent", "replaced agent");

      RawStream denied = new RawStream(channel).hello("denied-1");
      assertThat(denied.awaitClose().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(next(events)).isEqualTo("refused denied-1 PERMISSION_DENIED");

      RawStream badName = new RawStream(channel).hello("no spaces");
      badName.awaitClose();
      assertThat(next(events)).isEqualTo("refused no spaces INVALID_ARGUMENT");
    }
  }

  private static String next(BlockingQueue<String> events) throws InterruptedException {
    String event = events.poll(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(event).as("a listener event in time").isNotNull();
    return event;
  }

  @Test
  void joinsAndLeavesOfOneNameReachListenersInTheOrderTheyHappened() throws Exception {
    int threads = 4;
    int streamsPerThread = 25;
    // Each thread's streams share one connection: allow them all.
    try (Fleet fleet = Fleet.start(Clients.create(), server -> server.maxStreamsPerConnection(100))) {
      List<String> events = new CopyOnWriteArrayList<>();
      fleet.clients()
          .subscribe(
              new ClientListener() {
                @Override
                public void onJoin(String client) {
                  events.add("join");
                }

                @Override
                public void onLeave(String client) {
                  events.add("leave");
                }
              });
      List<RawStream> streams = helloFromThreads(fleet, threads, streamsPerThread, (t, i) -> "x");
      awaitCount(events, "join", threads * streamsPerThread);
      streams.forEach(RawStream::cancel);
      awaitCount(events, "leave", threads * streamsPerThread);

      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i)).as("event %s of %s", i, events).isEqualTo(i % 2 == 0 ? "join" : "leave");
      }
      assertThat(fleet.clients().isConnected("x")).isFalse();
    }
  }

  @Test
  void aJoinedClientIsConnectedWhenItsListenersHearOfIt() throws Exception {
    int threads = 4;
    int streamsPerThread = 100;
    // Events delivered on the thread of whichever join flushes them: the tightest race between
    // one join's delivery and another's change of the map.
    Clients clients = Clients.newBuilder().callbackExecutor(Runnable::run).build();
    try (Fleet fleet = Fleet.start(clients, server -> server.maxStreamsPerConnection(streamsPerThread))) {
      List<String> notYetConnected = new CopyOnWriteArrayList<>();
      List<String> joined = new CopyOnWriteArrayList<>();
      clients.subscribe(
          new ClientListener() {
            @Override
            public void onJoin(String client) {
              if (clients.info(client) == null) {
                notYetConnected.add(client);
              }
              joined.add("join");
            }

            @Override
            public void onLeave(String client) {}
          });
      List<RawStream> streams =
          helloFromThreads(fleet, threads, streamsPerThread, (t, i) -> "t" + t + "-" + i);
      awaitCount(joined, "join", threads * streamsPerThread);
      assertThat(notYetConnected).as("clients heard of before Clients showed them").isEmpty();
      streams.forEach(RawStream::cancel);
    }
  }

  @Test
  void awaitConnectedNamesTheClientsThatDidNotConnect() throws Exception {
    try (Fleet fleet = Fleet.start()) {
      new RawStream(fleet.channel()).hello("present");
      fleet.clients().awaitConnected(List.of("present"), Fleet.WAIT);

      TimeoutException missing =
          org.junit.jupiter.api.Assertions.assertThrows(
              TimeoutException.class,
              () -> fleet.clients().awaitConnected(List.of("present", "absent"), Duration.ofMillis(50)));

      assertThat(missing).hasMessageContaining("1 of 2 clients did not connect").hasMessageContaining("[absent]");
    }
  }

  /** The name the {@code index}th stream of thread {@code thread} says Hello with. */
  private interface StreamName {
    String of(int thread, int index);
  }

  /** Opens {@code perThread} streams saying Hello from each of {@code threads} threads, a channel each. */
  private static List<RawStream> helloFromThreads(Fleet fleet, int threads, int perThread, StreamName name)
      throws Exception {
    List<RawStream> streams = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        ManagedChannel channel = fleet.channel();
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    streams.add(new RawStream(channel).hello(name.of(thread, i)));
                  }
                }));
      }
      for (Future<?> future : done) {
        future.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return streams;
  }

  private static void awaitCount(List<String> events, String event, int count) {
    long deadline = System.nanoTime() + Fleet.WAIT.toNanos();
    while (events.stream().filter(event::equals).count() < count) {
      assertThat(System.nanoTime())
          .as("%s %s events within %s, have %s", count, event, Fleet.WAIT, events)
          .isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }
}
