package dev.agentrpc.example.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrpc.example.TestFleet;
import dev.agentrpc.example.controller.FleetController;
import dev.agentrpc.example.security.ControllerSecurity;
import dev.agentrpc.example.v1.HostInfo;
import dev.agentrpc.example.v1.HostInfoRequest;
import dev.agentrpc.server.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One controller serving an agent over each transport, on 127.0.0.1. */
@Timeout(60)
class AgentTransportsTest {
  @TempDir Path dir;

  @Test
  void theControllerServesAgentsOverEveryTransportAtOnce() throws Exception {
    List<AgentRunner> agents = new ArrayList<>();
    FleetController controller = FleetController.start("127.0.0.1", 0, 0, null, ControllerSecurity.plaintext());
    try {
      List<String> names = new ArrayList<>();
      for (AgentTransport transport : AgentTransport.values()) {
        String name = "agent-" + transport.option();
        int port = transport == AgentTransport.HTTP_LONG_POLL ? controller.httpPort() : controller.port();
        agents.add(
            AgentRunner.newBuilder(name, "127.0.0.1:" + port, SandboxRoot.of(TestFleet.root(dir, name)))
                .transport(transport)
                .heartbeatInterval(Duration.ofMillis(50))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .start());
        names.add(name);
      }
      assertThat(controller.awaitAgents(names, TestFleet.WAIT)).as("every agent joined").isTrue();

      List<Result<HostInfo>> fleet =
          controller.agents().all().hostInfo(HostInfoRequest.getDefaultInstance());

      assertThat(fleet).extracting(Result::client).containsExactlyInAnyOrderElementsOf(names);
      assertThat(fleet).allSatisfy(result -> assertThat(result.value().getAgent()).isEqualTo(result.client()));
    } finally {
      agents.forEach(AgentRunner::close);
      controller.close();
    }
  }

  @Test
  void theCommandLineNamesEachTransport() {
    assertThat(AgentTransport.of("http-long-poll")).isEqualTo(AgentTransport.HTTP_LONG_POLL);
    assertThatThrownBy(() -> AgentTransport.of("carrier-pigeon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stream, long-poll, heartbeat, http-long-poll");
  }
}
