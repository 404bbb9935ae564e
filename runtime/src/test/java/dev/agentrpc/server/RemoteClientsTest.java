package dev.agentrpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.spi.LocalCalls;
import dev.agentrpc.server.spi.RemoteCall;
import dev.agentrpc.server.spi.RemoteClients;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.TestAgent;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two replicas, each its own Clients and server over Netty, joined through the {@link
 * RemoteClients} SPI the way a cluster module joins them (here by calling {@link LocalCalls}
 * of the other replica directly): calls, call-alls and fan-outs span both.
 */
@Timeout(60)
class RemoteClientsTest {
  private final Peer toB = new Peer();
  private final Peer toA = new Peer();
  private Fleet a;
  private Fleet b;
  private TestAgent onA;
  private TestAgent onB;

  @BeforeEach
  void setUp() {
    a = Fleet.start(Clients.newBuilder().remote(toB).build());
    b = Fleet.start(Clients.newBuilder().remote(toA).build());
    toB.replica = b.clients();
    toA.replica = a.clients();
    onA = new TestAgent("agent-a", 1);
    onB = new TestAgent("agent-b", 1);
    a.agent("agent-a", onA.registry(), o -> o.labels(Map.of("replica", "a")));
    b.agent("agent-b", onB.registry(), o -> o.labels(Map.of("replica", "b")));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    a.close();
    b.close();
  }

