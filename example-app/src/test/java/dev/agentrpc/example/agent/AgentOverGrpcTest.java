package dev.agentrpc.example.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrpc.example.AgentFunctions;
import dev.agentrpc.example.AgentFunctionsProxy;
import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.controller.FleetController;
import dev.agentrpc.example.v1.DirEntry;
import dev.agentrpc.example.v1.EchoRequest;
import dev.agentrpc.example.v1.EchoResponse;
import dev.agentrpc.example.v1.HostInfoRequest;
import dev.agentrpc.example.v1.ListDirRequest;
import dev.agentrpc.example.v1.SleepRequest;
import dev.agentrpc.example.v1.SleepResponse;
import dev.agentrpc.server.Result;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent's operations called through the generated proxy, over gRPC on loopback. */
@Timeout(60)
class AgentOverGrpcTest {
  @TempDir Path dir;

  private final LinkedBlockingQueue<SleepEvent> ended = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<String> started = new LinkedBlockingQueue<>();
  private TestFleet fleet;
  private AgentFunctionsProxy agents;

  @BeforeEach
  void setUp() throws Exception {
    SleepObserver observer =
        new SleepObserver() {
          @Override
          public void started(String agent, long requestedMillis) {
            started.add(agent);
          }

          @Override
          public void ended(SleepEvent event) {
            ended.add(event);
          }
        };
    fleet = TestFleet.start(dir, observer, "agent-1", "agent-2");
    agents = fleet.proxy();
  }

  @AfterEach
  void tearDown() {
    fleet.close();
  }

  @Test
  void everyOperationAnswersThroughTheInterfaceBoundToOneAgent() throws Exception {
    AgentFunctions one = agents.forClient("agent-2");
    assertThat(one.hostInfo(HostInfoRequest.getDefaultInstance()).getAgent()).isEqualTo("agent-2");
    assertThat(one.listDir(ListDirRequest.getDefaultInstance()).getEntriesList())
        .extracting(DirEntry::getName)
        .containsExactly("hello.txt", "logs");
    assertThat(one.echo(EchoRequest.newBuilder().setText("hi").build()).getText()).isEqualTo("hi");
    assertThat(one.sleep(SleepRequest.newBuilder().setMillis(10).build()).get(20, TimeUnit.SECONDS).getAgent())
        .isEqualTo("agent-2");
  }

  @Test
  void callAllGivesOneResultPerAgent() {
    List<Result<EchoResponse>> results = agents.all().echo(EchoRequest.newBuilder().setText("all").build());
    assertThat(results).extracting(Result::client).containsExactlyInAnyOrder("agent-1", "agent-2");
    assertThat(results).allSatisfy(result -> assertThat(result.value().getText()).isEqualTo("all"));
  }

  @Test
  void pathsOutsideTheRootAreRefusedOverTheWire() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(dir.resolve("agent-1").resolve("escape"), outside);

    assertStatus(() -> listDir("agent-1", ".."), Status.Code.PERMISSION_DENIED);
    assertStatus(() -> listDir("agent-1", "logs/../../outside"), Status.Code.PERMISSION_DENIED);
    assertStatus(() -> listDir("agent-1", outside.toString()), Status.Code.INVALID_ARGUMENT);
    assertStatus(() -> listDir("agent-1", "/"), Status.Code.INVALID_ARGUMENT);
    assertStatus(() -> listDir("agent-1", "escape"), Status.Code.PERMISSION_DENIED);
    assertStatus(() -> listDir("agent-1", "escape/"), Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anExpiredDeadlineStopsTheAgentsSleep() throws Exception {
    assertStatus(
        () -> agents.withTimeout(Duration.ofMillis(200)).sleep("agent-1", sleep(60_000)),
        Status.Code.DEADLINE_EXCEEDED);
    SleepEvent event = ended.poll(20, TimeUnit.SECONDS);
    assertThat(event).isNotNull();
    assertThat(event.agent()).isEqualTo("agent-1");
    assertThat(event.outcome()).isEqualTo(SleepEvent.Outcome.DEADLINE_EXCEEDED);
    assertThat(event.elapsedMillis()).isLessThan(60_000);
  }

  @Test
  void cancellingTheCallersFutureStopsTheAgentsSleep() throws Exception {
    CompletableFuture<SleepResponse> sleep = agents.async().sleep("agent-2", sleep(600_000));
    assertThat(started.poll(20, TimeUnit.SECONDS)).isEqualTo("agent-2");

    assertThat(sleep.cancel(true)).isTrue();

    SleepEvent event = ended.poll(20, TimeUnit.SECONDS);
    assertThat(event).isNotNull();
    assertThat(event.agent()).isEqualTo("agent-2");
    assertThat(event.outcome()).isEqualTo(SleepEvent.Outcome.CANCELLED);
    assertThat(event.detail()).isEqualTo("cancelled by the server");
  }

  @Test
  void anUnknownAgentIsNotFound() {
    assertStatus(() -> agents.echo("agent-9", EchoRequest.getDefaultInstance()), Status.Code.NOT_FOUND);
  }

  @Test
  void anAgentRedialsAControllerThatRestarts() throws Exception {
    Path root = TestFleet.root(dir, "agent-r");
    FleetController first = FleetController.start("127.0.0.1", 0, null);
    int port = first.port();
    AgentRunner agent =
        AgentRunner.newBuilder("agent-r", "127.0.0.1:" + port, SandboxRoot.of(root))
            .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
            .start();
    try {
      assertThat(first.awaitAgents(List.of("agent-r"), TestFleet.WAIT)).isTrue();
      first.close();

      FleetController second;
      try {
        second = FleetController.start("127.0.0.1", port, null);
      } catch (IOException e) {
        Assumptions.abort("port " + port + " was taken before the controller could restart: " + e);
        return;
      }
      try (second) {
        assertThat(second.awaitAgents(List.of("agent-r"), TestFleet.WAIT)).isTrue();
        assertThat(second.agents().echo("agent-r", EchoRequest.newBuilder().setText("back").build()).getText())
            .isEqualTo("back");
      }
    } finally {
      agent.close();
      first.close();
    }
  }

  private void listDir(String agent, String path) {
    agents.listDir(agent, ListDirRequest.newBuilder().setPath(path).build());
  }

  private static SleepRequest sleep(int millis) {
    return SleepRequest.newBuilder().setMillis(millis).build();
  }

  private static void assertStatus(ThrowingCallable call, Status.Code code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }
}
