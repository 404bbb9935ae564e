package dev.agentrpc.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.cluster.testing.Agent;
import dev.agentrpc.cluster.testing.RedisExtension;
import dev.agentrpc.cluster.testing.RedisProcess;
import dev.agentrpc.cluster.testing.Replica;
import dev.agentrpc.cluster.testing.Waits;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.CallObserver;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.ClientInfo;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOutOptions;
import dev.agentrpc.server.Result;
import dev.agentrpc.server.identity.JoinDecision;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three replicas in this JVM, each its own Clients and gRPC server on 127.0.0.1, sharing a real
 * redis-server; one agent on each.
 */
@Timeout(90)
class ClusterTest {
  private static final AtomicInteger clusters = new AtomicInteger();
  @RegisterExtension static final RedisExtension server = new RedisExtension();
  private RedisProcess redis;

  private final Agent a1 = new Agent("a1");
  private final Agent a2 = new Agent("a2");
  private final Agent a3 = new Agent("a3");
  private Replica r1;
  private Replica r2;
  private Replica r3;

  @BeforeEach
  void startReplicas() {
    redis = server.process();
    redis.ensureRunning(); // a test that stopped it and failed before restarting it
    String prefix = "test" + clusters.incrementAndGet();
    r1 = Replica.start(redis, prefix, "r1");
    r2 = Replica.start(redis, prefix, "r2");
    r3 = Replica.start(redis, prefix, "r3");
    r1.agent("a1", a1.registry());
    r2.agent("a2", a2.registry());
    r3.agent("a3", a3.registry());
    for (Replica r : List.of(r1, r2, r3)) {
      r.awaitListed(List.of("a1", "a2", "a3"));
    }
  }

  @AfterEach
  void stopReplicas() throws InterruptedException {
    for (Replica r : new Replica[] {r1, r2, r3}) {
      if (r != null) {
        r.close();
      }
    }
  }

  @Test
  void metadataAnObserverPutsOnTheCallingReplicaReachesTheAgentOnAnother() throws Exception {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    CallObserver tracing =
        (client, method, metadata) -> {
          metadata.put("traceparent", traceparent);
          return null;
        };
    List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    HandlerRegistry registry =
        new Agent("traced")
            .registry()
            .observe((method, metadata) -> {
              received.add(Map.copyOf(metadata));
              return null;
            });
    String prefix = "traced" + clusters.incrementAndGet();
    try (Replica calling =
            Replica.start(redis, prefix, "calling", Clients.newBuilder().defaultTimeout(Duration.ofSeconds(10)).addObserver(tracing));
        Replica holding = Replica.start(redis, prefix, "holding")) {
      holding.agent("traced", registry);
      calling.awaitListed(List.of("traced"));

      assertThat(calling.clients().call("traced", StringValue.of("hi"), StringValue.parser()).get(10, TimeUnit.SECONDS))
          .isEqualTo(StringValue.of("traced:hi"));

      assertThat(received).singleElement().isEqualTo(Map.of("traceparent", traceparent));
    }
  }

  @Test
  void everyReplicaCallsEveryAgent() throws Exception {
    for (Replica from : List.of(r1, r2, r3)) {
      for (String agent : List.of("a1", "a2", "a3")) {
        assertThat(from.clients().call(agent, StringValue.of("hi"), StringValue.parser()).get(10, TimeUnit.SECONDS))
            .isEqualTo(StringValue.of(agent + ":hi"));
      }
    }
    assertThat(r1.clients().names()).containsExactly("a1");
    assertThat(r1.clients().info("a2"))
        .satisfies(info -> {
          assertThat(info.isRemote()).isTrue();
          assertThat(info.labels()).containsEntry("replica", "r2");
        });
  }

