package dev.agentrpc.example.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.agent.AgentRunner;
import dev.agentrpc.example.agent.SandboxRoot;
import dev.agentrpc.security.testing.Credential;
import dev.agentrpc.security.testing.TestPki;
import dev.agentrpc.security.testing.TestPki.Leaf;
import io.grpc.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code controller} and {@code agent} commands' TLS options end to end, with a CA and
 * certificates made at test time: mTLS with names from certificates, and tokens over TLS.
 */
@Timeout(120)
class SecureFleetTest {
  @TempDir static Path dir;

  private static TestPki pki;
  private static Credential controller;
  private static Credential agent1;

  @BeforeAll
  static void makeCertificates() {
    pki = TestPki.create(dir);
    List<Credential> issued = pki.issue(Leaf.controller("controller"), Leaf.agent("agent-1"));
    controller = issued.get(0);
    agent1 = issued.get(1);
  }

  @Test
  void anMtlsControllerServesTheAgentItsCertificateNames() throws Exception {
    try (RunningController console = mutualTlsController();
        AgentRunner agent = mutualTlsAgent("agent-1", console.target())) {
      console.awaitOutput(text -> text.contains("* agent 'agent-1' joined"));

      console.type("call agent-1 echo {\"text\": \"over mTLS\"}");

      console.awaitOutput(text -> text.contains("\"text\": \"over mTLS\""));
      assertThat(console.quit()).isZero();
      assertThat(console.banner())
          .contains("(mTLS, agents join as the names their certificates grant)")
          .contains("--tls-ca <ca.pem> --tls-cert <agent-1.pem> --tls-key <agent-1.key>");
      assertThat(console.output()).contains("OK from agent-1 in ").doesNotContain("\tat ");
      assertThat(console.errors()).isEmpty();
    }
  }

  @Test
  void anMtlsControllerRefusesAnAgentUnderANameItsCertificateDoesNotGrant() throws Exception {
    try (RunningController console = mutualTlsController();
        AgentRunner agent = mutualTlsAgent("agent-2", console.target())) {
      Status refused = awaitLastEnd(agent);

      assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(refused.getDescription()).contains("not 'agent-2'");
      assertThat(console.quit()).isZero();
    }
  }

  @Test
  void aTokenControllerOverTlsServesTheAgentItsTokenAllows() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "# token names\ns3cret-1 agent-1\n");
    Path token = Files.writeString(dir.resolve("agent-1.token"), "s3cret-1\n");
    try (RunningController console =
            new RunningController(
                "--port", "0",
                "--tls-cert", controller.certificateFile().toString(),
                "--tls-key", controller.keyFile().toString(),
                "--identity", "token",
                "--tokens", tokens.toString());
        AgentRunner agent =
            agent("agent-1", console.target(), "--tls-ca", pki.caFile().toString(), "--token-file", token.toString())) {
      console.awaitOutput(text -> text.contains("* agent 'agent-1' joined"));

      console.type("call agent-1 echo {\"text\": \"with a token\"}");

      console.awaitOutput(text -> text.contains("\"text\": \"with a token\""));
      assertThat(console.quit()).isZero();
      assertThat(console.banner())
          .contains("(TLS, agents join as the names their bearer tokens allow)")
          .contains("--tls-ca <ca.pem> --token-file <agent-1.token>");
      assertThat(console.errors()).isEmpty();
    }
  }

  @Test
  void theControllerRefusesAKeyThatIsNotItsCertificates() {
    CommandLine commandLine = Main.commandLine();
    StringWriter err = new StringWriter();
    commandLine.setErr(new PrintWriter(err, true));

    int exit =
        commandLine.execute(
            "controller", "--port", "0",
            "--tls-cert", controller.certificateFile().toString(),
            "--tls-key", agent1.keyFile().toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("error: the key in " + agent1.keyFile() + " does not belong to the certificate in " + controller.certificateFile());
  }

  /** The {@code controller} command with mTLS, names from certificates (the default with --tls-ca). */
  private static RunningController mutualTlsController() throws Exception {
    return new RunningController(
        "--port", "0",
        "--tls-cert", controller.certificateFile().toString(),
        "--tls-key", controller.keyFile().toString(),
        "--tls-ca", pki.caFile().toString());
  }

  /** An agent named {@code name} with agent-1's certificate. */
  private static AgentRunner mutualTlsAgent(String name, String target) throws Exception {
    return agent(
        name,
        target,
        "--tls-ca", pki.caFile().toString(),
        "--tls-cert", agent1.certificateFile().toString(),
        "--tls-key", agent1.keyFile().toString());
  }

  /** An agent dialing {@code target} with the {@code agent} command's TLS and token options. */
  private static AgentRunner agent(String name, String target, String... options) throws Exception {
    CommandLine commandLine = Main.commandLine();
    String[] args = new String[options.length + 5];
    System.arraycopy(new String[] {"agent", "--name", name, "--server", target}, 0, args, 0, 5);
    System.arraycopy(options, 0, args, 5, options.length);
    commandLine.parseArgs(args);
    AgentCommand command = commandLine.getSubcommands().get("agent").getCommand();
    return AgentRunner.newBuilder(name, target, SandboxRoot.of(TestFleet.root(dir, name)))
        .security(command.security())
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .start();
  }

  private static Status awaitLastEnd(AgentRunner agent) {
    long deadline = System.nanoTime() + TestFleet.WAIT.toNanos();
    while (agent.lastEnd() == null) {
      assertThat(System.nanoTime()).as("a stream ended within %s", TestFleet.WAIT).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return agent.lastEnd();
  }
}
