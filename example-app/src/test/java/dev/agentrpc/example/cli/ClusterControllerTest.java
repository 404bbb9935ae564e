package dev.agentrpc.example.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.cluster.testing.RedisProcess;
import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.agent.AgentRunner;
import dev.agentrpc.example.agent.SandboxRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code controller --redis} commands as replicas of one cluster, a real
 * redis-server its directory (skipped without one, failed under {@code CI=true} or {@code
 * AGENTRPC_REQUIRE_REDIS=1}).
 */
@Timeout(60)
class ClusterControllerTest {
  @TempDir Path dir;

  @Test
  void eitherReplicasConsoleCallsTheAgentsOfBoth() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        RunningController first = replica(redis);
        RunningController second = replica(redis);
        AgentRunner agentA = agent("agent-a", first);
        AgentRunner agentB = agent("agent-b", second)) {
      first.awaitOutput(text -> text.contains("* agent 'agent-a' joined"));
      second.awaitOutput(text -> text.contains("* agent 'agent-b' joined"));
      awaitCallable(first, "agent-b");

      first.type("list");
      first.awaitOutput(text -> text.contains("2 agents connected:\n  agent-a\n  agent-b\n"));
      first.type("all hostInfo {}");
      first.awaitOutput(text -> text.contains("2 of 2 agents answered"));
      first.type("call agent-b echo {\"text\": \"across replicas\"}");
      first.awaitOutput(text -> text.contains("OK from agent-b in "));

      assertThat(first.quit()).isZero();
      assertThat(second.quit()).isZero();
      assertThat(first.banner())
          .containsPattern("cluster replica \\w+, the cluster directory \\(Redis at 127\\.0\\.0\\.1:" + redis.port() + "\\)");
      assertThat(first.output())
          .containsPattern("agent-a\\s+OK\\s+[0-9.]+ m?s\\s+\\{\"agent\":\"agent-a\",\"hostname\":")
          .containsPattern("agent-b\\s+OK\\s+[0-9.]+ m?s\\s+\\{\"agent\":\"agent-b\",\"hostname\":")
          .contains("\"text\": \"across replicas\"")
          .doesNotContain("\tat ");
      assertThat(first.errors()).isEmpty();
    }
  }

  @Test
  void theFleetPageOfOneReplicaHearsAnAgentJoinAnother() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        RunningController first =
            new RunningController("--port", "0", "--http-port", "-1", "--fleet-port", "0", "--redis", redis.uri());
        RunningController second = replica(redis)) {
      Matcher page = Pattern.compile("fleet page: (\\S+)").matcher(first.banner());
      assertThat(page.find()).as(first.banner()).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      String agents = page.group(1) + "api/agents";
      String body = get(http, agents);

      try (AgentRunner agent = agent("agent-c", second)) {
        // Each held poll answers at the page's next change; the join elsewhere is one of them.
        long deadline = System.nanoTime() + TestFleet.WAIT.toNanos();
        while (!body.contains("\"name\":\"agent-c\"")) {
          assertThat(System.nanoTime()).as("the page heard agent-c join; last: %s", body).isLessThan(deadline);
          Matcher version = Pattern.compile("\"version\":(\\d+)").matcher(body);
          assertThat(version.find()).as(body).isTrue();
          body = get(http, agents + "?after=" + version.group(1));
        }
      }
      assertThat(first.quit()).isZero();
      assertThat(second.quit()).isZero();
    }
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> response =
        http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TestFleet.WAIT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  private static RunningController replica(RedisProcess redis) throws Exception {
    return new RunningController("--port", "0", "--http-port", "-1", "--fleet-port", "-1", "--redis", redis.uri());
  }

  private AgentRunner agent(String name, RunningController replica) throws Exception {
    return AgentRunner.newBuilder(name, replica.target(), SandboxRoot.of(TestFleet.root(dir, name)))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .start();
  }

  /**
   * Calls {@code agent} from {@code replica}'s console until it answers: the other replica's
   * agent is callable once this replica has read the cluster directory (until then such calls
   * may fail UNAVAILABLE). Each round waits for its answer; the whole is bounded by
   * {@link TestFleet#WAIT}.
   */
  private static void awaitCallable(RunningController replica, String agent) throws InterruptedException {
    long deadline = System.nanoTime() + TestFleet.WAIT.toNanos();
    String answered = "OK from " + agent + " in ";
    for (int before = answers(replica.output(), answered); ; before++) {
      int expected = before + 1;
      replica.type("call " + agent + " echo {\"text\": \"ready?\"}");
      String output = replica.awaitOutput(text -> answers(text, answered) >= expected);
      if (output.contains(answered)) {
        return;
      }
      assertThat(System.nanoTime()).as("%s callable within %s; so far:%n%s", agent, TestFleet.WAIT, output).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // paces the polling; the answer above is what is waited on
    }
  }

  /** How many calls the console answered, successfully ({@code answered}) or with an error. */
  private static int answers(String text, String answered) {
    return count(text, answered) + count(text, "error: ");
  }

  private static int count(String text, String word) {
    int n = 0;
    for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
      n++;
    }
    return n;
  }
}
