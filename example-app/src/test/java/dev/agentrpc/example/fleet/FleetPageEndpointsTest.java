package dev.agentrpc.example.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.agent.SleepObserver;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fleet page's endpoints over plain HTTP: what they answer, and what they refuse. */
@Timeout(60)
class FleetPageEndpointsTest {
  @TempDir static Path dir;

  private static TestFleet fleet;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    fleet = TestFleet.startLabelled(dir, SleepObserver.none(), Map.of("agent-1", Map.of("zone", "eu")));
    http = HttpClient.newHttpClient();
    base = fleet.controller().fleetUrl();
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TestFleet.WAIT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String body, String type, String origin) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "api/rollouts"))
            .timeout(TestFleet.WAIT)
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageWithAContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = get("");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script src=\"fleet.js\" defer></script>");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'self'; frame-ancestors 'none'");
    assertThat(get("fleet.js").body()).contains("textContent");
    assertThat(get("../fleet.js").statusCode()).isEqualTo(404);
    assertThat(get("nosuch.html").statusCode()).isEqualTo(404);
  }

  @Test
  void listsTheAgentsWithTheirLabels() throws Exception {
    HttpResponse<String> agents = get("api/agents");
    assertThat(agents.statusCode()).isEqualTo(200);
    assertThat(agents.body()).contains("\"name\":\"agent-1\"", "\"state\":\"connected\"", "\"labels\":{\"zone\":\"eu\"}");
  }

  @Test
  void aHeldPollOfTheAgentsAnswersWhenAnAgentJoins() throws Exception {
    Matcher version = Pattern.compile("\"version\":(\\d+)").matcher(get("api/agents").body());
    assertThat(version.find()).isTrue();
    CompletableFuture<HttpResponse<String>> held =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "api/agents?after=" + version.group(1))).timeout(TestFleet.WAIT).build(),
            HttpResponse.BodyHandlers.ofString());

    fleet.addAgent("agent-2", TestFleet.root(dir, "agent-2"), SleepObserver.none());

    assertThat(held.get(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS).body()).contains("\"name\":\"agent-2\"");
  }

  @Test
  void startsARolloutAndGivesItsResults() throws Exception {
    HttpResponse<String> started = post("{\"method\": \"echo\", \"request\": \"{\\\"text\\\": \\\"hi\\\"}\", \"select\": \"zone=eu\"}", "application/json", null);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(started.body());
    assertThat(id.find()).isTrue();
    String run = get("api/rollouts/" + id.group(1) + "?from=0").body();
    for (int polls = 0; !run.contains("\"done\":true") && polls < 10; polls++) {
      run = get("api/rollouts/" + id.group(1) + "?from=0").body(); // each poll is held until a result
    }
    assertThat(run).contains("\"done\":true", "\"agent\":\"agent-1\"", "\"outcome\":\"ANSWERED\"", "\\\"text\\\":\\\"hi\\\"");
  }

  @Test
  void refusesRolloutsThatAreNotJsonOrComeFromAnotherOrigin() throws Exception {
    String echo = "{\"method\": \"echo\"}";
    assertThat(post(echo, "text/plain", null).statusCode()).isEqualTo(415);
    HttpResponse<String> foreign = post(echo, "application/json", "http://attacker.example");
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("posts come from the fleet page only");
  }

  @Test
  void boundsTheBody() throws Exception {
    String huge = "{\"method\": \"echo\", \"request\": \"" + "x".repeat(FleetPage.MAX_BODY_BYTES) + "\"}";
    assertThat(post(huge, "application/json", null).statusCode()).isEqualTo(413);
  }

  @Test
  void refusesABadRolloutWithTheReason() throws Exception {
    HttpResponse<String> batch = post("{\"method\": \"echo\", \"batch\": \"0\"}", "application/json", null);
    assertThat(batch.statusCode()).isEqualTo(400);
    assertThat(batch.body()).isEqualTo("{\"error\":\"--batch is 1 to 100000, was 0\"}");
    assertThat(post("{\"method\": \"format\"}", "application/json", null).body())
        .contains("unknown method; one of hostInfo, listDir, sleep, echo");
    assertThat(post("{\"method\": \"echo\", \"request\": \"{nope\"}", "application/json", null).body())
        .contains("the request is not a EchoRequest in JSON");
    assertThat(post("[1, 2]", "application/json", null).statusCode()).isEqualTo(400);
  }

  @Test
  void refusesARequestNamingAnotherHost() throws Exception {
    // A page elsewhere whose name was rebound to 127.0.0.1 sends its own name as the Host.
    try (Socket socket = new Socket("127.0.0.1", fleet.controller().fleetPort())) {
      socket.setSoTimeout((int) TestFleet.WAIT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write("GET /fleet/api/agents HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 403").contains("open the fleet page as 127.0.0.1 or localhost").doesNotContain("agent-1");
    }
  }
}
