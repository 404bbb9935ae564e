package dev.agentrpc.example.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.demo.Demo;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The demo, run in-process as the README's command runs it. */
@Timeout(120)
class DemoTest {
  @Test
  void everyAgentAnswersAndTheDemoExitsZero() {
    CommandLine commandLine = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    int exit = commandLine.execute("demo");

    String output = out.toString();
    assertThat(exit).as(output).isZero();
    assertThat(Demo.AGENTS).hasSize(6);
    for (String agent : Demo.AGENTS) {
      // its row of the call-all table: name, latency, host summary
      assertThat(output).containsPattern("(?m)^\\s+" + agent + "\\s+[0-9.]+ m?s\\s+\\S+, \\d+ cores");
    }
    assertThat(output)
        .contains("agents.all().echo(\"ping\"), the generated call-all: 6 of 6 answered")
        .contains("agent-1 echoed \"hello from the controller\"")
        .containsPattern("agent-1 slept \\d+ ms")
        .contains("PERMISSION_DENIED")
        .contains("the caller got DEADLINE_EXCEEDED")
        .containsPattern("agent-2 stopped its 5000 ms sleep after \\d+ ms: the deadline passed")
        .containsPattern("agent-3 stopped its 60000 ms sleep after \\d+ ms: cancelled by the server")
        .containsPattern("\\[[1-5]/5] agent-1 OK [0-9.]+ m?s")
        .containsPattern("\\[[1-5]/5] agent-3 NOT_FOUND [0-9.]+ m?s: 'releases/v2' does not exist")
        .containsPattern("\\[[1-5]/5] agent-5 NOT CALLED")
        .containsPattern("stopped after 1 failure \\(--max-failures 0\\); never called: (agent-4, )?agent-5")
        .contains("not selected: agent-6 (role=db)")
        .contains("every step behaved (agent-1, agent-2, agent-3, agent-4, agent-5, agent-6); demo finished OK")
        .doesNotContain("FAILED");
    assertThat(err.toString()).isEmpty();
  }
}
