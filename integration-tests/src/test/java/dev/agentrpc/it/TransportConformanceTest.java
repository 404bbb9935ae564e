package dev.agentrpc.it;

import static dev.agentrpc.proto.v1.ServerToClient.CommandCase.REQUEST;
import static java.util.Comparator.comparing;
import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.BoolValue;
import com.google.protobuf.StringValue;
import com.google.protobuf.UInt32Value;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.it.v1.EchoReply;
import dev.agentrpc.it.v1.EchoRequest;
import dev.agentrpc.it.v1.HangReply;
import dev.agentrpc.it.v1.HangRequest;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOutOptions;
import dev.agentrpc.server.LabelSelector;
import dev.agentrpc.server.Result;
import dev.agentrpc.transport.poll.PollSessions;
import dev.agentrpc.transport.poll.PollTransport;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN's "Semantics that must hold", made transport-neutral: each test runs over every
 * transport, with a controller on Netty and Jetty at 127.0.0.1 and real agents. Every wait is
 * bounded. A {@link WireTap} on an agent's path sees, stalls or alters what the wire carries
 * the same way over every transport.
 *
 * <p>What cannot apply to every transport, and where it is tested instead:
 *
 * <ul>
 *   <li>Keepalive finding a dead connection, and "no session outlives its stream" (cancel,
 *       deadline, transport failure, a message that does not parse, server shutdown): a poll
 *       session outlives single polls by design. Its equivalent, the liveness window (an agent
 *       that stops polling leaves and its pending calls fail), runs here for every transport in
 *       {@code anAgentThatVanishesFailsItsPendingCallsWithoutWaitingForTheirTimeout}; the
 *       stream's own cases are in the runtime's StreamSemanticsTest and SessionLifetimeTest.
 *   <li>The stream's isReady/onReady: polls have no flow control. The bound it serves holds
 *       everywhere: an agent that stops reading gets no more than the queue's bytes
 *       ({@code callsBeyondTheQueuedBytesBoundFailResourceExhaustedAtOnce}); a poll session
 *       takes commands only while a poll is present.
 *   <li>Bad input on a raw stream (no Hello first, a second Hello on one stream, malformed
 *       messages, messages over the size limit): the runtime's ProtocolViolationTest. The poll
 *       bindings' equivalents (a poll with neither Hello nor token, an unknown token, an empty,
 *       oversized or ill-formed name) run here over both bindings; tokens bound to identities
 *       and lost answers are in PollSessionTest.
 * </ul>
 */
class TransportConformanceTest {
  private static final Duration WAIT = Controller.WAIT;
  /** "At once": far below any timeout in play, far above a loaded machine's round trip. */
  private static final Duration PROMPTLY = Duration.ofSeconds(3);
  /** The poll sessions' liveness window where a test waits for it. */
  private static final Duration LIVENESS = Duration.ofSeconds(1);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Controller controller;
  private AgentFunctionsProxy proxy;

  private void start(Clients clients) throws Exception {
    start(clients, options -> {});
  }

  private void start(Clients clients, Consumer<PollSessions.Builder> pollOptions) throws Exception {
    controller = Controller.start(clients, pollOptions);
    proxy = AgentFunctionsProxy.of(controller.clients);
  }

  private FakeAgent agent(Transport transport, String name) {
    return agent(transport, name, Transport.Path.DIRECT);
  }

  /** An agent serving AgentFunctions and {@link Failures}, on {@code path}. */
  private FakeAgent agent(Transport transport, String name, Transport.Path path) {
    FakeAgent agent = new FakeAgent(name);
    serve(transport, name, Failures.register(AgentFunctionsHandlers.register(new HandlerRegistry(), agent)), path);
    return agent;
  }

  private Transport.Agent serve(Transport transport, String name, HandlerRegistry registry, Transport.Path path) {
    Transport.Agent running = transport.start(controller, name, registry, path);
    resources.add(running);
    return running;
  }

