package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.RawStream;
import dev.agentrpc.testing.TestAgent;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad input from a client closes that client's stream with a clear status, and only that one. */
@Timeout(60)
class ProtocolViolationTest {
  private Fleet fleet;

  @BeforeEach
  void startWithOneGoodAgent() {
    fleet =
        Fleet.start(
            Clients.create(), server -> server.helloTimeout(Duration.ofMillis(300)));
    fleet.agent("good", new TestAgent("good").registry());
  }

  @AfterEach
  void serverStillServesOthersAndNothingIsPending() throws InterruptedException {
    assertThat(
            Calls.await(fleet.clients().call("good", StringValue.of("still here"), StringValue.parser()))
                .getValue())
        .isEqualTo("good:still here");
    assertThat(fleet.clients().pendingCalls()).isZero();
    fleet.close();
  }

  @Test
  void aResponseBeforeHelloIsInvalidArgument() throws Exception {
    RawStream raw = new RawStream(fleet.channel());

    raw.send(ClientToServer.newBuilder().setResponse(Response.newBuilder().setId(0)).build());

    assertClosedWith(raw, Status.Code.INVALID_ARGUMENT, "must be Hello");
  }

  @Test
  void anEmptyMessageBeforeHelloIsInvalidArgument() throws Exception {
    RawStream raw = new RawStream(fleet.channel());

    raw.send(ClientToServer.getDefaultInstance());

    assertClosedWith(raw, Status.Code.INVALID_ARGUMENT, "must be Hello");
  }

  @Test
  void aSecondHelloIsInvalidArgumentAndTheClientLeaves() throws Exception {
    RawStream raw = new RawStream(fleet.channel()).hello("twice");
    fleet.awaitJoin("twice");

    raw.hello("twice");

    assertClosedWith(raw, Status.Code.INVALID_ARGUMENT, "second Hello");
    fleet.awaitLeave("twice");
  }

  @Test
  void anEmptyNameIsInvalidArgument() throws Exception {
    RawStream raw = new RawStream(fleet.channel()).hello("");

    assertClosedWith(raw, Status.Code.INVALID_ARGUMENT, "empty");
  }

  @Test
  void anOversizedNameIsInvalidArgument() throws Exception {
    RawStream raw = new RawStream(fleet.channel()).hello("x".repeat(129));

    assertClosedWith(raw, Status.Code.INVALID_ARGUMENT, "limit is 128");
  }

  @Test
  void aNameWithSpacesOrControlCharactersIsInvalidArgument() throws Exception {
    RawStream raw = new RawStream(fleet.channel()).hello("agent 7\n");

    assertClosedWith(raw, Status.Code.INVALID_ARGUMENT, "character");
  }

  @Test
  void aSilentConnectionIsClosedWithDeadlineExceeded() throws Exception {
    RawStream raw = new RawStream(fleet.channel()); // opens the stream, says nothing

    assertClosedWith(raw, Status.Code.DEADLINE_EXCEEDED, "no Hello within 300 ms");
  }

  @Test
  void responsesWithUnknownIdsAreIgnoredAndCounted() throws Exception {
    RawStream raw = new RawStream(fleet.channel()).hello("liar");
    fleet.awaitJoin("liar");
    long before = fleet.clients().unknownResponses();

    raw.send(
        ClientToServer.newBuilder()
            .setResponse(Response.newBuilder().setId(999).setPayload(Any.getDefaultInstance().toByteString()))
            .build());
    // A call after the bogus response proves the server processed it in order.
    CompletableFuture<StringValue> call =
        fleet.clients().call("liar", StringValue.of("x"), StringValue.parser());
    long id = raw.next().getRequest().getId();
    raw.send(
        ClientToServer.newBuilder()
            .setResponse(Response.newBuilder().setId(id).setPayload(StringValue.of("ok").toByteString()))
            .build());

    assertThat(Calls.await(call).getValue()).isEqualTo("ok");
    assertThat(fleet.clients().unknownResponses()).isEqualTo(before + 1);
    assertThat(raw.isOpen()).isTrue();
    raw.cancel();
    fleet.awaitLeave("liar");
  }

  @Test
  void theFirstRequestUsesTheNextIdFromHello() throws Exception {
    RawStream raw =
        new RawStream(fleet.channel())
            .send(
                ClientToServer.newBuilder()
                    .setHello(ClientToServer.Hello.newBuilder().setName("counted").setNextId(41))
                    .build());
    fleet.awaitJoin("counted");

    CompletableFuture<StringValue> call = fleet.clients().call("counted", StringValue.of("x"), StringValue.parser());

    // Cancelled only once written: a call cancelled while its request still waits for the
    // connection's serializer is dropped unwritten, and no cancel follows.
    assertThat(raw.next().getRequest().getId()).isEqualTo(41);
    call.cancel(false);
    assertThat(raw.next().getCancelId()).isEqualTo(41);
    raw.cancel();
    fleet.awaitLeave("counted");
  }

  private static void assertClosedWith(RawStream raw, Status.Code code, String description)
      throws Exception {
    Status status = raw.awaitClose();
    assertThat(status.getCode()).as(status.toString()).isEqualTo(code);
    assertThat(status.getDescription()).contains(description);
  }
}
