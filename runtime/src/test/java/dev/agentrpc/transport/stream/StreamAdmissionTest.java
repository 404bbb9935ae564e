package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.server.Clients;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.RawStream;
import dev.agentrpc.testing.TestAgent;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Limits on Connect streams before and around Hello, each answered RESOURCE_EXHAUSTED. */
@Timeout(60)
class StreamAdmissionTest {
  @Test
  void oneConnectionCannotOpenMoreThanItsStreams() throws Exception {
    try (Fleet fleet = Fleet.start()) {
      ManagedChannel oneConnection = fleet.readyChannel();
      List<RawStream> streams = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        streams.add(new RawStream(oneConnection).hello("agent-" + i));
        fleet.awaitJoin("agent-" + i);
      }

      RawStream fifth = new RawStream(oneConnection).hello("agent-4");

      Status refused = fifth.awaitClose();
      assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getDescription()).contains("already has 4 Connect streams");
      assertThat(fleet.clients().names()).hasSize(4);
      streams.get(0).cancel();
      fleet.awaitLeave("agent-0");
      new RawStream(oneConnection).hello("agent-5");
      fleet.awaitJoin("agent-5");
    }
  }

  @Test
  void streamsWaitingForTheirHelloAreBounded() throws Exception {
    try (Fleet fleet =
        Fleet.start(Clients.create(), server -> server.maxStreamsAwaitingHello(2))) {
      ManagedChannel oneConnection = fleet.readyChannel();
      RawStream first = new RawStream(oneConnection); // open, silent
      RawStream second = new RawStream(oneConnection);

      RawStream third = new RawStream(oneConnection);

      Status refused = third.awaitClose();
      assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getDescription()).contains("already wait for their Hello");
      assertThat(first.isOpen()).isTrue();
      assertThat(second.isOpen()).isTrue();
    }
  }

  @Test
  void anAgentRefusedBecauseStreamsWaitForTheirHelloComesBackSoonNotAfterItsBackoff()
      throws Exception {
    try (Fleet fleet =
        Fleet.start(Clients.create(), server -> server.maxStreamsAwaitingHello(1))) {
      ManagedChannel channel = fleet.readyChannel();
      RawStream silent = new RawStream(channel); // takes the one place
      // Refused: so the silent stream holds the place before the agent dials.
      assertThat(new RawStream(channel).awaitClose().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      BlockingQueue<StreamClient.State> states = new LinkedBlockingQueue<>();
      StreamClient agent =
          fleet.startAgent(
              "refused",
              new TestAgent("refused").registry(),
              options ->
                  options
                      .backoff(Duration.ofSeconds(5), Duration.ofSeconds(5))
                      .onStateChange(states::add));
      StreamClient.State state;
      do {
        state = states.poll(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(state).as("a state change within %s", Fleet.WAIT).isNotNull();
      } while (state != StreamClient.State.WAITING_TO_RECONNECT);
      assertThat(agent.lastEnd().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

      silent.cancel();
      long freed = System.nanoTime();
      fleet.awaitJoin("refused");

      // The server asked for about 100 ms; the agent's backoff would have been 4 s or more.
      assertThat(Duration.ofNanos(System.nanoTime() - freed)).isLessThan(Duration.ofSeconds(1));
    }
  }
}
