package dev.agentrpc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.reliability.harness.Agents;
import dev.agentrpc.reliability.harness.ChildJvm;
import dev.agentrpc.reliability.harness.Figures;
import dev.agentrpc.reliability.harness.Form;
import dev.agentrpc.reliability.harness.Handlers;
import dev.agentrpc.reliability.harness.LoadedControllerMain;
import dev.agentrpc.reliability.harness.RawAgent;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Promise: what a controller holds for an agent that stops reading is bounded by
 * maxQueuedBytesPerClient; the controller stays up and serves its other agents. The
 * controller runs in a JVM of its own at -Xmx512m under constant load.
 */
class NonReadingAgentKeepsControllerHeapBoundedTest {
  private static final List<String> CONTROLLER_JVM = List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError");
  private static final Duration RUN = Form.seconds(5, 30);
  private static final long CAP = 8L << 20;
  /**
   * Besides the queue, the heap holds the calls in flight to the stalled agent (at most
   * maxInFlightPerClient, 1024, each with its future and its deadline) and what is being
   * written; 32 MiB covers them with room, and an unbounded queue (4,000 calls/s of 64 KiB)
   * passes it within a second.
   */
  private static final long HEAP_SLACK = 32L << 20;

  @Test
  void aControllerWithANonReadingAgentStaysWithinItsQueueBoundUnderLoad() throws Exception {
    Figures figures = new Figures("stalled-agent-heap");
    try (ChildJvm controller =
        ChildJvm.start(
            "stalled-agent-controller",
            CONTROLLER_JVM,
            LoadedControllerMain.class,
            String.valueOf(RUN.toSeconds()),
            String.valueOf(CAP))) {
      int port = Integer.parseInt(ChildJvm.pairs(controller.awaitLine("ready", Duration.ofSeconds(30)).text()).get("port"));
      ManagedChannel stalledChannel = Agents.channel(port);
      ManagedChannel goodChannel = Agents.channel(port);
      StreamClient good = StreamClient.newBuilder(goodChannel, "good", new Handlers().registry("good")).start();
      try (RawAgent stalled = RawAgent.connectNotReading(stalledChannel, "stalled")) {
        Map<String, String> result =
            ChildJvm.pairs(controller.awaitLine("result", RUN.plusSeconds(60)).text());
        long baseHeap = Long.parseLong(result.get("baseHeap"));
        long worstHeap = Math.max(Long.parseLong(result.get("midHeap")), Long.parseLong(result.get("endHeap")));
        figures.record("run_s", RUN.toSeconds());
        figures.record("cap", Figures.mib(CAP));
        figures.record("max_queued_bytes", Figures.mib(Long.parseLong(result.get("maxQueuedBytes"))));
        figures.record("heap_after_gc_before", Figures.mib(baseHeap));
        figures.record("heap_after_gc_loaded_worst", Figures.mib(worstHeap));
        figures.record("stalled_calls", result.get("stalledCalls"));
        figures.record("stalled_outcomes", result.get("stalledOutcomes"));
        figures.record("good_calls", result.get("goodCalls"));
        figures.record("good_outcomes", result.get("goodOutcomes"));
        figures.record("late_calls", result.get("late"));
        figures.record("controller_threads", result.get("threads"));

        assertThat(controller.isAlive()).as("the controller is up").isTrue();
        assertThat(Long.parseLong(result.get("maxQueuedBytes"))).isLessThanOrEqualTo(CAP);
        assertThat(worstHeap).isLessThanOrEqualTo(baseHeap + CAP + HEAP_SLACK);
        long goodCalls = Long.parseLong(result.get("goodCalls"));
        long goodOk = Long.parseLong(result.get("goodOutcomes").replaceAll(".*OK=(\\d+).*", "$1"));
        // On two busy cores a call may now and then miss its 2 s; an agent held up by the
        // stalled one would fail by the thousand.
        assertThat(goodCalls - goodOk).as("the good agent's failed calls, of %s", goodCalls)
            .isLessThanOrEqualTo(goodCalls / 1000);
        assertThat(result.get("late")).isEqualTo("0");
        assertThat(result.get("outstanding")).isEqualTo("0");
      } finally {
        Agents.stop(good, goodChannel);
        stalledChannel.shutdownNow();
      }
    }
  }
}
