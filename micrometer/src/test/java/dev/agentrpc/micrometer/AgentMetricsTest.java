package dev.agentrpc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The agent's handler meters, over real calls from a controller on Netty. */
@Timeout(60)
class AgentMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HistogramWatch histograms = HistogramWatch.on(registry);
  private final CountDownLatch timedOut = new CountDownLatch(1);
  private TestFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    fleet = TestFleet.start(Clients.create());
    HandlerRegistry handlers =
        fleet
            .handlers()
            .observe(AgentMetrics.create(registry, Tags.of("agent", "agent-1")))
            // observed after the metrics: it hears a call's end once they counted it
            .observe(
                (method, metadata) ->
                    status -> {
                      if (status.getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
                        timedOut.countDown();
                      }
                    });
    fleet.agent("agent-1", handlers);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    fleet.close();
  }

  @Test
  void handlerCallsAreCountedAndTimedByMethodAndStatusCode() throws Exception {
    Clients clients = fleet.clients();
    for (int i = 0; i < 3; i++) {
      Calls.await(clients.call("agent-1", StringValue.of("hi"), StringValue.parser()));
    }
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> Calls.await(clients.call("agent-1", BoolValue.of(true), BoolValue.parser())));
    }
    assertThatThrownBy(
        () -> Calls.await(clients.call("agent-1", Int64Value.of(60_000), Int64Value.parser(), TestFleet.AGENT_TIMEOUT)));
    TestFleet.await(timedOut, "the agent's end of the call past its deadline");

    assertThat(calls("google.protobuf.StringValue", "OK")).isEqualTo(3);
    assertThat(calls("google.protobuf.BoolValue", "PERMISSION_DENIED")).isEqualTo(2);
    assertThat(calls("google.protobuf.Int64Value", "DEADLINE_EXCEEDED")).isEqualTo(1);
    assertThat(registry.find(AgentMetrics.HANDLER_CALLS).counters()).hasSize(3);

    assertThat(timer("google.protobuf.StringValue", "OK").count()).isEqualTo(3);
    assertThat(timer("google.protobuf.BoolValue", "PERMISSION_DENIED").count()).isEqualTo(2);
    Timer held = timer("google.protobuf.Int64Value", "DEADLINE_EXCEEDED");
    assertThat(held.count()).isEqualTo(1);
    assertThat(held.totalTime(TimeUnit.MILLISECONDS)).isPositive().isLessThan(60_000);
    assertThat(histograms.names()).as("a percentile histogram").containsExactly(AgentMetrics.HANDLER_DURATION);
  }

  @Test
  void theGivenTagsAreOnEveryMeter() {
    Calls.await(fleet.clients().call("agent-1", StringValue.of("hi"), StringValue.parser()));

    assertThat(registry.getMeters())
        .isNotEmpty()
        .allSatisfy(meter -> assertThat(meter.getId().getTag("agent")).isEqualTo("agent-1"));
  }

  private double calls(String method, String statusCode) {
    return registry.get(AgentMetrics.HANDLER_CALLS).tags("method", method, "statusCode", statusCode).counter().count();
  }

  private Timer timer(String method, String statusCode) {
    return registry.get(AgentMetrics.HANDLER_DURATION).tags("method", method, "statusCode", statusCode).timer();
  }
}
