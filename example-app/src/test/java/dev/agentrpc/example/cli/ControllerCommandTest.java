package dev.agentrpc.example.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.agent.AgentRunner;
import dev.agentrpc.example.agent.SandboxRoot;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The real {@code controller} command, its console driven through stdin and stdout. */
@Timeout(60)
class ControllerCommandTest {
  @TempDir Path dir;

  @Test
  void servesAgentsAndAnswersTheOperatorOnStdin() throws Exception {
    try (RunningController controller = new RunningController("--port", "0");
        AgentRunner agent =
            AgentRunner.newBuilder("agent-x", controller.target(), SandboxRoot.of(TestFleet.root(dir, "agent-x")))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .start()) {
      controller.awaitOutput(text -> text.contains("* agent 'agent-x' joined"));

      controller.type("list");
      controller.type("call agent-x echo {\"text\": \"via stdin\"}");
      controller.type("all hostInfo {}");
      controller.type("call agent-x listDir {\"path\": \"../../..\"}");
      controller.type("frobnicate");

      assertThat(controller.quit()).isZero();
      assertThat(controller.banner())
          .contains("(plaintext, agents' names not verified)")
          .containsPattern("fleet page: http://127\\.0\\.0\\.1:\\d+/fleet/");
      assertThat(controller.output())
          .contains("1 agent connected:\n  agent-x\n")
          .contains("OK from agent-x in ")
          .contains("\"text\": \"via stdin\"")
          .containsPattern("agent-x\\s+OK\\s+[0-9.]+ m?s\\s+\\{\"agent\":\"agent-x\",\"hostname\":")
          .contains("1 of 1 agents answered")
          .contains("error: PERMISSION_DENIED: '../../..' contains '..'")
          .contains("error: unknown command 'frobnicate'")
          .contains("bye")
          .doesNotContain("\tat ");
      assertThat(controller.errors()).isEmpty();
    }
  }

  @Test
  void endOfInputStopsTheController() throws Exception {
    CommandLine commandLine = Main.commandLine();
    CapturedOutput out = new CapturedOutput();
    commandLine.setOut(new PrintWriter(out, true));
    ControllerCommand controller = commandLine.getSubcommands().get("controller").getCommand();
    controller.in = new java.io.ByteArrayInputStream("list\nall echo\n".getBytes(Charset.defaultCharset()));
    assertThat(commandLine.execute("controller", "--port", "0")).isZero();
    assertThat(out.toString()).contains("no agents connected\nno agents connected\n").doesNotContain("bye");
  }
}
