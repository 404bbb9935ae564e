package dev.agentrpc.example.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.agent.SleepEvent;
import dev.agentrpc.example.agent.SleepObserver;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's {@code all} options against four labelled agents over gRPC, agent-2 lacking
 * the directory {@code release} the others have. Windows of one agent make the order of
 * results, and so the output, deterministic.
 */
@Timeout(60)
class ConsoleRolloutTest {
  @TempDir static Path dir;

  private static final Set<String> sleptOn = ConcurrentHashMap.newKeySet();
  private static TestFleet fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    Map<String, Map<String, String>> agents = new LinkedHashMap<>();
    agents.put("agent-1", Map.of("zone", "eu", "role", "web"));
    agents.put("agent-2", Map.of("zone", "us", "role", "web"));
    agents.put("agent-3", Map.of("zone", "eu", "role", "db"));
    agents.put("agent-4", Map.of("zone", "us"));
    SleepObserver sleeps =
        new SleepObserver() {
          @Override
          public void started(String agent, long requestedMillis) {
            sleptOn.add(agent);
          }

          @Override
          public void ended(SleepEvent event) {}
        };
    fleet = TestFleet.startLabelled(dir, sleeps, agents);
    for (String agent : List.of("agent-1", "agent-3", "agent-4")) {
      Files.createDirectories(dir.resolve(agent).resolve("release"));
    }
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @BeforeEach
  void forgetSleeps() {
    sleptOn.clear();
  }

  private static String run(String... lines) throws Exception {
    StringWriter text = new StringWriter();
    BufferedReader in = new BufferedReader(new StringReader(String.join("\n", lines) + "\n"));
    new Console(fleet.controller().clients(), fleet.controller().operations(), in, new PrintWriter(text), false).run();
    String output = text.toString();
    assertThat(output).as("no stack trace reaches the console").doesNotContain("\tat ", "Exception");
    return output;
  }

  @Test
  void aBatchOfOneStopsAtTheFirstFailureAndNamesTheAgentsNeverCalled() throws Exception {
    String output = run("all --batch 1 --max-failures 0 listDir {\"path\": \"release\"}");

    assertThat(output.lines().filter(line -> line.startsWith("[")).toList())
        .hasSize(4)
        .satisfies(lines -> assertThat(lines.get(0)).matches("\\[1/4] agent-1 OK [0-9.]+ m?s"))
        .satisfies(
            lines -> assertThat(lines.get(1)).matches("\\[2/4] agent-2 NOT_FOUND [0-9.]+ m?s: 'release' does not exist.*"))
        .satisfies(lines -> assertThat(lines.get(2)).isEqualTo("[3/4] agent-3 NOT CALLED"))
        .satisfies(lines -> assertThat(lines.get(3)).isEqualTo("[4/4] agent-4 NOT CALLED"));
    assertThat(output)
        .containsPattern("agent-3\\s+NOT CALLED\\s+-\\s+the rollout stopped before its turn")
        .contains("1 of 4 agents answered")
        .contains("stopped after 1 failure (--max-failures 0); never called: agent-3, agent-4");
  }

  @Test
  void selectCallsOnlyTheAgentsWhoseLabelsMatch() throws Exception {
    String output = run("all --select zone=eu sleep {\"millis\": 1}");

    assertThat(sleptOn).as("the agents that were called").containsExactlyInAnyOrder("agent-1", "agent-3");
    assertThat(output).contains("2 of 2 agents answered");
    assertThat(output.lines().filter(line -> line.startsWith("[") || line.startsWith("agent-")))
        .as("the progress lines and rows")
        .hasSize(4)
        .noneMatch(line -> line.contains("agent-2") || line.contains("agent-4"));
  }

  @Test
  void aSelectorMayRequireSeveralLabelsOrTheAbsenceOfOne() throws Exception {
    run("all --select role=web,zone=us sleep {\"millis\": 1}");
    assertThat(sleptOn).containsExactly("agent-2");

    sleptOn.clear();
    run("all --select=!role sleep {\"millis\": 1}");
    assertThat(sleptOn).containsExactly("agent-4");
  }

  @Test
  void progressLinesArriveBeforeTheTable() throws Exception {
    String output = run("all --batch 50% echo {\"text\": \"x\"}");

    int table = output.indexOf("AGENT ");
    assertThat(table).isPositive();
    for (int i = 1; i <= 4; i++) {
      int line = output.indexOf("[" + i + "/4] agent-");
      assertThat(line).as("progress line %d", i).isNotNegative().isLessThan(table);
    }
    assertThat(output).containsPattern("\\[1/4] agent-\\d OK [0-9.]+ m?s").contains("4 of 4 agents answered");
  }

  @Test
  void firstEndsTheCallOnceEnoughAgentsAnswered() throws Exception {
    String output = run("all --first 2 --batch 1 echo {}");

    assertThat(output)
        .contains("[3/4] agent-3 NOT CALLED", "[4/4] agent-4 NOT CALLED")
        .contains("2 of 4 agents answered")
        .contains("done after the first 2 answers; never called: agent-3, agent-4");
  }

  @Test
  void badOptionsGetOneClearLineAndCallNoOne() throws Exception {
    String output =
        run(
            "all --batch 0 sleep {}",
            "all --batch many sleep {}",
            "all --batch 150% sleep {}",
            "all --select bad$key sleep {}",
            "all --first -1 sleep {}",
            "all --frobnicate 1 sleep {}",
            "all --max-failures",
            "all --select zone=mars sleep {}");

    List<String> errors = output.lines().filter(line -> line.startsWith("error: ")).toList();
    assertThat(errors).hasSize(7);
    assertThat(errors.get(0)).isEqualTo("error: --batch is 1 to 100000, was 0");
    assertThat(errors.get(1)).isEqualTo("error: --batch needs a whole number of agents or a percentage (2, 25%), was 'many'");
    assertThat(errors.get(2)).isEqualTo("error: --batch as a percentage is 1% to 100%, was 150%");
    assertThat(errors.get(3)).startsWith("error: label selector \"bad$key\"");
    assertThat(errors.get(4)).isEqualTo("error: --first is 1 to 100000, was -1");
    assertThat(errors.get(5)).startsWith("error: unknown option '--frobnicate'; usage: all [--batch N|N%]");
    assertThat(errors.get(6)).startsWith("error: --max-failures needs a value; usage: all");
    assertThat(output).contains("no connected agent matches --select zone=mars");
    assertThat(sleptOn).as("no agent was called").isEmpty();
  }

  @Test
  void listShowsEachAgentsLabels() throws Exception {
    assertThat(run("list")).contains("  agent-1  role=web,zone=eu\n").contains("  agent-4  zone=us\n");
  }
}