  @Test
  void callAllAndFanOutsSpanEveryReplica() throws Exception {
    for (Replica from : List.of(r1, r2, r3)) {
      List<Result<StringValue>> all =
          from.clients().callAll(StringValue.of("x"), StringValue.parser()).get(10, TimeUnit.SECONDS);
      assertThat(all).extracting(r -> r.value().getValue()).containsExactlyInAnyOrder("a1:x", "a2:x", "a3:x");
    }

    List<Result<StringValue>> selected =
        r1.clients().fanOut(StringValue.of("y"), StringValue.parser(), FanOutOptions.selecting("replica=r3")).await();
    assertThat(selected).singleElement().satisfies(r -> assertThat(r.value().getValue()).isEqualTo("a3:y"));

    List<Result<StringValue>> windowed =
        r2.clients()
            .fanOut(StringValue.of("z"), StringValue.parser(), FanOutOptions.clients(List.of("a1", "a3", "nobody")).window(1))
            .await();
    assertThat(windowed).extracting(r -> r.client() + " " + r.outcome())
        .containsExactlyInAnyOrder("a1 ANSWERED", "a3 ANSWERED", "nobody NOT_CALLED");
    assertThat(windowed).filteredOn(r -> r.client().equals("nobody"))
        .singleElement().satisfies(r -> assertThat(r.status().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void aForwardedFailureKeepsItsStatus() {
    assertThatThrownBy(() -> Calls.await(r1.clients().call("a2", BoolValue.of(true), BoolValue.parser())))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).isEqualTo("not for you");
        });
    assertThatThrownBy(() -> Calls.await(r1.clients().call("nobody", StringValue.of("x"), StringValue.parser())))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void cancellingAForwardedCallCancelsTheHandlerOnTheOtherReplica() throws Exception {
    CompletableFuture<Int64Value> call = r1.clients().call("a2", Int64Value.of(60_000), Int64Value.parser());
    a2.awaitHolding();

    call.cancel(false);

    assertThat(a2.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    Waits.until("r2 forgetting the call", () -> r2.clients().pendingCalls() == 0);
  }

  @Test
  void cancellingTheCallersContextCancelsTheHandlerOnTheOtherReplica() throws Exception {
    // The call in that Context goes first: it opens r1's stream to r2, which must outlive it.
    Context.CancellableContext caller = Context.current().withCancellation();
    CompletableFuture<Int64Value> call =
        caller.call(() -> r1.clients().call("a2", Int64Value.of(60_000), Int64Value.parser(), Duration.ofSeconds(60)));
    a2.awaitHolding();
    CompletableFuture<Int64Value> bystander =
        r1.clients().call("a2", Int64Value.of(60_000), Int64Value.parser(), Duration.ofSeconds(60));
    a2.awaitHolding();

    caller.cancel(null);

    assertThat(a2.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThatThrownBy(() -> Calls.await(call))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
    Waits.until("r2 forgetting the call", () -> r2.clients().pendingCalls() == 1);
    assertThat(bystander).as("a call forwarded over the same stream, outside that Context").isNotDone();
    bystander.cancel(false);
    Waits.until("r2 forgetting the other call", () -> r2.clients().pendingCalls() == 0);
  }

  @Test
  void manyCallsForwardedAtOnceEachGetTheirOwnReply() throws Exception {
    List<CompletableFuture<StringValue>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) { // each agent runs at most 128 handlers at once
      calls.add(r1.clients().call(i % 2 == 0 ? "a2" : "a3", StringValue.of("n" + i), StringValue.parser()));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(Calls.await(calls.get(i))).isEqualTo(StringValue.of((i % 2 == 0 ? "a2" : "a3") + ":n" + i));
    }
  }

  @Test
  void aForwardingReplicaThatStopsCancelsItsCallsOnTheOtherReplica() throws Exception {
    CompletableFuture<Int64Value> call = r1.clients().call("a2", Int64Value.of(60_000), Int64Value.parser());
    a2.awaitHolding();

    r1.close();
    r1 = null;

    assertThat(a2.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    Waits.until("r2 forgetting the call", () -> r2.clients().pendingCalls() == 0);
    assertThatThrownBy(() -> Calls.await(call))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aForwardedCallEndsAtTheCallersDeadlineOnBothReplicas() throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Int64Value> call =
        r3.clients().call("a1", Int64Value.of(60_000), Int64Value.parser(), Duration.ofMillis(500));

    assertThatThrownBy(() -> Calls.await(call))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(a1.nextCancellation().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    Waits.until("r1 forgetting the call", () -> r1.clients().pendingCalls() == 0);
  }

  @Test
  void theSameNameOnTwoReplicasLeavesOnlyTheNewerConnection() throws Exception {
    Agent first = new Agent("first");
    Agent second = new Agent("second");
    // The replaced agent redials only after its maximum backoff: a minute, past this test.
    r1.agent("twin", first.registry(), b -> b.backoff(Duration.ofMillis(20), Duration.ofMinutes(1)));
    r2.awaitListed(List.of("twin"));

    r2.agent("twin", second.registry(), b -> b.backoff(Duration.ofMillis(20), Duration.ofMinutes(1)));

    Waits.until("r1 closing its older connection of twin", () -> !r1.clients().isConnected("twin"));
    assertThat(r2.clients().isConnected("twin")).isTrue();
    for (Replica from : List.of(r1, r2, r3)) {
      Waits.until(from.replica().id() + " seeing twin on r2",
          () -> {
            ClientInfo info = from.clients().info("twin");
            return info != null && info.labels().get("replica").equals("r2");
          });
      assertThat(from.clients().call("twin", StringValue.of("who"), StringValue.parser()).get(10, TimeUnit.SECONDS))
          .isEqualTo(StringValue.of("second:who"));
    }
    assertThat(r1.clients().isConnected("twin") || r3.clients().isConnected("twin")).isFalse();
  }

  @Test
  void aNameHeldOnOneReplicaIsRefusedToAnotherIdentityOnAnother() throws Exception {
    String prefix = "identities" + clusters.incrementAndGet();
    try (Replica ofAlice = Replica.start(redis, prefix, "ra", server -> server.joinPolicy(hello -> JoinDecision.admit("alice")));
        Replica ofMallory =
            Replica.start(redis, prefix, "rm", server -> server.joinPolicy(hello -> JoinDecision.admit("mallory")))) {
      BlockingQueue<Status> refusals = new LinkedBlockingQueue<>();
      ofMallory.clients().subscribe(
          new ClientListener() {
            @Override
            public void onJoin(String client) {}

            @Override
            public void onLeave(String client) {}

            @Override
            public void onRefused(String client, Status status) {
              refusals.add(status);
            }
          });
      ofAlice.agent("shared", new Agent("alice").registry());
      ofMallory.awaitListed(List.of("shared"));

      ofMallory.dial("shared", new Agent("mallory").registry(), b -> b.backoff(Duration.ofMillis(20), Duration.ofMinutes(1)));

      Status refused = refusals.poll(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(refused).isNotNull();
      assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(refused.getDescription()).contains("replica ra", "another identity");
      assertThat(ofMallory.clients().isConnected("shared")).isFalse();
      assertThat(ofMallory.clients().call("shared", StringValue.of("who"), StringValue.parser()).get(10, TimeUnit.SECONDS))
          .isEqualTo(StringValue.of("alice:who"));
      assertThat(ofAlice.clients().identity("shared")).isEqualTo("alice");
    }
  }

  @Test
  void withoutRedisLocalCallsWorkAndOthersFailUnavailableUntilItReturns() throws Exception {
    redis.stop();
    Waits.until("r1 noticing Redis is gone", () -> !r1.replica().isDirectoryAvailable());

    assertThat(r1.clients().call("a1", StringValue.of("here"), StringValue.parser()).get(10, TimeUnit.SECONDS))
        .isEqualTo(StringValue.of("a1:here"));
    assertThatThrownBy(() -> Calls.await(r1.clients().call("a2", StringValue.of("there"), StringValue.parser())))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription())
              .contains("Redis at 127.0.0.1:" + redis.port())
              .contains("unreachable")
              .contains("clients connected to this replica still are");
        });

    r2.agent("late", new Agent("late").registry()); // joins while Redis is away

    redis.restart(); // empty: the directory is rebuilt from the replicas
    for (Replica r : List.of(r1, r2, r3)) {
      Waits.until(r.replica().id() + " reading the directory again", Waits.WAIT, r.replica()::isDirectoryAvailable);
      r.awaitListed(List.of("a1", "a2", "a3", "late"));
    }
    assertThat(r1.clients().call("a2", StringValue.of("back"), StringValue.parser()).get(10, TimeUnit.SECONDS))
        .isEqualTo(StringValue.of("a2:back"));
    assertThat(r3.clients().call("late", StringValue.of("x"), StringValue.parser()).get(10, TimeUnit.SECONDS))
        .isEqualTo(StringValue.of("late:x"));
    assertThat(r2.clients().callAll(StringValue.of("all"), StringValue.parser()).get(10, TimeUnit.SECONDS))
        .extracting(Result::outcome)
        .containsOnly(Result.Outcome.ANSWERED)
        .hasSize(4);
  }

  @Test
  void aReplicaStartedWhileRedisIsAwayJoinsOnceItReturns() throws Exception {
    redis.stop();
    try (Replica r4 = Replica.start(redis, "test" + clusters.get(), "r4")) {
      r4.agent("a4", new Agent("a4").registry());
      assertThat(r4.clients().call("a4", StringValue.of("x"), StringValue.parser()).get(10, TimeUnit.SECONDS))
          .isEqualTo(StringValue.of("a4:x"));

      redis.restart();

      r1.awaitListed(List.of("a1", "a2", "a3", "a4"));
      r4.awaitListed(List.of("a1", "a2", "a3", "a4"));
      assertThat(r1.clients().call("a4", StringValue.of("y"), StringValue.parser()).get(10, TimeUnit.SECONDS))
          .isEqualTo(StringValue.of("a4:y"));
      assertThat(r4.clients().call("a2", StringValue.of("z"), StringValue.parser()).get(10, TimeUnit.SECONDS))
          .isEqualTo(StringValue.of("a2:z"));
    }
  }

  @Test
  void aClientThatLeavesDisappearsFromEveryReplica() throws Exception {
    Agent gone = new Agent("gone");
    var agent = r3.agent("gone", gone.registry());
    r1.awaitListed(List.of("gone"));

    agent.close();

    Waits.until("r1 forgetting 'gone'", () -> r1.clients().info("gone") == null);
    assertThatThrownBy(() -> Calls.await(r1.clients().call("gone", StringValue.of("x"), StringValue.parser())))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void joinsAndLeavesOnAnyReplicaReachEveryReplicasClusterListeners() throws Exception {
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    r1.replica().subscribe(new ClusterListener() {
      @Override
      public void onJoin(String client, String replica) {
        events.add("join " + client + " at " + replica);
      }

      @Override
      public void onLeave(String client, String replica) {
        events.add("leave " + client + " at " + replica);
      }
    });

    var agent = r3.agent("roamer", new Agent("roamer").registry());
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("join roamer at r3");
    agent.close();
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("leave roamer at r3");
    r1.agent("roamer", new Agent("roamer").registry());
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("join roamer at r1");
  }

  @Test
  void aForwardedCallInFlightFailsPromptlyWhenItsReplicaStops() throws Exception {
    CompletableFuture<Int64Value> call =
        r1.clients().call("a3", Int64Value.of(60_000), Int64Value.parser(), Duration.ofSeconds(30));
    a3.awaitHolding();
    long start = System.nanoTime();

    r3.close();
    r3 = null;

    assertThatThrownBy(() -> Calls.await(call))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    Waits.until("r1 forgetting a3", () -> r1.clients().info("a3") == null);
  }
}
