package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import com.google.protobuf.BytesValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import com.google.protobuf.UInt32Value;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.TestAgent;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The semantics of DESIGN.md, each over real gRPC on Netty at 127.0.0.1. */
@Timeout(60)
class StreamSemanticsTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  private Fleet fleet;

  private Fleet fleet(Clients clients) {
    fleet = Fleet.start(clients);
    return fleet;
  }

  private Fleet fleet() {
    return fleet(Clients.create());
  }

  @AfterEach
  void noPendingCallRemains() throws InterruptedException {
    if (fleet != null) {
      assertThat(fleet.clients().pendingCalls()).as("pending calls after the test").isZero();
      fleet.close();
    }
  }

  @Test
  void callOneReturnsThatClientsReply() {
    Fleet fleet = fleet();
    fleet.agent("a", new TestAgent("a").registry());
    fleet.agent("b", new TestAgent("b").registry());

    StringValue reply =
        Calls.await(fleet.clients().call("b", StringValue.of("hi"), StringValue.parser(), LONG));

    assertThat(reply.getValue()).isEqualTo("b:hi");
  }

  @Test
  void callAllReturnsOneResultPerConnectedClient() {
    Fleet fleet = fleet();
    for (String name : List.of("a", "b", "c")) {
      fleet.agent(name, new TestAgent(name).registry());
    }
    // "bare" serves no StringValue handler, so its result is UNIMPLEMENTED.
    fleet.agent("bare", new HandlerRegistry());

    List<Result<StringValue>> echoes =
        Calls.await(fleet.clients().callAll(StringValue.of("x"), StringValue.parser(), LONG));

    Map<String, Result<StringValue>> byClient =
        echoes.stream().collect(Collectors.toMap(Result::client, Function.identity()));
    assertThat(byClient).containsOnlyKeys("a", "b", "c", "bare");
    assertThat(byClient.get("a").value().getValue()).isEqualTo("a:x");
    assertThat(byClient.get("b").value().getValue()).isEqualTo("b:x");
    assertThat(byClient.get("c").value().getValue()).isEqualTo("c:x");
    assertThat(byClient.get("bare").status().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  void callAllWithASlowAndAFailingClientCompletesAtTheTimeout() {
    Fleet fleet = fleet();
    fleet.agent("fast-1", new TestAgent("fast-1").registry());
    fleet.agent("fast-2", new TestAgent("fast-2").registry());
    fleet.agent("slow", new HandlerRegistry()
        .register(StringValue.getDefaultInstance(), request -> {
          holdFor(Duration.ofSeconds(20));
          return request;
        }));
    fleet.agent("failing", new HandlerRegistry()
        .register(StringValue.getDefaultInstance(), request -> {
          throw Status.FAILED_PRECONDITION.withDescription("disk full").asException();
        }));
    Duration timeout = Duration.ofMillis(500);

    long start = System.nanoTime();
    List<Result<StringValue>> results =
        Calls.await(fleet.clients().callAll(StringValue.of("x"), StringValue.parser(), timeout));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    Map<String, Result<StringValue>> byClient =
        results.stream().collect(Collectors.toMap(Result::client, Function.identity()));
    assertThat(byClient).containsOnlyKeys("fast-1", "fast-2", "slow", "failing");
    assertThat(byClient.get("fast-1").value().getValue()).isEqualTo("fast-1:x");
    assertThat(byClient.get("fast-2").value().getValue()).isEqualTo("fast-2:x");
    assertThat(byClient.get("slow").status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(byClient.get("failing").status().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(byClient.get("failing").status().getDescription()).isEqualTo("disk full");
    assertThat(elapsedMillis).isLessThan(timeout.toMillis() + 4_000);
  }

  @Test
  void callAllWithNoClientConnectedIsAnEmptyList() {
    Fleet fleet = fleet();

    assertThat(Calls.await(fleet.clients().callAll(StringValue.of("x"), StringValue.parser())))
        .isEmpty();
  }

  @Test
  void callToAnUnknownClientFailsAtOnceWithNotFound() {
    Fleet fleet = fleet();
    fleet.agent("a", new TestAgent("a").registry());

    CompletableFuture<StringValue> call =
        fleet.clients().call("nobody", StringValue.of("x"), StringValue.parser(), LONG);

    assertThat(call).isCompletedExceptionally();
    assertStatus(call, Status.Code.NOT_FOUND, "nobody");
  }

  @Test
  void timeoutFailsWithDeadlineExceededAndSendsNoCancel() throws InterruptedException {
    Fleet fleet = fleet();
    TestAgent agent = new TestAgent("a");
    fleet.agent("a", agent.registry());

    CompletableFuture<Int64Value> call =
        fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), Duration.ofMillis(300));

    assertStatus(call, Status.Code.DEADLINE_EXCEEDED, "did not answer");
    // The agent's handler ends by its own deadline, which it was sent: not by a cancel.
    assertThat(agent.nextCancellation().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(fleet.wire().requestIds()).hasSize(1);
    assertThat(fleet.wire().cancelIds()).isEmpty();
  }

  @Test
  void handlerContextCarriesTheCallsDeadline() throws InterruptedException {
    Fleet fleet = fleet();
    TestAgent agent = new TestAgent("a");
    fleet.agent("a", agent.registry());

    Calls.await(fleet.clients().call("a", Int64Value.of(1), Int64Value.parser(), Duration.ofSeconds(20)));

    Deadline deadline = agent.nextDeadline();
    assertThat(deadline).isNotNull();
    assertThat(deadline.timeRemaining(TimeUnit.SECONDS)).isBetween(10L, 20L);
  }

  @Test
  void callerCancelSendsCancelIdAndCancelsTheHandlersContext() throws InterruptedException {
    Fleet fleet = fleet();
    TestAgent agent = new TestAgent("a", 1);
    fleet.agent("a", agent.registry());
    CompletableFuture<Int64Value> call =
        fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG);
    agent.awaitHolding();

    assertThat(call.cancel(true)).isTrue();

    assertThat(agent.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(fleet.wire().cancelIds()).containsExactlyElementsOf(fleet.wire().requestIds());
  }

  @Test
  void cancellingTheCallersGrpcContextCancelsTheCall() throws Exception {
    Fleet fleet = fleet();
    TestAgent agent = new TestAgent("a", 1);
    fleet.agent("a", agent.registry());
    Context.CancellableContext callerContext = Context.current().withCancellation();

    CompletableFuture<Int64Value> call =
        callerContext.call(
            () -> fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG));
    agent.awaitHolding();
    callerContext.cancel(null);

    assertStatus(call, Status.Code.CANCELLED, "context was cancelled");
    assertThat(agent.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(fleet.wire().cancelIds()).hasSize(1);
  }

  @Test
  void theCallersContextDeadlineShortensTheTimeout() throws Exception {
    Fleet fleet = fleet();
    fleet.agent("a", new TestAgent("a").registry());
    Context.CancellableContext callerContext =
        Context.current().withDeadlineAfter(300, TimeUnit.MILLISECONDS, dev.agentrpc.internal.SharedTimer.get());

    CompletableFuture<Int64Value> call =
        callerContext.call(
            () -> fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG));

    try {
      assertStatus(call, Status.Code.DEADLINE_EXCEEDED, null);
    } finally {
      callerContext.cancel(null);
    }
  }

  @Test
  void disconnectFailsPendingCallsAtOnce() throws InterruptedException {
    Fleet fleet = fleet();
    TestAgent agent = new TestAgent("a", 2);
    StreamClient client = fleet.agent("a", agent.registry());
    CompletableFuture<Int64Value> first =
        fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG);
    CompletableFuture<Int64Value> second =
        fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG);
    agent.awaitHolding();

    long start = System.nanoTime();
    client.close();

    assertStatus(first, Status.Code.UNAVAILABLE, "disconnected");
    assertStatus(second, Status.Code.UNAVAILABLE, "disconnected");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    // Closing the agent cancelled its handlers too.
    assertThat(agent.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(agent.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    fleet.awaitLeave("a");
    assertThat(fleet.clients().isConnected("a")).isFalse();
  }

  @Test
  void sameNameRejoinReplacesTheStaleConnectionAndFailsItsPendingCalls() throws InterruptedException {
    Fleet fleet = fleet();
    TestAgent old = new TestAgent("old", 1);
    // The stale agent will redial after being replaced: keep it from fighting back during the test.
    StreamClient stale =
        fleet.agent("x", old.registry(), b -> b.backoff(Duration.ofSeconds(60), Duration.ofSeconds(60)));
    CompletableFuture<Int64Value> pending =
        fleet.clients().call("x", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG);
    old.awaitHolding();

    long start = System.nanoTime();
    fleet.agent("x", new TestAgent("new").registry());

    assertStatus(pending, Status.Code.UNAVAILABLE, "reconnected");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(old.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(Calls.await(fleet.clients().call("x", StringValue.of("hi"), StringValue.parser(), LONG)).getValue())
        .isEqualTo("new:hi");
    stale.close();
  }

  @Test
  void clientReconnectsAfterTheServerRestartsOnTheSamePort() throws InterruptedException {
    Fleet fleet = fleet();
    StreamClient agent = fleet.agent("a", new TestAgent("a").registry());
    int port = fleet.port();

    fleet.stopServer();
    fleet.awaitLeave("a");
    fleet.startServer(port);
    fleet.awaitJoin("a");

    assertThat(agent.state()).isEqualTo(StreamClient.State.CONNECTED);
    assertThat(Calls.await(fleet.clients().call("a", StringValue.of("back"), StringValue.parser(), LONG)).getValue())
        .isEqualTo("a:back");
  }

  @Test
  void handlerStatusExceptionKeepsItsStatus() {
    Fleet fleet = fleet();
    fleet.agent("a", new TestAgent("a").registry());

    CompletableFuture<BoolValue> call =
        fleet.clients().call("a", BoolValue.of(true), BoolValue.parser(), LONG);

    StatusRuntimeException e = assertStatus(call, Status.Code.PERMISSION_DENIED, null);
    assertThat(e.getStatus().getDescription()).isEqualTo("not for you");
  }

  @Test
  void handlerRuntimeExceptionBecomesUnknownWithoutItsMessageOnTheWire() {
    Fleet fleet = fleet();
    fleet.agent("a", new TestAgent("a").registry());

    CompletableFuture<BoolValue> call =
        fleet.clients().call("a", BoolValue.of(false), BoolValue.parser(), LONG);

    StatusRuntimeException e = assertStatus(call, Status.Code.UNKNOWN, "IllegalStateException");
    assertThat(e.getStatus().getDescription()).doesNotContain("secret internal detail");
  }

  @Test
  void anAsyncHandlerCompletingWithNullFailsTheCallWithUnknown() {
    Fleet fleet = fleet();
    fleet.agent("a", new HandlerRegistry()
        .registerAsync(StringValue.getDefaultInstance(), request -> CompletableFuture.<StringValue>completedFuture(null)));

    CompletableFuture<StringValue> call = fleet.clients().call("a", StringValue.of("x"), StringValue.parser(), LONG);

    assertStatus(call, Status.Code.UNKNOWN, "NullPointerException");
  }

  @Test
  void completingTheReturnedFutureYourselfCancelsTheCallOnTheAgent() throws InterruptedException {
    Fleet fleet = fleet();
    TestAgent agent = new TestAgent("a", 1);
    fleet.agent("a", agent.registry());
    CompletableFuture<Int64Value> call =
        fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG);
    agent.awaitHolding();

    call.orTimeout(1, TimeUnit.MILLISECONDS);

    assertThat(agent.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(fleet.wire().cancelIds()).hasSize(1);
  }

  @Test
  void aRequestTypeWithoutHandlerFailsWithUnimplemented() {
    Fleet fleet = fleet();
    fleet.agent("a", new TestAgent("a").registry());

    CompletableFuture<UInt32Value> call =
        fleet.clients().call("a", UInt32Value.of(1), UInt32Value.parser(), LONG);

    assertStatus(call, Status.Code.UNIMPLEMENTED, "google.protobuf.UInt32Value");
  }

  @Test
  void aReplyThatDoesNotParseAsTheResponseTypeFailsWithInternal() {
    Fleet fleet = fleet();
    fleet.agent("a", new HandlerRegistry()
        .register(StringValue.getDefaultInstance(), request -> BytesValue.of(ByteString.copyFrom(new byte[] {(byte) 0xff}))));

    // The handler answers with a byte string that is no valid UTF-8, so no valid StringValue.
    CompletableFuture<StringValue> call = fleet.clients().call("a", StringValue.of("x"), StringValue.parser(), LONG);

    assertStatus(call, Status.Code.INTERNAL, "does not parse");
  }

  @Test
  void beyondTheInFlightBoundACallFailsFastWithResourceExhausted() throws InterruptedException {
    Fleet fleet = fleet(Clients.newBuilder().maxInFlightPerClient(2).build());
    TestAgent agent = new TestAgent("a", 2);
    fleet.agent("a", agent.registry());
    CompletableFuture<Int64Value> first =
        fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG);
    CompletableFuture<Int64Value> second =
        fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG);
    agent.awaitHolding();

    CompletableFuture<StringValue> third =
        fleet.clients().call("a", StringValue.of("x"), StringValue.parser(), LONG);

    assertThat(third).isCompletedExceptionally();
    assertStatus(third, Status.Code.RESOURCE_EXHAUSTED, "in flight");
    first.cancel(false);
    second.cancel(false);
    assertThat(Calls.await(fleet.clients().call("a", StringValue.of("y"), StringValue.parser(), LONG)).getValue())
        .isEqualTo("a:y");
  }

  @Test
  void aMessageOverTheSizeLimitClosesThatConnectionAndFailsItsCallsAtOnce() {
    Fleet fleet = fleet();
    fleet.agent("big", new TestAgent("big").registry(), b -> b.backoff(Duration.ofSeconds(60), Duration.ofSeconds(60)));
    fleet.agent("small", new TestAgent("small").registry());

    // The server accepts messages up to 64 KiB; this reply is 100 KiB.
    CompletableFuture<BytesValue> call =
        fleet.clients().call("big", BytesValue.of(ByteString.copyFromUtf8("102400")), BytesValue.parser(), LONG);

    assertStatus(call, Status.Code.UNAVAILABLE, "disconnected");
    fleet.awaitLeave("big");
    assertThat(Calls.await(fleet.clients().call("small", StringValue.of("ok"), StringValue.parser(), LONG)).getValue())
        .isEqualTo("small:ok");
  }

  @Test
  void aRequestOverTheSizeLimitFailsAloneWithResourceExhausted() {
    Fleet fleet = fleet(Clients.newBuilder().maxRequestBytes(1024).build());
    fleet.agent("a", new TestAgent("a").registry());

    CompletableFuture<StringValue> call =
        fleet.clients().call("a", StringValue.of("x".repeat(2048)), StringValue.parser(), LONG);

    assertStatus(call, Status.Code.RESOURCE_EXHAUSTED, "limit is 1024");
    assertThat(Calls.await(fleet.clients().call("a", StringValue.of("ok"), StringValue.parser(), LONG)).getValue())
        .isEqualTo("a:ok");
  }

  @Test
  void aResponseOverTheAgentsSizeLimitFailsAloneWithResourceExhausted() {
    Fleet fleet = fleet();
    fleet.agent("a", new TestAgent("a").registry(), b -> b.maxResponseBytes(1024));

    CompletableFuture<BytesValue> call =
        fleet.clients().call("a", BytesValue.of(ByteString.copyFromUtf8("2048")), BytesValue.parser(), LONG);

    assertStatus(call, Status.Code.RESOURCE_EXHAUSTED, "limit is 1024");
    assertThat(fleet.clients().isConnected("a")).isTrue();
    assertThat(Calls.await(fleet.clients().call("a", StringValue.of("ok"), StringValue.parser(), LONG)).getValue())
        .isEqualTo("a:ok");
  }

  @Test
  void closingClientsFailsPendingCallsAndRefusesNewOnes() throws InterruptedException {
    Fleet fleet = fleet();
    TestAgent agent = new TestAgent("a", 1);
    fleet.agent("a", agent.registry());
    CompletableFuture<Int64Value> pending =
        fleet.clients().call("a", Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG);
    agent.awaitHolding();

    fleet.clients().close();

    assertStatus(pending, Status.Code.UNAVAILABLE, "shutting down");
    assertStatus(
        fleet.clients().call("a", StringValue.of("x"), StringValue.parser(), LONG),
        Status.Code.NOT_FOUND,
        null);
  }

  private static StatusRuntimeException assertStatus(
      CompletableFuture<?> call, Status.Code code, String descriptionContains) {
    StatusRuntimeException e =
        (StatusRuntimeException)
            catchThrowable(() -> call.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
    if (descriptionContains != null) {
      assertThat(e.getStatus().getDescription()).contains(descriptionContains);
    }
    return e;
  }

  private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(thrown).as("the call should have failed").isInstanceOf(java.util.concurrent.ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(StatusRuntimeException.class);
    return thrown.getCause();
  }

  private static void holdFor(Duration duration) throws StatusException {
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    Context.current().addListener(c -> cancelled.complete(null), Runnable::run);
    try {
      cancelled.get(duration.toMillis(), TimeUnit.MILLISECONDS);
      throw Status.CANCELLED.asException();
    } catch (java.util.concurrent.TimeoutException done) {
      // held the whole time
    } catch (Exception e) {
      throw Status.CANCELLED.withCause(e).asException();
    }
  }

}
