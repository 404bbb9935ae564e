package dev.agentrpc.it;

import static java.util.Comparator.comparing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.it.v1.EchoReply;
import dev.agentrpc.it.v1.EchoRequest;
import dev.agentrpc.it.v1.HangReply;
import dev.agentrpc.it.v1.HangRequest;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN's "Semantics that must hold", made transport-neutral: each test runs over every
 * transport, with a controller on Netty at 127.0.0.1 and real agents. Every wait is bounded.
 */
class TransportConformanceTest {
  private static final Duration WAIT = Controller.WAIT;
  /** "At once": far below any timeout in play, far above a loaded machine's round trip. */
  private static final Duration PROMPTLY = Duration.ofSeconds(3);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Controller controller;
  private AgentFunctionsProxy proxy;

  private void start(Clients clients) throws Exception {
    controller = Controller.start(clients, options -> {});
    proxy = AgentFunctionsProxy.of(controller.clients);
  }

  private FakeAgent agent(Transport transport, String name) {
    FakeAgent agent = new FakeAgent(name);
    HandlerRegistry registry = AgentFunctionsHandlers.register(new HandlerRegistry(), agent);
    resources.add(transport.start(controller, name, registry));
    return agent;
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
  void aCallTheAgentNeverAnswersEndsDeadlineExceeded(Transport transport) throws Exception {
    start(Clients.create());
    agent(transport, "agent-a");
    controller.awaitJoined("agent-a");

    // hang's own timeout is 200 ms; the agent may or may not have got the request by then
    assertStatus(
        proxy.async().hang("agent-a", HangRequest.getDefaultInstance()),
        Status.Code.DEADLINE_EXCEEDED,
        PROMPTLY);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void cancellingACallCancelsItsHandlerOnTheAgent(Transport transport) throws Exception {
    start(Clients.create());
    FakeAgent agent = agent(transport, "agent-a");
    controller.awaitJoined("agent-a");

    CompletableFuture<HangReply> call =
        proxy.withTimeout(Duration.ofSeconds(30)).async().hang("agent-a", HangRequest.getDefaultInstance());
    CompletableFuture<HangReply> handler = agent.nextHang();
    call.cancel(false);

    assertThatThrownBy(() -> handler.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the handler's stage was cancelled through its Context")
        .isInstanceOf(java.util.concurrent.CancellationException.class);
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
