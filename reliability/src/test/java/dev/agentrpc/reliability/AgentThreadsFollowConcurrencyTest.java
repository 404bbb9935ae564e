package dev.agentrpc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.reliability.harness.Agents;
import dev.agentrpc.reliability.harness.Await;
import dev.agentrpc.reliability.harness.Controller;
import dev.agentrpc.reliability.harness.Figures;
import dev.agentrpc.reliability.harness.Handlers;
import dev.agentrpc.reliability.harness.Probe;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Promise: an agent's own handler pool has as many threads as its handlers need at once
 * (never more than maxConcurrentHandlers), and closing the agent ends them. Many agents in one
 * process must not cost a full pool each.
 */
class AgentThreadsFollowConcurrencyTest {
  private static final int SEQUENTIAL_CALLS = 200;
  /** One handler runs at a time; a few threads more may linger between hand-offs. */
  private static final int THREADS_FOR_ONE_AT_A_TIME = 4;
  private static final int CONCURRENT_HOLDS = 50;

  @Test
  void requestsOneAtATimeReuseAFewHandlerThreads() throws Exception {
    Figures figures = new Figures("agent-threads");
    try (Controller controller = Controller.start(Clients.create())) {
      ManagedChannel channel = Agents.channel(controller.port());
      StreamClient agent = StreamClient.newBuilder(channel, "sequential", new Handlers().registry("sequential")).start();
      try {
        controller.clients().awaitConnected(List.of("sequential"), Duration.ofSeconds(10));
        for (int i = 0; i < SEQUENTIAL_CALLS; i++) {
          Calls.await(
              controller.clients().call("sequential", StringValue.of("x"), StringValue.parser(), Duration.ofSeconds(5)));
        }
        int threads = Probe.handlerThreadsOf("sequential");
        figures.record("handler_threads_after_" + SEQUENTIAL_CALLS + "_sequential_calls", threads);
        assertThat(threads).isLessThanOrEqualTo(THREADS_FOR_ONE_AT_A_TIME);
      } finally {
        Agents.stop(agent, channel);
      }
    }
  }

  @Test
  void closingAnAgentEndsItsHandlerThreads() throws Exception {
    Handlers handlers = new Handlers();
    try (Controller controller = Controller.start(Clients.create())) {
      Clients clients = controller.clients();
      ManagedChannel channel = Agents.channel(controller.port());
      StreamClient agent = StreamClient.newBuilder(channel, "closing", handlers.registry("closing")).start();
      try {
        clients.awaitConnected(List.of("closing"), Duration.ofSeconds(10));
        List<CompletableFuture<Int64Value>> holds = new ArrayList<>();
        for (int i = 0; i < CONCURRENT_HOLDS; i++) {
          holds.add(clients.call("closing", Int64Value.of(60_000), Int64Value.parser(), Duration.ofSeconds(60)));
        }
        Await.until("the holds to run", Duration.ofSeconds(10), () -> handlers.holding() == CONCURRENT_HOLDS);
        assertThat(Probe.handlerThreadsOf("closing")).isGreaterThanOrEqualTo(CONCURRENT_HOLDS);
      } finally {
        Agents.stop(agent, channel);
      }
      Await.until(
          "the closed agent's handler threads to end",
          Duration.ofSeconds(10),
          () -> Probe.handlerThreadsOf("closing") == 0,
          () -> Probe.handlerThreadsOf("closing") + " left");
    }
  }
}
