package dev.agentrpc.security;

import static dev.agentrpc.security.SecureFleet.agentTls;
import static dev.agentrpc.security.SecureFleet.awaitLastEnd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bearer tokens over server TLS: agents verify the controller and send a token the join
 * policy checks (the plaintext cases are the runtime's JoinPolicyTest).
 */
@Timeout(60)
class TokenOverTlsTest {
  private static final Map<String, List<String>> TOKENS =
      Map.of("token-of-agent-1", List.of("agent-1"), "token-of-agent-2", List.of("agent-2"));

  @Test
  void onlyTheRightTokenJoinsAndTheAgentAnswersThroughWrongAndForeignTokens() throws Exception {
    ServerCredentials serverTls =
        TlsServerCredentials.newBuilder().keyManager(Certificates.get().controller.keyManager()).build();
    try (SecureFleet fleet = SecureFleet.start(serverTls, JoinPolicies.bearerTokens(TOKENS))) {
      fleet.agent("agent-1", agentTls(null), builder -> builder.bearerToken("token-of-agent-1"));
      String identity = fleet.clients().identity("agent-1");

      StreamClient wrong = fleet.dial("agent-1", "impostor", agentTls(null), builder -> builder.bearerToken("guess"));
      Status unknownToken = awaitLastEnd(wrong);
      fleet.assertAnswersItself("agent-1");
      StreamClient foreign =
          fleet.dial("agent-1", "impostor", agentTls(null), builder -> builder.bearerToken("token-of-agent-2"));
      Status otherNames = awaitLastEnd(foreign);
      fleet.assertAnswersItself("agent-1");
      wrong.close();
      foreign.close();
      fleet.assertAnswersItself("agent-1");

      assertThat(identity).startsWith("token:").doesNotContain("token-of");
      assertThat(unknownToken.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(unknownToken.getDescription()).contains("not known");
      assertThat(otherNames.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(otherNames.getDescription()).contains("'agent-1'");
      assertThat(fleet.clients().identity("agent-1")).isEqualTo(identity);
      assertThat(fleet.leaves()).isEmpty();
    }
  }
}
