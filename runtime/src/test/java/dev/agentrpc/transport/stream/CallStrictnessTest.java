package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Result;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.Outcomes;
import dev.agentrpc.testing.RawStream;
import dev.agentrpc.testing.TestAgent;
import io.grpc.Context;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Answers that break the protocol, and calls whose caller gave up, end only their own call. */
@Timeout(60)
class CallStrictnessTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  private Fleet fleet;

  @BeforeEach
  void start() {
    fleet = Fleet.start();
  }

  @AfterEach
  void noPendingCallRemains() throws InterruptedException {
    assertThat(fleet.clients().pendingCalls()).as("pending calls after the test").isZero();
    fleet.close();
  }

  @Test
  void anErrorWhoseCodeIsOkFailsOnlyItsCallWithInternal() throws Exception {
    RawStream raw = rawAgent("raw");
    CompletableFuture<StringValue> call =
        fleet.clients().call("raw", StringValue.of("x"), StringValue.parser(), LONG);

    answer(raw, error(Status.Code.OK, "all fine, really"));

    Outcomes.assertFails(call, Status.Code.INTERNAL, "an error whose code is OK");
    assertThat(raw.isOpen()).isTrue();
  }

  @Test
  void aResponseWithNeitherPayloadNorErrorFailsOnlyItsCallWithInternal() throws Exception {
    RawStream raw = rawAgent("raw");
    CompletableFuture<StringValue> call =
        fleet.clients().call("raw", StringValue.of("x"), StringValue.parser(), LONG);

    answer(raw, Response.newBuilder());

    Outcomes.assertFails(call, Status.Code.INTERNAL, "neither a payload nor an error");
  }

  @Test
  void aCallAllStillCompletesWhenOneClientAnswersWithAnOkError() throws Exception {
    fleet.agent("good", new TestAgent("good").registry());
    RawStream raw = rawAgent("raw");
    CompletableFuture<List<Result<StringValue>>> all =
        fleet.clients().callAll(StringValue.of("x"), StringValue.parser(), LONG);

    answer(raw, error(Status.Code.OK, ""));

    List<Result<StringValue>> results = all.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(results)
        .extracting(Result::client, result -> result.status().getCode())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("good", Status.Code.OK),
            org.assertj.core.groups.Tuple.tuple("raw", Status.Code.INTERNAL));
  }

  @Test
  void aCallFromACancelledContextFailsAtOnceAndSendsNothing() throws Exception {
    TestAgent agent = new TestAgent("a", 1);
    fleet.agent("a", agent.registry());
    Context.CancellableContext cancelled = Context.current().withCancellation();
    cancelled.cancel(null);

    CompletableFuture<Int64Value> call =
        cancelled.call(() -> fleet.clients().call("a", Int64Value.of(1), Int64Value.parser(), LONG));

    assertThat(call).isCompletedExceptionally();
    Outcomes.assertFails(call, Status.Code.CANCELLED, "nothing was sent");
    // The next call is the first the agent ever sees: nothing went before it.
    assertThat(Calls.await(fleet.clients().call("a", StringValue.of("y"), StringValue.parser(), LONG)).getValue())
        .isEqualTo("a:y");
    assertThat(fleet.wire().requestIds()).hasSize(1);
    assertThat(fleet.wire().cancelIds()).isEmpty();
  }

  @Test
  void cancellingACallAllReturnsTrueAndCancelsEveryCallOnItsAgent() throws Exception {
    TestAgent a = new TestAgent("a", 1);
    TestAgent b = new TestAgent("b", 1);
    fleet.agent("a", a.registry());
    fleet.agent("b", b.registry());
    CompletableFuture<List<Result<Int64Value>>> all =
        fleet.clients().callAll(Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG);
    a.awaitHolding();
    b.awaitHolding();

    assertThat(all.cancel(true)).isTrue();

    assertThat(all.isCancelled()).isTrue();
    assertThat(a.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(b.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void aCallAllsOrTimeoutCancelsEveryCallOnItsAgent() throws Exception {
    TestAgent a = new TestAgent("a", 1);
    fleet.agent("a", a.registry());

    CompletableFuture<List<Result<Int64Value>>> all =
        fleet.clients()
            .callAll(Int64Value.of(LONG.toMillis()), Int64Value.parser(), LONG)
            .orTimeout(200, TimeUnit.MILLISECONDS);
    a.awaitHolding();

    assertThat(Outcomes.statusOf(all).getCause()).isInstanceOf(TimeoutException.class);
    assertThat(a.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  private RawStream rawAgent(String name) {
    RawStream raw = new RawStream(fleet.channel()).hello(name);
    fleet.awaitJoin(name);
    return raw;
  }

  /** Reads the next request on {@code raw} and answers it with {@code response}. */
  private static void answer(RawStream raw, Response.Builder response) throws InterruptedException {
    ServerToClient request = raw.next();
    assertThat(request.hasRequest()).isTrue();
    raw.send(
        ClientToServer.newBuilder()
            .setResponse(response.setId(request.getRequest().getId()))
            .build());
  }

  private static Response.Builder error(Status.Code code, String message) {
    return Response.newBuilder()
        .setError(com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message));
  }
}
