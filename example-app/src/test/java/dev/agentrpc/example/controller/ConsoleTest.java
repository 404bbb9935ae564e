package dev.agentrpc.example.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.agent.SleepObserver;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The operator console driven by a script, against two real agents over gRPC. */
@Timeout(60)
class ConsoleTest {
  @TempDir static Path dir;

  private static TestFleet fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = TestFleet.start(dir, SleepObserver.none(), "agent-a", "agent-b");
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private static String run(List<Operation> operations, String... lines) throws Exception {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    BufferedReader in = new BufferedReader(new StringReader(String.join("\n", lines) + "\n"));
    new Console(fleet.controller().clients(), operations, in, out, false).run();
    String output = text.toString();
    assertThat(output).as("no stack trace reaches the console").doesNotContain("\tat ", "Exception");
    return output;
  }

  private static String run(String... lines) throws Exception {
    return run(fleet.controller().operations(), lines);
  }

  @Test
  void listsTheConnectedAgents() throws Exception {
    assertThat(run("list")).contains("2 agents connected:\n  agent-a\n  agent-b\n");
  }

  @Test
  void callsOneAgentWithJsonInAndOut() throws Exception {
    String output =
        run(
            "call agent-a echo {\"text\": \"hi there\"}",
            "call agent-b hostInfo",
            "call agent-a listDir {\"path\": \".\"}");
    assertThat(output)
        .contains("OK from agent-a in ")
        .contains("\"text\": \"hi there\"")
        .contains("OK from agent-b in ")
        .contains("\"agent\": \"agent-b\"")
        .contains("\"cores\": " + Runtime.getRuntime().availableProcessors())
        .contains("\"name\": \"hello.txt\"")
        .contains("\"kind\": \"DIRECTORY\"");
  }

  @Test
  void callsAllAgentsIntoATable() throws Exception {
    String output = run("all echo {\"text\": \"x\"}");
    assertThat(output)
        .containsPattern("AGENT\\s+STATUS\\s+LATENCY\\s+RESULT")
        .containsPattern("agent-a\\s+OK\\s+[0-9.]+ m?s\\s+\\{\"agent\":\"agent-a\",\"text\":\"x\"}")
        .containsPattern("agent-b\\s+OK\\s+[0-9.]+ m?s\\s+\\{\"agent\":\"agent-b\",\"text\":\"x\"}")
        .contains("2 of 2 agents answered");
  }

  @Test
  void showsAnAgentsErrorAsStatusAndDescription() throws Exception {
    assertThat(run("call agent-b listDir {\"path\": \"../..\"}", "all listDir {\"path\": \"/etc\"}"))
        .contains("error: PERMISSION_DENIED: '../..' contains '..'")
        .containsPattern("agent-a\\s+INVALID_ARGUMENT\\s+[0-9.]+ m?s\\s+'/etc' is absolute")
        .contains("0 of 2 agents answered");
  }

  @Test
  void aTableMixesAnswersAndFailures() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("agent-a").resolve("only-here"));
    String output = run("all listDir {\"path\": \"only-here\"}");
    assertThat(output)
        .containsPattern("agent-a\\s+OK\\s+[0-9.]+ m?s\\s+\\{\"path\":\"only-here\"}")
        .containsPattern("agent-b\\s+NOT_FOUND\\s+[0-9.]+ m?s\\s+'only-here' does not exist below the agent's root")
        .contains("1 of 2 agents answered");
  }

  @Test
  void showsAnExpiredDeadline() throws Exception {
    List<Operation> quick = Operations.of(fleet.proxy().withTimeout(Duration.ofMillis(200)));
    assertThat(run(quick, "call agent-a sleep {\"millis\": 10000}"))
        .containsPattern("error: DEADLINE_EXCEEDED: .* \\(agent-a, after [0-9.]+ ms\\)");
  }

  @Test
  void badInputGetsOneClearLineAndTheConsoleGoesOn() throws Exception {
    String output =
        run(
            "bogus",
            "call agent-a nosuch {}",
            "all nosuch",
            "call agent-a echo {not json",
            "call agent-a echo {\"nope\": 1}",
            "call agent-a sleep {\"millis\": \"soon\"}",
            "call ghost echo {}",
            "call agent-a",
            "all",
            "",
            "# a comment",
            "list");
    List<String> errors = output.lines().filter(line -> line.startsWith("error: ")).toList();
    assertThat(errors).hasSize(9);
    assertThat(errors.get(0)).isEqualTo("error: unknown command 'bogus'; type 'help' for the commands");
    assertThat(errors.get(1)).isEqualTo("error: unknown method 'nosuch'; methods: hostInfo, listDir, sleep, echo");
    assertThat(errors.get(2)).isEqualTo(errors.get(1));
    assertThat(errors.get(3)).startsWith("error: bad JSON for EchoRequest: ");
    assertThat(errors.get(4)).startsWith("error: bad JSON for EchoRequest: ");
    assertThat(errors.get(5)).startsWith("error: bad JSON for SleepRequest: ");
    assertThat(errors.get(6)).isEqualTo("error: unknown agent 'ghost'; connected: agent-a, agent-b");
    assertThat(errors.get(7)).isEqualTo("error: usage: call <agent> <method> [json]");
    assertThat(errors.get(8))
        .isEqualTo("error: usage: all [--batch N|N%] [--select k=v,...] [--first N] [--max-failures N] <method> [json]");
    assertThat(output).contains("Cannot find field: nope").contains("e.g. echo {\"text\": \"hi\"}");
    assertThat(output).as("the console went on after the errors").contains("2 agents connected:");
  }

  @Test
  void methodNamesAreCaseInsensitive() throws Exception {
    assertThat(run("CALL agent-a HOSTINFO {}")).contains("OK from agent-a");
  }

  @Test
  void helpListsCommandsAndMethods() throws Exception {
    assertThat(run("help"))
        .contains("call <agent> <method> [json]")
        .containsPattern("listDir\\s+ListDirRequest\\s+\\{\"path\": \"logs\"}")
        .containsPattern("sleep\\s+SleepRequest\\s+\\{\"millis\": 500}");
  }

  @Test
  void quitStopsReadingAndEndOfInputToo() throws Exception {
    String output = run("quit", "list");
    assertThat(output).contains("bye").doesNotContain("agents connected");
    assertThat(run("list")).contains("agents connected");
  }
}
