package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.server.Clients;
import dev.agentrpc.testing.ByteStream;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.Outcomes;
import dev.agentrpc.testing.TestAgent;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** No session outlives its stream, however the stream ends. */
@Timeout(60)
class SessionLifetimeTest {
  @Test
  void aStreamThatSendsAMessageThatDoesNotParseLeavesClients() throws Exception {
    try (Fleet fleet = Fleet.start()) {
      ByteStream stream =
          new ByteStream(fleet.channel())
              .send(
                  ClientToServer.newBuilder()
                      .setHello(ClientToServer.Hello.newBuilder().setName("ghost"))
                      .build()
                      .toByteArray());
      fleet.awaitJoin("ghost");

      stream.send(new byte[] {0x0a, (byte) 0xff}); // a length that runs past the end

      fleet.awaitLeave("ghost");
      assertThat(fleet.clients().isConnected("ghost")).isFalse();
      assertThat(stream.awaitClose().isOk()).isFalse();
    }
  }

  @Test
  void shuttingTheServerDownEndsEveryStreamAndTerminatesWithoutClosingClientsFirst()
      throws Exception {
    try (Fleet fleet = Fleet.start(Clients.create())) {
      TestAgent agent = new TestAgent("a", 1);
      fleet.agent("a", agent.registry());
      CompletableFuture<Int64Value> pending =
          fleet.clients().call("a", Int64Value.of(60_000), Int64Value.parser(), Duration.ofSeconds(60));
      agent.awaitHolding();

      fleet.stopServerGracefully();

      Outcomes.assertFails(pending, Status.Code.UNAVAILABLE, "disconnected");
      assertThat(fleet.clients().names()).isEmpty();
    }
  }
}
