package dev.agentrpc.security;

import static dev.agentrpc.security.SecureFleet.agentTls;
import static dev.agentrpc.security.SecureFleet.awaitLastEnd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.security.testing.Credential;
import dev.agentrpc.security.testing.TestPki;
import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamClient.State;
import io.grpc.Status;
import io.grpc.TlsServerCredentials.ClientAuth;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** mTLS with {@code JoinPolicies.certificateNames()}: an agent joins only as what its certificate names. */
@Timeout(60)
class MutualTlsJoinTest {
  private static Certificates certificates;

  @BeforeAll
  static void makeCertificates() {
    certificates = Certificates.get();
  }

  private static SecureFleet mutualTlsFleet() {
    return SecureFleet.start(SecureFleet.mutualTls(certificates.controller), JoinPolicies.certificateNames());
  }

  @Test
  void anAgentJoinsAsTheNameItsCertificateGrantsWithItsSpiffeIdAsIdentity() throws Exception {
    try (SecureFleet fleet = mutualTlsFleet()) {
      fleet.agent("agent-1", agentTls(certificates.agent1), UnaryOperator.identity());

      assertThat(fleet.clients().identity("agent-1")).isEqualTo(TestPki.spiffeId("agent-1"));
      fleet.assertAnswersItself("agent-1");
    }
  }

  @Test
  void anAgentSayingHelloAsANameItsCertificateDoesNotGrantIsPermissionDenied() throws Exception {
    try (SecureFleet fleet = mutualTlsFleet()) {
      StreamClient agent = fleet.dial("agent-2", "agent-1", agentTls(certificates.agent1), UnaryOperator.identity());

      Status refused = awaitLastEnd(agent);

      assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(refused.getDescription()).contains("[agent-1]").contains("not 'agent-2'");
      assertThat(fleet.clients().names()).isEmpty();
    }
  }

  /** Who tries to take {@code agent-1}'s place, and how the controller refuses it. */
  enum Impostor {
    /** A certificate from the trusted CA, for another agent: the join policy refuses the name. */
    WITH_A_VALID_CERTIFICATE_FOR_AGENT_9(
        certificates -> certificates.agent9, Status.Code.PERMISSION_DENIED, "grants the names \\[agent-9\\]"),
    /** No client certificate: the TLS handshake fails (the server requires one). */
    WITHOUT_A_CERTIFICATE(certificates -> null, Status.Code.UNAVAILABLE, SecureFleet.TLS_FAILURE),
    /** A certificate naming agent-1, signed by itself: the TLS handshake fails. */
    WITH_A_SELF_SIGNED_CERTIFICATE_NAMING_AGENT_1(
        certificates -> certificates.selfSignedAgent1, Status.Code.UNAVAILABLE, SecureFleet.TLS_FAILURE);

    final Function<Certificates, Credential> credential;
    final Status.Code refusal;
    final String evidence;

    Impostor(Function<Certificates, Credential> credential, Status.Code refusal, String evidence) {
      this.credential = credential;
      this.refusal = refusal;
      this.evidence = evidence;
    }
  }

  @ParameterizedTest
  @EnumSource(Impostor.class)
  void anImpostorNeverReplacesTheAgentWhichAnswersDuringAndAfterTheAttempt(Impostor impostor) throws Exception {
    try (SecureFleet fleet = mutualTlsFleet()) {
      DialLog legitimate = new DialLog();
      fleet.agent("agent-1", agentTls(certificates.agent1), builder -> builder.onStateChange(legitimate));
      legitimate.await(State.CONNECTED);

      DialLog attempts = new DialLog();
      StreamClient attacker =
          fleet.dial(
              "agent-1",
              "impostor",
              fleet.channel(agentTls(impostor.credential.apply(certificates)), attempts.connections()),
              builder -> builder.onStateChange(attempts));
      Status refused = awaitLastEnd(attacker);
      // While the impostor keeps redialing, every call still reaches agent-1 itself.
      long deadline = System.nanoTime() + SecureFleet.WAIT.toNanos();
      while (attempts.tries() < 3) {
        assertThat(System.nanoTime()).as("the impostor redialed twice in time").isLessThan(deadline);
        fleet.assertAnswersItself("agent-1");
      }
      attacker.close();
      fleet.assertAnswersItself("agent-1");

      assertThat(refused.getCode()).as("%s", refused).isEqualTo(impostor.refusal);
      assertThat(SecureFleet.text(refused)).containsPattern(impostor.evidence);
      assertThat(attacker.lastEnd().getCode()).as("every attempt is refused").isEqualTo(impostor.refusal);
      assertThat(fleet.clients().identity("agent-1")).isEqualTo(TestPki.spiffeId("agent-1"));
      assertThat(fleet.leaves()).as("agents that left").isEmpty();
      assertThat(legitimate.states()).containsExactly(State.CONNECTING, State.CONNECTED);
    }
  }

  @Test
  void anAgentWithoutACertificateIsUnauthenticatedWhereCertificatesAreOptional() throws Exception {
    try (SecureFleet fleet =
        SecureFleet.start(
            SecureFleet.serverTls(certificates.controller.keyManager(), ClientAuth.OPTIONAL),
            JoinPolicies.certificateNames())) {
      StreamClient agent = fleet.dial("agent-1", "agent-1", agentTls(null), UnaryOperator.identity());

      Status refused = awaitLastEnd(agent);

      assertThat(refused.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(refused.getDescription()).contains("client certificate is required");
      assertThat(fleet.clients().names()).isEmpty();
    }
  }

  @Test
  void aDeniedAgentBacksOffInsteadOfHammeringTheController() throws Exception {
    try (SecureFleet fleet = mutualTlsFleet()) {
      DialLog dials = new DialLog();
      StreamClient denied = fleet.dial("agent-1", "agent-9", agentTls(certificates.agent9), dials.options());

      dials.assertBacksOff();

      assertThat(denied.lastEnd().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(fleet.clients().names()).isEmpty();
    }
  }
}