  /** The agent started last. */
  private Transport.Agent lastAgent() {
    return (Transport.Agent) resources.get(resources.size() - 1);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (controller != null) {
        assertThat(controller.clients.pendingCalls()).as("calls still pending").isZero();
      }
    } finally {
      for (AutoCloseable resource : resources) {
        resource.close();
      }
      if (controller != null) {
        controller.close();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCallReachesTheNamedAgentAndReturnsItsReply(Transport transport) throws Exception {
    start(Clients.create());
    agent(transport, "agent-a");
    agent(transport, "agent-b");
    controller.awaitJoined("agent-a", "agent-b");

    assertThat(proxy.echo("agent-b", echo("hello")).getText()).isEqualTo("agent-b: hello");
    assertThat(proxy.echo("agent-a", echo("again")).getText()).isEqualTo("agent-a: again");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCallToAnUnknownClientFailsNotFoundAtOnce(Transport transport) throws Exception {
    start(Clients.create());
    agent(transport, "agent-a");
    controller.awaitJoined("agent-a");

    assertStatus(proxy.async().echo("agent-z", echo("anyone?")), Status.Code.NOT_FOUND, PROMPTLY);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCallTheAgentNeverAnswersEndsDeadlineExceededAndSendsNoCancel(Transport transport) throws Exception {
    start(Clients.create());
    WireTap tap = new WireTap();
    FakeAgent agent = agent(transport, "agent-a", tap);
    controller.awaitJoined("agent-a");

    CompletableFuture<HangReply> call =
        proxy.withTimeout(Duration.ofSeconds(1)).async().hang("agent-a", HangRequest.getDefaultInstance());
    agent.nextHang();

    assertStatus(call, Status.Code.DEADLINE_EXCEEDED, WAIT);
    assertThat(agent.nextHangCancellation().getCode())
        .as("the handler's Context ended by its own deadline, the one on the wire")
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    // Commands reach an agent in order: once the next call's request has, a cancel sent at
    // the timeout would have too.
    assertThat(proxy.echo("agent-a", echo("next")).getText()).isEqualTo("agent-a: next");
    assertThat(tap.cancelIds()).as("cancels sent").isEmpty();
    assertThat(tap.commands()).extracting(ServerToClient::getCommandCase).containsExactly(REQUEST, REQUEST);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theHandlersContextCarriesTheDeadlineAndTheCallersCancelCancelsIt(Transport transport) throws Exception {
    start(Clients.create());
    WireTap tap = new WireTap();
    FakeAgent agent = agent(transport, "agent-a", tap);
    controller.awaitJoined("agent-a");

    CompletableFuture<HangReply> call =
        proxy.withTimeout(Duration.ofSeconds(20)).async().hang("agent-a", HangRequest.getDefaultInstance());
    CompletableFuture<HangReply> handler = agent.nextHang();
    Deadline deadline =
        agent.nextHangDeadline().orElseThrow(() -> new AssertionError("the handler's Context had no deadline"));
    assertThat(deadline.timeRemaining(TimeUnit.SECONDS)).isBetween(10L, 20L);
    call.cancel(false);

    assertThat(agent.nextHangCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThatThrownBy(() -> handler.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the handler's stage was cancelled through its Context")
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(tap.cancelIds()).as("cancels sent").hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void callAllGetsOneResultPerJoinedAgentErrorsIncluded(Transport transport) throws Exception {
    start(Clients.create());
    assertThat(proxy.all().echo(echo("nobody"))).as("no agent joined: no result").isEmpty();
    agent(transport, "agent-a");
    agent(transport, "agent-b");
    controller.awaitJoined("agent-a", "agent-b");

    List<Result<EchoReply>> results = new ArrayList<>(proxy.all().echo(echo("hi")));
    results.sort(comparing(Result::client));
    assertThat(results)
        .containsExactly(
            Result.ok("agent-a", EchoReply.newBuilder().setText("agent-a: hi").build()),
            Result.ok("agent-b", EchoReply.newBuilder().setText("agent-b: hi").build()));

    List<Result<EchoReply>> failures = proxy.all().echo(echo(""));
    assertThat(failures).hasSize(2);
    assertThat(failures)
        .allSatisfy(r -> assertThat(r.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void labelsReachTheControllerAndAFanOutSelectsByThem(Transport transport) throws Exception {
    start(Clients.create());
    agent(transport, "agent-a");
    agent(transport, "agent-b");
    controller.awaitJoined("agent-a", "agent-b");

    assertThat(controller.clients.info("agent-a").labels()).isEqualTo(transport.labels());
    List<Result<EchoReply>> results =
        controller.clients
            .fanOut(echo("hi"), EchoReply.parser(), FanOutOptions.selecting(LabelSelector.withLabels(transport.labels())))
            .await();
    assertThat(results)
        .extracting(r -> r.value().getText())
        .containsExactlyInAnyOrder("agent-a: hi", "agent-b: hi");
    assertThat(controller.clients.fanOut(echo("hi"), EchoReply.parser(), FanOutOptions.selecting("transport=none")).await())
        .isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aHandlersStatusReachesTheCallerWhole(Transport transport) throws Exception {
    start(Clients.create());
    agent(transport, "agent-a");
    controller.awaitJoined("agent-a");

    assertThatThrownBy(() -> proxy.echo("agent-a", echo("")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).isEqualTo("nothing to echo");
            });
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anAgentThatClosesFailsItsPendingCallsUnavailableAtOnce(Transport transport) throws Exception {
    start(Clients.create());
    agent(transport, "agent-a");
    controller.awaitJoined("agent-a");
    FakeAgent agent = agent(transport, "agent-b");
    controller.awaitJoined("agent-b");

    CompletableFuture<HangReply> call =
        proxy.withTimeout(Duration.ofSeconds(30)).async().hang("agent-b", HangRequest.getDefaultInstance());
    agent.nextHang();
    resources.remove(resources.size() - 1).close();

    assertStatus(call, Status.Code.UNAVAILABLE, PROMPTLY);
    assertThat(agent.nextHangCancellation().getCode())
        .as("closing the agent cancelled its handler's Context")
        .isEqualTo(Status.Code.CANCELLED);
    assertThat(proxy.echo("agent-a", echo("still here")).getText()).isEqualTo("agent-a: still here");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSecondAgentWithTheSameNameReplacesTheFirstWhosePendingCallsFailAtOnce(Transport transport)
      throws Exception {
    start(Clients.create());
    FakeAgent first = agent(transport, "agent-a");
    controller.awaitJoined("agent-a");
    CompletableFuture<HangReply> call =
        proxy.withTimeout(Duration.ofSeconds(30)).async().hang("agent-a", HangRequest.getDefaultInstance());
    first.nextHang();

    agent(transport, "agent-a");

    assertStatus(call, Status.Code.UNAVAILABLE, PROMPTLY);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void callsBeyondTheInFlightBoundFailResourceExhaustedAtOnce(Transport transport) throws Exception {
    start(Clients.newBuilder().maxInFlightPerClient(1).build());
    FakeAgent agent = agent(transport, "agent-a");
    controller.awaitJoined("agent-a");

    CompletableFuture<HangReply> held =
        proxy.withTimeout(Duration.ofSeconds(30)).async().hang("agent-a", HangRequest.getDefaultInstance());
    agent.nextHang();
    assertStatus(proxy.async().echo("agent-a", echo("one too many")), Status.Code.RESOURCE_EXHAUSTED, PROMPTLY);
    held.cancel(false);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aHandlerExceptionThatIsNoStatusBecomesUnknownWithoutItsDetailOnTheWire(Transport transport) throws Exception {
    start(Clients.create());
    WireTap tap = new WireTap();
    agent(transport, "agent-a", tap);
    controller.awaitJoined("agent-a");

    Status status = failure(controller.clients.call("agent-a", BoolValue.of(true), BoolValue.parser(), WAIT)).getStatus();

    assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(status.getDescription()).contains("IllegalStateException").doesNotContain(Failures.SECRET);
    assertThat(tap.responses()).hasSize(1);
    com.google.rpc.Status onTheWire = tap.responses().get(0).getError();
    assertThat(onTheWire.getMessage()).doesNotContain(Failures.SECRET).doesNotContain("\tat ");
    assertThat(onTheWire.getDetailsList()).as("no stack trace or other detail").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aRequestWithoutHandlerIsUnimplementedAndOneThatDoesNotParseInvalidArgument(Transport transport)
      throws Exception {
    start(Clients.create());
    FakeAgent agent = agent(transport, "agent-a");
    controller.awaitJoined("agent-a");

    Status unimplemented =
        failure(controller.clients.call("agent-a", UInt32Value.of(7), UInt32Value.parser(), WAIT)).getStatus();
    Status unparsable =
        failure(controller.clients.call("agent-a", Failures.unparsableEchoRequest(), EchoReply.parser(), WAIT))
            .getStatus();

    assertThat(unimplemented.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(unimplemented.getDescription()).contains("google.protobuf.UInt32Value");
    assertThat(unparsable.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(unparsable.getDescription()).contains("does not parse as agentrpc.it.v1.EchoRequest");
    assertThat(agent.echoes()).as("the echo handler never ran").isZero();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aWholeStatusWithDetailsTravelsFromTheHandlerToSingleCallersAndEveryCallAllResult(Transport transport)
      throws Exception {
    start(Clients.create());
    WireTap tap = new WireTap();
    agent(transport, "agent-a", tap);
    agent(transport, "agent-b");
    controller.awaitJoined("agent-a", "agent-b");

    StatusRuntimeException single =
        failure(controller.clients.call("agent-a", StringValue.of("x"), StringValue.parser(), WAIT));
    List<Result<StringValue>> all =
        controller.clients.callAll(StringValue.of("x"), StringValue.parser(), WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(tap.responses()).hasSize(2);
    assertThat(tap.responses())
        .as("what the agent put on the wire")
        .allSatisfy(response -> assertThat(response.getError().toByteString()).isEqualTo(Failures.RICH.toByteString()));
    assertThat(StatusProto.fromThrowable(single)).isEqualTo(Failures.RICH);
    assertThat(all).hasSize(2);
    assertThat(all).allSatisfy(result -> assertThat(StatusProto.fromThrowable(result.exception())).isEqualTo(Failures.RICH));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aSlowOrAFailingAgentDoesNotDelayTheOthersCallAllResultsPastTheTimeout(Transport transport) throws Exception {
    start(Clients.create());
    agent(transport, "fast-1");
    agent(transport, "fast-2");
    HandlerRegistry neverAnswers =
        new HandlerRegistry().registerAsync(EchoRequest.getDefaultInstance(), request -> new CompletableFuture<EchoReply>());
    serve(transport, "slow", neverAnswers, Transport.Path.DIRECT);
    HandlerRegistry fails =
        new HandlerRegistry()
            .register(
                EchoRequest.getDefaultInstance(),
                request -> {
                  throw Status.FAILED_PRECONDITION.withDescription("disk full").asException();
                });
    serve(transport, "failing", fails, Transport.Path.DIRECT);
    controller.awaitJoined("fast-1", "fast-2", "slow", "failing");
    Duration timeout = Duration.ofSeconds(1);

    long start = System.nanoTime();
    List<Result<EchoReply>> results = proxy.withTimeout(timeout).all().echo(echo("x"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    Map<String, Result<EchoReply>> byClient = results.stream().collect(toMap(Result::client, r -> r));
    assertThat(byClient).containsOnlyKeys("fast-1", "fast-2", "slow", "failing");
    assertThat(byClient.get("fast-1").value().getText()).isEqualTo("fast-1: x");
    assertThat(byClient.get("fast-2").value().getText()).isEqualTo("fast-2: x");
    assertThat(byClient.get("slow").status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(byClient.get("failing").status().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(byClient.get("failing").status().getDescription()).isEqualTo("disk full");
    assertThat(took).as("all results, at the timeout").isLessThan(timeout.plus(PROMPTLY));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anAgentThatVanishesFailsItsPendingCallsWithoutWaitingForTheirTimeout(Transport transport) throws Exception {
    start(Clients.create(), options -> options.liveness(LIVENESS));
    FakeAgent agent = agent(transport, "agent-a");
    controller.awaitJoined("agent-a");
    CompletableFuture<HangReply> call =
        proxy.withTimeout(Duration.ofSeconds(60)).async().hang("agent-a", HangRequest.getDefaultInstance());
    agent.nextHang();

    long start = System.nanoTime();
    lastAgent().vanish();

    assertStatus(call, Status.Code.UNAVAILABLE, WAIT);
    // The stream notices at once; a poll session once no poll came for the liveness window,
    // counted from its last answer, which a held poll gets within the controller's 2 s hold.
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("within the transport's bound, not the call's 60 s")
        .isLessThan(LIVENESS.plus(Duration.ofSeconds(2)).plus(PROMPTLY));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anAgentFindsARestartedControllerAndIsCallableAgainWithAFreshDispatcher(Transport transport) throws Exception {
    start(Clients.create());
    WireTap tap = new WireTap();
    FakeAgent agent = agent(transport, "agent-a", tap);
    controller.awaitJoined("agent-a");
    assertThat(proxy.echo("agent-a", echo("before")).getText()).isEqualTo("agent-a: before");
    CompletableFuture<HangReply> call =
        proxy.withTimeout(Duration.ofSeconds(60)).async().hang("agent-a", HangRequest.getDefaultInstance());
    agent.nextHang();

    controller = controller.restart(Clients.create());
    proxy = AgentFunctionsProxy.of(controller.clients);

    assertStatus(call, Status.Code.UNAVAILABLE, PROMPTLY);
    assertThat(agent.nextHangCancellation().getCode())
        .as("the old connection's dispatcher cancelled its handler")
        .isEqualTo(Status.Code.CANCELLED);
    controller.awaitJoined("agent-a");
    assertThat(proxy.echo("agent-a", echo("after")).getText()).isEqualTo("agent-a: after");
    assertThat(tap.commands())
        .as("request ids: the new connection's start from 0 again")
        .filteredOn(ServerToClient::hasRequest)
        .extracting(command -> command.getRequest().getId())
        .containsExactly(0L, 1L, 0L);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void callsBeyondTheQueuedBytesBoundFailResourceExhaustedAtOnce(Transport transport) throws Exception {
    long cap = 256 * 1024;
    int size = 64 * 1024;
    start(Clients.newBuilder().maxRequestBytes(2 * size).maxQueuedBytesPerClient(cap).build());
    WireTap tap = new WireTap();
    agent(transport, "agent-a", tap);
    controller.awaitJoined("agent-a");
    EchoRequest large = echo("x".repeat(size));
    // A stalled stream agent's flow-control window fills first; then the controller queues.
    long enough = (Transport.FLOW_CONTROL_WINDOW + 2 * cap) / size + 16;
    CountDownLatch refused = new CountDownLatch(1);

    tap.stall();
    List<CompletableFuture<EchoReply>> calls = new ArrayList<>();
    for (int i = 0; i < enough; i++) {
      CompletableFuture<EchoReply> call = proxy.withTimeout(Duration.ofSeconds(30)).async().echo("agent-a", large);
      call.whenComplete(
          (reply, failure) -> {
            if (failure != null && Status.fromThrowable(failure).getCode() == Status.Code.RESOURCE_EXHAUSTED) {
              refused.countDown();
            }
          });
      calls.add(call);
    }

    try {
      assertThat(refused.await(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS))
          .as("a call beyond the bound failed RESOURCE_EXHAUSTED at once")
          .isTrue();
      assertThat(controller.clients.queuedBytes()).isLessThanOrEqualTo(cap);
    } finally {
      calls.forEach(call -> call.cancel(false));
      tap.resume();
    }
    assertThat(proxy.echo("agent-a", echo("reading again")).getText()).isEqualTo("agent-a: reading again");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aResponseWithAnUnknownIdIsIgnoredAndCounted(Transport transport) throws Exception {
    start(Clients.create());
    WireTap tap = new WireTap();
    agent(transport, "agent-a", tap);
    controller.awaitJoined("agent-a");
    tap.corruptNextResponse();

    assertStatus(
        proxy.withTimeout(Duration.ofSeconds(1)).async().echo("agent-a", echo("lost")),
        Status.Code.DEADLINE_EXCEEDED,
        WAIT);
    // Responses are applied in order: once the next call's was, the one with the bogus id was.
    assertThat(proxy.echo("agent-a", echo("next")).getText()).isEqualTo("agent-a: next");
    assertThat(controller.clients.unknownResponses()).isEqualTo(1);
  }

  /** Heartbeat polls through the same binding as LONG_POLL: the gRPC one. */
  @ParameterizedTest
  @EnumSource(names = {"LONG_POLL", "HTTP_LONG_POLL"})
  void aPollWithoutHelloOrTokenWithAnUnknownTokenOrABadNameIsRefusedAndJoinsNobody(Transport transport)
      throws Exception {
    start(Clients.create());
    PollTransport binding = transport.binding(controller, resources);

    assertPollRefused(binding, PollRequest.getDefaultInstance(), Status.Code.INVALID_ARGUMENT, "carries Hello");
    assertPollRefused(
        binding, PollRequest.newBuilder().setSession("made-up").build(), Status.Code.NOT_FOUND, "no poll session");
    assertPollRefused(binding, hello(""), Status.Code.INVALID_ARGUMENT, "empty");
    assertPollRefused(binding, hello("x".repeat(129)), Status.Code.INVALID_ARGUMENT, "the limit is 128");
    assertPollRefused(binding, hello("agent a"), Status.Code.INVALID_ARGUMENT, "at index 5");
    assertPollRefused(
        binding, hello("agent-a").toBuilder().setSession("made-up").build(), Status.Code.INVALID_ARGUMENT, "not both");
    assertThat(controller.clients.names()).isEmpty();
    assertThat(controller.sessions.size()).isZero();
  }

  private static PollRequest hello(String name) {
    return PollRequest.newBuilder().setHello(ClientToServer.Hello.newBuilder().setName(name)).build();
  }

  private static void assertPollRefused(
      PollTransport binding, PollRequest poll, Status.Code code, String descriptionContains) {
    Status status = failure(binding.send(poll, WAIT, null)).getStatus();
    assertThat(status.getCode()).as(status.toString()).isEqualTo(code);
    assertThat(status.getDescription()).contains(descriptionContains);
  }

  /** The status {@code call} fails with, waiting at most 10 s. */
  static StatusRuntimeException failure(CompletableFuture<?> call) {
    Throwable thrown = catchThrowable(() -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(thrown).as("the call should have failed").isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(StatusRuntimeException.class);
    return (StatusRuntimeException) thrown.getCause();
  }

  static EchoRequest echo(String text) {
    return EchoRequest.newBuilder().setText(text).build();
  }

  /** Asserts {@code call} fails with {@code code} within {@code within}. */
  static void assertStatus(CompletableFuture<?> call, Status.Code code, Duration within) {
    assertThatThrownBy(() -> call.get(within.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }
}
