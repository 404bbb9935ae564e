package dev.agentrpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerObserver;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.TestAgent;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Call and handler observers over Netty: what they hear, and the metadata they send along. */
@Timeout(60)
class ObserverTest {
  private final BlockingQueue<String> controllerSide = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> agentSide = new LinkedBlockingQueue<>();
  private Fleet fleet;

  @BeforeEach
  void setUp() {
    CallObserver observer =
        (client, method, metadata) -> {
          metadata.put("traceparent", "00-" + client + "-" + method);
          controllerSide.add("start " + client + " " + method);
          return status -> controllerSide.add("end " + client + " " + status.getCode());
        };
    fleet = Fleet.start(Clients.newBuilder().addObserver(observer).build());
    HandlerRegistry registry =
        new TestAgent("agent-1")
            .registry()
            .observe(
                (method, metadata) -> {
                  Thread invoker = Thread.currentThread();
                  agentSide.add("start " + method + " " + metadata);
                  return new HandlerObserver.Handling() {
                    @Override
                    public void onInvoked() {
                      agentSide.add("invoked on the same thread: " + (Thread.currentThread() == invoker));
                    }

                    @Override
                    public void onEnd(Status status) {
                      agentSide.add("end " + status.getCode());
                    }
                  };
                });
    fleet.agent("agent-1", registry);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    fleet.close();
  }

  @Test
  void anAnsweredCallIsObservedOnBothSidesWithItsMetadata() throws Exception {
    fleet.clients().call("agent-1", StringValue.of("hi"), StringValue.parser()).get(10, TimeUnit.SECONDS);

    assertThat(next(controllerSide)).isEqualTo("start agent-1 google.protobuf.StringValue");
    assertThat(next(agentSide))
        .isEqualTo("start google.protobuf.StringValue {traceparent=00-agent-1-google.protobuf.StringValue}");
    assertThat(next(agentSide)).isEqualTo("end OK");
    assertThat(next(agentSide)).isEqualTo("invoked on the same thread: true");
    assertThat(next(controllerSide)).isEqualTo("end agent-1 OK");
  }

  @Test
  void failuresTimeoutsAndUnknownClientsAreObservedWithTheirStatus() throws Exception {
    assertThatThrownBy(() -> Calls.await(fleet.clients().call("agent-1", BoolValue.of(true), BoolValue.parser())));
    assertThat(List.of(next(controllerSide), next(controllerSide)))
        .containsExactly("start agent-1 google.protobuf.BoolValue", "end agent-1 PERMISSION_DENIED");
    assertThat(next(agentSide)).startsWith("start google.protobuf.BoolValue");
    assertThat(next(agentSide)).isEqualTo("end PERMISSION_DENIED");

    assertThatThrownBy(
        () ->
            Calls.await(
                fleet.clients().call("agent-1", Int64Value.of(60_000), Int64Value.parser(), Duration.ofMillis(200))));
    assertThat(List.of(next(controllerSide), next(controllerSide)))
        .containsExactly("start agent-1 google.protobuf.Int64Value", "end agent-1 DEADLINE_EXCEEDED");

    assertThatThrownBy(() -> Calls.await(fleet.clients().call("ghost", StringValue.of("x"), StringValue.parser())));
    assertThat(List.of(next(controllerSide), next(controllerSide)))
        .containsExactly("start ghost google.protobuf.StringValue", "end ghost NOT_FOUND");
  }

  @Test
  void anUnknownNameInAFanOutIsObservedAsNotFound() throws Exception {
    fleet.clients()
        .fanOut(StringValue.of("x"), StringValue.parser(), FanOutOptions.clients(List.of("agent-1", "ghost")))
        .results()
        .get(10, TimeUnit.SECONDS);

    List<String> events = List.of(next(controllerSide), next(controllerSide), next(controllerSide), next(controllerSide));
    assertThat(events)
        .contains(
            "start ghost google.protobuf.StringValue",
            "end ghost NOT_FOUND",
            "start agent-1 google.protobuf.StringValue",
            "end agent-1 OK");
  }

  @Test
  void eachClientOfACallAllIsObserved() throws Exception {
    fleet.agent("agent-2", new TestAgent("agent-2").registry());

    fleet.clients().callAll(StringValue.of("x"), StringValue.parser()).get(10, TimeUnit.SECONDS);

    List<String> events = List.of(next(controllerSide), next(controllerSide), next(controllerSide), next(controllerSide));
    assertThat(events)
        .contains(
            "start agent-1 google.protobuf.StringValue",
            "start agent-2 google.protobuf.StringValue",
            "end agent-1 OK",
            "end agent-2 OK");
  }

  @Test
  void aCallRefusedAtTheInFlightBoundIsObserved() throws Exception {
    try (Fleet small = Fleet.start(Clients.newBuilder().maxInFlightPerClient(1).addObserver(
        (client, method, metadata) -> {
          controllerSide.add("start " + client);
          return status -> controllerSide.add("end " + client + " " + status.getCode());
        }).build())) {
      TestAgent agent = new TestAgent("held", 1);
      small.agent("held", agent.registry());
      java.util.concurrent.CompletableFuture<Int64Value> holding =
          small.clients().call("held", Int64Value.of(60_000), Int64Value.parser());
      agent.awaitHolding();
      assertThat(next(controllerSide)).isEqualTo("start held");

      assertThatThrownBy(() -> Calls.await(small.clients().call("held", StringValue.of("x"), StringValue.parser())));
      assertThat(List.of(next(controllerSide), next(controllerSide)))
          .containsExactly("start held", "end held RESOURCE_EXHAUSTED");
      holding.cancel(false);
      assertThat(next(controllerSide)).isEqualTo("end held CANCELLED");
    }
  }

  private static String next(BlockingQueue<String> events) throws InterruptedException {
    String event = events.poll(10, TimeUnit.SECONDS);
    assertThat(event).as("an observed event in time").isNotNull();
    return event;
  }
}
