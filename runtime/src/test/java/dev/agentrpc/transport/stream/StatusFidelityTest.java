package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.Request;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Result;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.RawStream;
import dev.agentrpc.testing.ScriptedController;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A google.rpc.Status with details travels whole, both ways, as the original protocol has it. */
@Timeout(60)
class StatusFidelityTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private static final com.google.rpc.Status RICH =
      com.google.rpc.Status.newBuilder()
          .setCode(io.grpc.Status.Code.FAILED_PRECONDITION.value())
          .setMessage("disk full")
          .addDetails(Any.pack(StringValue.of("free 3 GiB on /var")))
          .build();

  private static HandlerRegistry failingRichly() {
    return new HandlerRegistry()
        .register(
            StringValue.getDefaultInstance(),
            request -> {
              throw StatusProto.toStatusException(RICH);
            });
  }

  @Test
  void aHandlersRichStatusReachesASingleCallerWhole() throws Exception {
    try (Fleet fleet = Fleet.start()) {
      fleet.agent("a", failingRichly());

      StatusRuntimeException failure =
          org.junit.jupiter.api.Assertions.assertThrows(
              StatusRuntimeException.class,
              () -> Calls.await(fleet.clients().call("a", StringValue.of("x"), StringValue.parser(), LONG)));

      assertThat(StatusProto.fromThrowable(failure)).isEqualTo(RICH);
    }
  }

  @Test
  void aHandlersRichStatusReachesEachCallAllResultWhole() throws Exception {
    try (Fleet fleet = Fleet.start()) {
      fleet.agent("a", failingRichly());
      fleet.agent("b", failingRichly());

      List<Result<StringValue>> results =
          Calls.await(fleet.clients().callAll(StringValue.of("x"), StringValue.parser(), LONG));

      assertThat(results).hasSize(2);
      for (Result<StringValue> result : results) {
        assertThat(StatusProto.fromThrowable(result.exception())).isEqualTo(RICH);
      }
    }
  }

  @Test
  void theStatusAnOriginalAgentSendsReachesTheCallerUnchanged() throws Exception {
    try (Fleet fleet = Fleet.start()) {
      RawStream raw = new RawStream(fleet.channel()).hello("original");
      fleet.awaitJoin("original");
      var call = fleet.clients().call("original", StringValue.of("x"), StringValue.parser(), LONG);
      ServerToClient request = raw.next();

      raw.send(
          ClientToServer.newBuilder()
              .setResponse(Response.newBuilder().setId(request.getRequest().getId()).setError(RICH))
              .build());

      StatusRuntimeException failure =
          org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class, () -> Calls.await(call));
      assertThat(StatusProto.fromThrowable(failure).toByteString()).isEqualTo(RICH.toByteString());
    }
  }

  @Test
  void anOriginalControllerReceivesTheHandlersRichStatusUnchanged() throws Exception {
    try (ScriptedController controller = new ScriptedController();
        StreamClient agent =
            StreamClient.newBuilder(controller.channel(), "a", failingRichly()).start()) {
      ScriptedController.Connection connection = controller.nextConnection();
      assertThat(connection.next().hasHello()).isTrue();

      connection.send(
          ServerToClient.newBuilder()
              .setRequest(
                  Request.newBuilder()
                      .setId(0)
                      .setTimeout(Durations.fromNanos(TimeUnit.SECONDS.toNanos(10)))
                      .setPayload(Any.pack(StringValue.of("x"))))
              .build());

      Response response = connection.next().getResponse();
      assertThat(response.getError().toByteString()).isEqualTo(RICH.toByteString());
    }
  }
}
