package dev.agentrpc.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Agents and controllers that disagree about TLS: a clear failure, and redials that back off. */
@Timeout(60)
class TlsMisconfigurationTest {
  @Test
  void aPlaintextAgentAgainstATlsControllerFailsClearlyAndBacksOff() throws Exception {
    try (SecureFleet fleet =
        SecureFleet.start(SecureFleet.mutualTls(Certificates.get().controller), JoinPolicies.certificateNames())) {
      DialLog dials = new DialLog();
      StreamClient agent =
          fleet.dial(
              "agent-1", "agent-1", fleet.channel(InsecureChannelCredentials.create(), dials.connections()), dials.options());

      dials.assertConnectionsBackOff();

      // gRPC sees the controller close the connection: a TLS server drops bytes that are not TLS.
      Status failure = agent.lastEnd();
      assertThat(failure.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(failure.getDescription()).as("%s", failure).isNotBlank();
      assertThat(fleet.clients().names()).isEmpty();
    }
  }

  @Test
  void aTlsAgentAgainstAControllerCertificateItDoesNotTrustFailsClearlyAndBacksOff() throws Exception {
    try (SecureFleet fleet =
        SecureFleet.start(SecureFleet.mutualTls(Certificates.get().controller), JoinPolicies.certificateNames())) {
      DialLog dials = new DialLog();
      // The JDK's default trusted roots: the test CA is not among them.
      StreamClient agent =
          fleet.dial("agent-1", "agent-1", fleet.channel(TlsChannelCredentials.create(), dials.connections()), dials.options());

      dials.assertConnectionsBackOff();

      Status failure = agent.lastEnd();
      assertThat(failure.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(failure.getCause())
          .as("%s", failure)
          .isInstanceOf(SSLHandshakeException.class)
          .hasRootCauseMessage("unable to find valid certification path to requested target");
      assertThat(fleet.clients().names()).isEmpty();
    }
  }

  @Test
  void aTlsAgentRefusesAControllerCertificateForAnotherHost() throws Exception {
    try (SecureFleet fleet =
        SecureFleet.start(SecureFleet.mutualTls(Certificates.get().controller), JoinPolicies.certificateNames())) {
      // The controller's certificate, from the trusted CA, names localhost and 127.0.0.1 only.
      StreamClient agent =
          fleet.dial(
              "agent-1",
              "agent-1",
              fleet.channel(
                  SecureFleet.agentTls(Certificates.get().agent1),
                  channel -> channel.overrideAuthority("controller.example.org")),
              builder -> builder);

      Status failure = SecureFleet.awaitLastEnd(agent);

      assertThat(failure.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(failure.getCause()).as("%s", failure).isInstanceOf(SSLHandshakeException.class);
      assertThat(SecureFleet.text(failure)).contains("controller.example.org");
      assertThat(fleet.clients().names()).isEmpty();
    }
  }
}
