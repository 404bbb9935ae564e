package dev.agentrpc.example.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.agent.AgentRunner;
import dev.agentrpc.example.agent.SandboxRoot;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    CommandLine commandLine = Main.commandLine();
    CapturedOutput out = new CapturedOutput();
    CapturedOutput err = new CapturedOutput();
    commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    PipedOutputStream typing = new PipedOutputStream();
    ControllerCommand controller = commandLine.getSubcommands().get("controller").getCommand();
    controller.in = new PipedInputStream(typing, 1 << 16);
    PrintWriter stdin = new PrintWriter(typing, true, Charset.defaultCharset());

    ExecutorService thread = Executors.newSingleThreadExecutor();
    AgentRunner agent = null;
    try {
      Future<Integer> exit = thread.submit(() -> commandLine.execute("controller", "--port", "0"));
      String banner = out.await(text -> text.contains("type 'help'"), TestFleet.WAIT);
      Matcher port = Pattern.compile("controller listening on 127\\.0\\.0\\.1:(\\d+)").matcher(banner);
      assertThat(port.find()).as(banner).isTrue();

      agent =
          AgentRunner.newBuilder("agent-x", "127.0.0.1:" + port.group(1), SandboxRoot.of(TestFleet.root(dir, "agent-x")))
              .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
              .start();
      out.await(text -> text.contains("* agent 'agent-x' joined"), TestFleet.WAIT);

      stdin.println("list");
      stdin.println("call agent-x echo {\"text\": \"via stdin\"}");
      stdin.println("all hostInfo {}");
      stdin.println("call agent-x listDir {\"path\": \"../../..\"}");
      stdin.println("frobnicate");
      stdin.println("quit");

      assertThat(exit.get(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
      String output = out.toString();
      assertThat(output)
          .contains("1 agent connected:\n  agent-x\n")
          .contains("OK from agent-x in ")
          .contains("\"text\": \"via stdin\"")
          .containsPattern("agent-x\\s+OK\\s+[0-9.]+ m?s\\s+\\{\"agent\":\"agent-x\",\"hostname\":")
          .contains("1 of 1 agents answered")
          .contains("error: PERMISSION_DENIED: '../../..' contains '..'")
          .contains("error: unknown command 'frobnicate'")
          .contains("bye")
          .doesNotContain("\tat ");
      assertThat(err.toString()).isEmpty();
    } finally {
      if (agent != null) {
        agent.close();
      }
      stdin.close();
      thread.shutdownNow();
      assertThat(thread.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
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
