package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.identity.JoinDecision;
import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.RawStream;
import dev.agentrpc.testing.TestAgent;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who may join, over plaintext: tokens, and identities deciding replacement. */
@Timeout(60)
class JoinPolicyTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private static final Map<String, List<String>> TOKENS =
      Map.of("s3cret-agent-1", List.of("agent-1"), "s3cret-agent-2", List.of("agent-2"));

  private static Fleet tokenFleet() {
    return Fleet.start(Clients.create(), server -> server.joinPolicy(JoinPolicies.bearerTokens(TOKENS)));
  }

  private static void assertCallable(Fleet fleet, String name) {
    assertThat(Calls.await(fleet.clients().call(name, StringValue.of("ping"), StringValue.parser(), LONG)).getValue())
        .isEqualTo(name + ":ping");
  }

  @Test
  void anAgentWithItsTokenJoinsAsTheTokensIdentity() throws Exception {
    try (Fleet fleet = tokenFleet()) {
      fleet.agent("agent-1", new TestAgent("agent-1").registry(), agent -> agent.bearerToken("s3cret-agent-1"));

      assertCallable(fleet, "agent-1");
      assertThat(fleet.clients().identity("agent-1")).startsWith("token:").doesNotContain("s3cret");
    }
  }

  @Test
  void aWrongTokenIsUnauthenticatedAndATokenForOtherNamesIsPermissionDenied() throws Exception {
    try (Fleet fleet = tokenFleet()) {
      fleet.agent("agent-1", new TestAgent("agent-1").registry(), agent -> agent.bearerToken("s3cret-agent-1"));

      StreamClient wrong =
          fleet.startAgent("agent-1", new TestAgent("impostor").registry(), agent -> agent.bearerToken("guess"));
      StreamClient other =
          fleet.startAgent(
              "agent-1", new TestAgent("impostor").registry(), agent -> agent.bearerToken("s3cret-agent-2"));
      StreamClient none = fleet.startAgent("agent-1", new TestAgent("impostor").registry(), agent -> agent);

      assertThat(awaitLastEnd(wrong).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(awaitLastEnd(other).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(awaitLastEnd(none).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertCallable(fleet, "agent-1"); // the legitimate agent still answers, itself
    }
  }

  @Test
  void aHelloWithAnotherIdentityNeverReplacesTheConnectedAgent() throws Exception {
    // A policy admitting everyone, with the identity the client's "x-who" header claims.
    io.grpc.Metadata.Key<String> who = io.grpc.Metadata.Key.of("x-who", io.grpc.Metadata.ASCII_STRING_MARSHALLER);
    try (Fleet fleet =
        Fleet.start(
            Clients.create(),
            server -> server.joinPolicy(request -> JoinDecision.admit(String.valueOf(request.header(who)))))) {
      fleet.agent("agent-1", new TestAgent("agent-1").registry());
      String identity = fleet.clients().identity("agent-1");

      RawStream foreign = new RawStream(fleet.channel(), who, "mallory").hello("agent-1");

      Status refused = foreign.awaitClose();
      assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(refused.getDescription()).contains("another identity");
      assertThat(fleet.clients().identity("agent-1")).isEqualTo(identity);
      assertCallable(fleet, "agent-1");
    }
  }

  @Test
  void aDeniedAgentBacksOffInsteadOfHammeringTheController() throws Exception {
    try (Fleet fleet = tokenFleet()) {
      BlockingQueue<Long> dials = new LinkedBlockingQueue<>();
      fleet.startAgent(
          "agent-1",
          new HandlerRegistry(),
          agent ->
              agent
                  .bearerToken("guess")
                  .backoff(Duration.ofMillis(20), Duration.ofSeconds(2))
                  .onStateChange(
                      state -> {
                        if (state == StreamClient.State.CONNECTING) {
                          dials.add(System.nanoTime());
                        }
                      }));

      long first = take(dials);
      long eighth = 0;
      for (int i = 2; i <= 8; i++) {
        eighth = take(dials);
      }

      // Growing delays (x1.6 from 20 ms) add up to about 700 ms over seven redials.
      assertThat(Duration.ofNanos(eighth - first)).isGreaterThan(Duration.ofMillis(500));
    }
  }

  private static Status awaitLastEnd(StreamClient agent) {
    long deadline = System.nanoTime() + Fleet.WAIT.toNanos();
    while (agent.lastEnd() == null) {
      assertThat(System.nanoTime()).as("a stream of %s ended within %s", agent.name(), Fleet.WAIT).isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return agent.lastEnd();
  }

  private static long take(BlockingQueue<Long> queue) throws InterruptedException {
    Long next = queue.poll(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(next).as("a dial within %s", Fleet.WAIT).isNotNull();
    return next;
  }
}