  @Test
  void aCallToAClientHeldElsewhereIsForwardedAndItsReplyParsedHere() throws Exception {
    assertThat(a.clients().call("agent-b", StringValue.of("hi"), StringValue.parser()).get(10, TimeUnit.SECONDS))
        .isEqualTo(StringValue.of("agent-b:hi"));
    assertThat(a.clients().names()).containsExactly("agent-a");
    assertThat(a.clients().list()).extracting(ClientInfo::name, ClientInfo::isRemote)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("agent-a", false),
            org.assertj.core.groups.Tuple.tuple("agent-b", true));
    assertThat(a.clients().info("agent-b").labels()).containsEntry("replica", "b");
  }

  @Test
  void aForwardedFailureKeepsItsStatus() {
    assertThatThrownBy(() -> Calls.await(a.clients().call("agent-b", BoolValue.of(true), BoolValue.parser())))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> {
          Status status = ((StatusRuntimeException) e).getStatus();
          assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(status.getDescription()).isEqualTo("not for you");
        });
    assertThatThrownBy(() -> Calls.await(a.clients().call("nobody", StringValue.of("x"), StringValue.parser())))
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void cancellingAForwardedCallCancelsItOnTheAgent() throws Exception {
    CompletableFuture<Int64Value> call =
        a.clients().call("agent-b", Int64Value.of(60_000), Int64Value.parser());
    onB.awaitHolding();

    call.cancel(false);

    assertThat(onB.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    awaitNoPendingCalls(b.clients());
  }

  @Test
  void callAllAndFanOutsSpanTheReplicas() throws Exception {
    List<Result<StringValue>> all =
        a.clients().callAll(StringValue.of("x"), StringValue.parser()).get(10, TimeUnit.SECONDS);
    assertThat(all.stream().map(r -> r.value().getValue()).collect(Collectors.toList()))
        .containsExactlyInAnyOrder("agent-a:x", "agent-b:x");

    List<Result<StringValue>> onlyB =
        a.clients().fanOut(StringValue.of("y"), StringValue.parser(), FanOutOptions.selecting("replica=b")).await();
    assertThat(onlyB).singleElement().satisfies(r -> assertThat(r.value().getValue()).isEqualTo("agent-b:y"));

    List<Result<StringValue>> named =
        b.clients()
            .fanOut(StringValue.of("z"), StringValue.parser(), FanOutOptions.clients(List.of("agent-a", "agent-b")).window(1))
            .await();
    assertThat(named).extracting(Result::outcome).containsOnly(Result.Outcome.ANSWERED);
  }

  @Test
  void aStallCancelsForwardedCallsAsCancelled() throws Exception {
    List<Result<Int64Value>> results =
        a.clients()
            .fanOut(Int64Value.of(60_000), Int64Value.parser(), FanOutOptions.all().stallTimeout(Duration.ofMillis(300)))
            .await();

    assertThat(results).hasSize(2).allSatisfy(r -> {
      assertThat(r.outcome()).isEqualTo(Result.Outcome.CANCELLED);
      assertThat(r.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    });
    assertThat(onB.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    awaitNoPendingCalls(b.clients());
  }

  @Test
  void theForwardingReplicasObserversStartTheCallAndTheirMetadataReachesTheAgent() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    Peer toD = new Peer();
    Peer toC = new Peer();
    Fleet c =
        Fleet.start(Clients.newBuilder().remote(toD).addObserver(observer("c", Map.of("traceparent", "from-c"), seen)).build());
    Fleet d =
        Fleet.start(
            Clients.newBuilder()
                .remote(toC)
                .addObserver(observer("d", Map.of("traceparent", "from-d", "replica", "d"), seen))
                .build());
    try {
      toD.replica = d.clients();
      toC.replica = c.clients();
      List<Map<String, String>> received = new CopyOnWriteArrayList<>();
      HandlerRegistry registry =
          new TestAgent("agent-d", 1)
              .registry()
              .observe((method, metadata) -> {
                received.add(Map.copyOf(metadata));
                return status -> {};
              });
      d.agent("agent-d", registry);

      assertThat(c.clients().call("agent-d", StringValue.of("hi"), StringValue.parser()).get(10, TimeUnit.SECONDS))
          .isEqualTo(StringValue.of("agent-d:hi"));

      // c's observers start the call; d's see it too; on a key both put, c's value is sent
      assertThat(received).singleElement().isEqualTo(Map.of("traceparent", "from-c", "replica", "d"));
      assertThat(seen).containsExactlyInAnyOrder("c start agent-d", "d start agent-d", "c end OK", "d end OK");
    } finally {
      c.close();
      d.close();
    }
  }

  /** An observer named {@code name} that puts {@code entries} in every call's metadata and notes starts and ends. */
  private static CallObserver observer(String name, Map<String, String> entries, List<String> seen) {
    return (client, method, metadata) -> {
      metadata.putAll(entries);
      seen.add(name + " start " + client);
      return status -> seen.add(name + " end " + status.getCode());
    };
  }

  @Test
  void evictingAConnectionClosesOnlyThatConnection() throws Exception {
    long connection = b.clients().info("agent-b").connection();
    CompletableFuture<Int64Value> pending = b.clients().call("agent-b", Int64Value.of(60_000), Int64Value.parser());
    onB.awaitHolding();

    assertThat(LocalCalls.evict(b.clients(), "agent-b", connection + 1, "not this one")).isFalse();
    assertThat(LocalCalls.evict(b.clients(), "agent-b", connection, "it joined replica c")).isTrue();

    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAVAILABLE")
        .hasMessageContaining("moved to another replica");
    assertThat(LocalCalls.evict(b.clients(), "agent-b", connection, "again")).isFalse();
  }

  private static void awaitNoPendingCalls(Clients clients) {
    long deadline = System.nanoTime() + Fleet.WAIT.toNanos();
    while (clients.pendingCalls() != 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(clients.pendingCalls() + " calls still pending");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** The other replica, reached in-process as a cluster module reaches it over the network. */
  private static final class Peer implements RemoteClients {
    volatile Clients replica;

    @Override
    public List<ClientInfo> list() {
      List<ClientInfo> held = new ArrayList<>();
      for (String name : replica.names()) { // names() is this replica's own; list() would ask back
        ClientInfo info = replica.info(name);
        if (info != null) {
          held.add(ClientInfo.remote(info.name(), info.identity(), info.labels(), info.joinedAt()));
        }
      }
      return held;
    }

    @Override
    public RemoteCall call(
        String client, Any payload, Map<String, String> metadata, long timeoutNanos, RemoteCall.Listener listener) {
      if (!replica.names().contains(client)) {
        return null;
      }
      Context.CancellableContext forwarded = Context.current().fork().withCancellation();
      CompletableFuture<ByteString> reply;
      Context previous = forwarded.attach();
      try {
        reply = LocalCalls.call(replica, client, payload, metadata, Duration.ofNanos(timeoutNanos));
      } finally {
        forwarded.detach(previous);
      }
      reply.whenComplete(
          (bytes, failure) -> {
            if (failure == null) {
              listener.onReply(bytes);
            } else {
              StatusRuntimeException e = (StatusRuntimeException) (failure.getCause() != null ? failure.getCause() : failure);
              listener.onFailure(e.getStatus(), e.getTrailers() == null ? new Metadata() : e.getTrailers());
            }
            forwarded.cancel(null);
          });
      return status -> forwarded.cancel(status.asRuntimeException());
    }
  }
}
