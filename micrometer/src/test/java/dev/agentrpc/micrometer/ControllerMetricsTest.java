package dev.agentrpc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The controller's meters, over real calls to an agent on Netty. */
@Timeout(60)
class ControllerMetricsTest {
  private static final String ECHO = "google.protobuf.StringValue";
  private static final String FAIL = "google.protobuf.BoolValue";
  private static final String HOLD = "google.protobuf.Int64Value";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HistogramWatch histograms = HistogramWatch.on(registry);
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private ControllerMetrics metrics;
  private TestFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    metrics = ControllerMetrics.create(registry);
    Clients clients = Clients.newBuilder().addObserver(metrics).build();
    metrics.bind(clients);
    clients.subscribe(
        new ClientListener() { // after the metrics' listener: it hears each event after them
          @Override
          public void onJoin(String client) {
            events.add("join " + client);
          }

          @Override
          public void onLeave(String client) {
            events.add("leave " + client);
          }

          @Override
          public void onReplaced(String client) {
            events.add("replaced " + client);
          }

          @Override
          public void onRefused(String client, Status status) {
            events.add("refused " + client + " " + status.getCode());
          }
        });
    fleet = TestFleet.start(clients);
    fleet.agent("agent-1", fleet.handlers());
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    fleet.close();
  }

  @Test
  void callsAreCountedAndTimedByMethodAndStatusCode() {
    Clients clients = fleet.clients();
    for (int i = 0; i < 3; i++) {
      Calls.await(clients.call("agent-1", StringValue.of("hi"), StringValue.parser()));
    }
    for (int i = 0; i < 2; i++) {
      assertFailsWith(Status.Code.PERMISSION_DENIED, clients.call("agent-1", BoolValue.of(true), BoolValue.parser()));
    }
    assertFailsWith(
        Status.Code.DEADLINE_EXCEEDED,
        clients.call("agent-1", Int64Value.of(60_000), Int64Value.parser(), Duration.ofMillis(200)));
    assertFailsWith(Status.Code.NOT_FOUND, clients.call("ghost", StringValue.of("hi"), StringValue.parser()));

    assertThat(calls(ECHO, "OK")).isEqualTo(3);
    assertThat(calls(FAIL, "PERMISSION_DENIED")).isEqualTo(2);
    assertThat(calls(HOLD, "DEADLINE_EXCEEDED")).isEqualTo(1);
    assertThat(calls(ECHO, "NOT_FOUND")).isEqualTo(1);
    assertThat(registry.find(ControllerMetrics.CALLS).counters()).hasSize(4);

    assertThat(timer(ECHO, "OK").count()).isEqualTo(3);
    assertThat(timer(FAIL, "PERMISSION_DENIED").count()).isEqualTo(2);
    Timer timedOut = timer(HOLD, "DEADLINE_EXCEEDED");
    assertThat(timedOut.count()).isEqualTo(1);
    assertThat(timedOut.totalTime(TimeUnit.MILLISECONDS)).as("at least the timeout").isGreaterThanOrEqualTo(200);
    assertThat(histograms.names()).as("a percentile histogram").containsExactly(ControllerMetrics.CALL_DURATION);
  }

  @Test
  void eachAgentOfACallAllIsCounted() throws Exception {
    fleet.agent("agent-2", fleet.handlers());

    Calls.await(fleet.clients().callAll(StringValue.of("hi"), StringValue.parser()));

    assertThat(calls(ECHO, "OK")).isEqualTo(2);
  }

  @Test
  void agentsConnectedAndCallsInFlightAreGauges() throws Exception {
    assertThat(gauge(ControllerMetrics.AGENTS_CONNECTED).value()).isEqualTo(1);
    fleet.agent("agent-2", fleet.handlers());
    assertThat(gauge(ControllerMetrics.AGENTS_CONNECTED).value()).isEqualTo(2);

    CompletableFuture<Int64Value> first = fleet.clients().call("agent-1", Int64Value.of(60_000), Int64Value.parser());
    CompletableFuture<Int64Value> second = fleet.clients().call("agent-2", Int64Value.of(60_000), Int64Value.parser());
    fleet.awaitHolding(2);

    assertThat(gauge(ControllerMetrics.CALLS_IN_FLIGHT).value()).isEqualTo(2);
    Gauge queued = gauge(ControllerMetrics.QUEUED_BYTES);
    assertThat(queued.value()).as("both requests were written").isZero();
    assertThat(queued.getId().getBaseUnit()).isEqualTo("bytes");
    first.cancel(true);
    second.cancel(true);
  }

  @Test
  void joinsAndLeavesAreCounted() throws Exception {
    assertThat(events.poll(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("join agent-1");
    StreamClient second = fleet.agent("agent-2", fleet.handlers());
    assertThat(events.poll(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("join agent-2");
    second.close();
    assertThat(events.poll(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("leave agent-2");

    assertThat(registry.get(ControllerMetrics.JOINS).counter().count()).isEqualTo(2);
    assertThat(registry.get(ControllerMetrics.LEAVES).counter().count()).isEqualTo(1);
    assertThat(gauge(ControllerMetrics.AGENTS_CONNECTED).value()).isEqualTo(1);
  }

  @Test
  void replacementsAndRefusedHellosAreCounted() throws Exception {
    assertThat(events.poll(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("join agent-1");

    fleet.hello("agent-1"); // a bare stream replaces agent-1's connection (which then takes it back)
    assertThat(nextEventLike("replaced ")).isEqualTo("replaced agent-1");
    assertThat(registry.get(ControllerMetrics.REPLACEMENTS).counter().count()).isGreaterThanOrEqualTo(1);

    assertThat(fleet.hello("no spaces").get(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(nextEventLike("refused ")).isEqualTo("refused no spaces INVALID_ARGUMENT");
    assertThat(registry.get(ControllerMetrics.REFUSALS).tag("statusCode", "INVALID_ARGUMENT").counter().count())
        .isEqualTo(1);
  }

  /** The next event starting with {@code prefix}, skipping others, waiting a bounded time. */
  private String nextEventLike(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TestFleet.WAIT.toNanos();
    while (true) {
      String event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertThat(event).as("an event starting '" + prefix + "' in time").isNotNull();
      if (event.startsWith(prefix)) {
        return event;
      }
    }
  }

  @Test
  void closeRemovesTheBoundMetersAndAllowsAnotherBinding() {
    metrics.close();

    assertThat(registry.find(ControllerMetrics.AGENTS_CONNECTED).gauge()).isNull();
    assertThat(registry.find(ControllerMetrics.JOINS).counter()).isNull();
    metrics.bind(Clients.create());
    assertThat(registry.find(ControllerMetrics.AGENTS_CONNECTED).gauge()).isNotNull();
  }

  @Test
  void aSecondBindingIsRefused() {
    assertThatThrownBy(() -> metrics.bind(Clients.create()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already bound");
  }

  @Test
  void agentNamesAreATagOnlyWhenAskedFor() {
    SimpleMeterRegistry tagged = new SimpleMeterRegistry();
    ControllerMetrics withAgents = ControllerMetrics.newBuilder(tagged).tagAgents(true).build();
    withAgents.onStart("agent-7", ECHO, new HashMap<>()).onEnd(Status.OK);
    assertThat(tagged.get(ControllerMetrics.CALLS).tag("agent", "agent-7").counter().count()).isEqualTo(1);

    Calls.await(fleet.clients().call("agent-1", StringValue.of("hi"), StringValue.parser()));
    for (Meter meter : registry.getMeters()) {
      assertThat(meter.getId().getTag("agent")).as(meter.getId().toString()).isNull();
    }
  }

  private double calls(String method, String statusCode) {
    return registry
        .get(ControllerMetrics.CALLS)
        .tags("method", method, "statusCode", statusCode)
        .counter()
        .count();
  }

  private Timer timer(String method, String statusCode) {
    return registry.get(ControllerMetrics.CALL_DURATION).tags("method", method, "statusCode", statusCode).timer();
  }

  private Gauge gauge(String name) {
    return registry.get(name).gauge();
  }

  private static void assertFailsWith(Status.Code code, CompletableFuture<?> call) {
    assertThatThrownBy(() -> Calls.await(call))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }
}
