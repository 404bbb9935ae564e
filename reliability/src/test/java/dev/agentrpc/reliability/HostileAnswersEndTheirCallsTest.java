package dev.agentrpc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import com.google.rpc.Code;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.reliability.harness.Agents;
import dev.agentrpc.reliability.harness.Controller;
import dev.agentrpc.reliability.harness.RawAgent;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Promise: whatever an agent answers, the call ends, within its timeout plus 1 s. Found by the
 * fuzzer, pinned here one answer at a time.
 */
class HostileAnswersEndTheirCallsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Duration LATE = Duration.ofSeconds(1);

  @Test
  void anErrorWithAnUnknownCodeEndsItsCall() throws Exception {
    Status status = outcomeOf(error -> error.setCode(99).setMessage("no such code"));
    assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
  }

  @Test
  void anErrorWithDetailsAndAnUnknownCodeEndsItsCall() throws Exception {
    Status status =
        outcomeOf(
            error ->
                error
                    .setCode(-3)
                    .setMessage("no such code")
                    .addDetails(Any.pack(StringValue.of("a detail"))));
    assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
  }

  @Test
  void anErrorWithDetailsEndsItsCallWithThem() throws Exception {
    Status status =
        outcomeOf(
            error ->
                error
                    .setCode(Code.FAILED_PRECONDITION_VALUE)
                    .setMessage("not now")
                    .addDetails(Any.pack(StringValue.of("a detail"))));
    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  /** Calls a raw agent that answers with the error {@code error} builds; the call's status. */
  private static Status outcomeOf(UnaryOperator<com.google.rpc.Status.Builder> error) throws Exception {
    try (Controller controller = Controller.start(Clients.create())) {
      ManagedChannel channel = Agents.channel(controller.port());
      try (RawAgent agent = RawAgent.connect(channel, "hostile")) {
        controller.clients().awaitConnected(List.of("hostile"), Duration.ofSeconds(10));
        CompletableFuture<StringValue> call =
            controller.clients().call("hostile", StringValue.of("x"), StringValue.parser(), TIMEOUT);
        long id = agent.nextRequest(Duration.ofSeconds(10)).getId();
        agent.answer(Response.newBuilder().setId(id).setError(error.apply(com.google.rpc.Status.newBuilder())).build());
        try {
          call.get(TIMEOUT.plus(LATE).toMillis(), TimeUnit.MILLISECONDS);
          return Status.OK;
        } catch (java.util.concurrent.ExecutionException e) {
          return Calls.statusOf(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError("the call did not end within its timeout plus " + LATE, e);
        }
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
