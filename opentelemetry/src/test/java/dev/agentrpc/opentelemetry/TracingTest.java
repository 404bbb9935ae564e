package dev.agentrpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import com.google.protobuf.UInt32Value;
import dev.agentrpc.client.HandlerObserver;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOutOptions;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The controller's and the agent's spans over real calls on Netty. Each side has its own
 * OpenTelemetry SDK, as two processes would, exporting to one in-memory exporter: the trace
 * context reaches the agent only through the request's metadata.
 */
@Timeout(60)
class TracingTest {
  private static final String ECHO = "google.protobuf.StringValue";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk controllerSide = sdk();
  private final OpenTelemetrySdk agentSide = sdk();
  private final BlockingQueue<SpanContext> currentInHandler = new LinkedBlockingQueue<>();
  private final BlockingQueue<SpanContext> currentAfterHandler = new LinkedBlockingQueue<>();
  private final CountDownLatch agentTimedOut = new CountDownLatch(1);
  private TestFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    fleet = TestFleet.start(Clients.newBuilder().addObserver(ControllerTracing.create(controllerSide)).build());
    HandlerRegistry handlers =
        fleet
            .handlers()
            .register(
                UInt32Value.getDefaultInstance(),
                request -> {
                  currentInHandler.add(Span.current().getSpanContext());
                  return request;
                })
            // added before the tracing: its onInvoked comes after the tracing's (last in,
            // first out), once the tracing closed its scope
            .observe(
                (method, metadata) ->
                    new HandlerObserver.Handling() {
                      @Override
                      public void onInvoked() {
                        currentAfterHandler.add(Span.current().getSpanContext());
                      }

                      @Override
                      public void onEnd(Status status) {}
                    })
            .observe(AgentTracing.create(agentSide, "agent-1"))
            // added after the tracing: its onEnd comes after the tracing's, once the span ended
            .observe(
                (method, metadata) ->
                    status -> {
                      if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                        agentTimedOut.countDown();
                      }
                    });
    fleet.agent("agent-1", handlers);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    fleet.close();
    controllerSide.close();
    agentSide.close();
  }

  @Test
  void theAgentSpanIsTheChildOfTheControllerSpanInTheCallersTrace() {
    Span operation = controllerSide.getTracer("test").spanBuilder("operation").startSpan();
    try (Scope ignored = operation.makeCurrent()) {
      Calls.await(fleet.clients().call("agent-1", StringValue.of("hi"), StringValue.parser()));
    } finally {
      operation.end();
    }

    SpanData client = only(SpanKind.CLIENT);
    SpanData server = only(SpanKind.SERVER);
    assertThat(List.of(client.getTraceId(), server.getTraceId())).containsOnly(operation.getSpanContext().getTraceId());
    assertThat(client.getParentSpanId()).isEqualTo(operation.getSpanContext().getSpanId());
    assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
    assertThat(server.getParentSpanContext().isRemote()).isTrue();

    for (SpanData span : List.of(client, server)) {
      assertThat(span.getName()).isEqualTo(ECHO);
      assertThat(span.getAttributes().asMap())
          .containsEntry(Spans.RPC_SYSTEM_NAME, "agentrpc")
          .containsEntry(Spans.RPC_METHOD, ECHO)
          .containsEntry(Spans.AGENT, "agent-1")
          .containsEntry(Spans.RPC_RESPONSE_STATUS_CODE, "OK")
          .doesNotContainKey(Spans.ERROR_TYPE);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(span.hasEnded()).isTrue();
    }
  }

  @Test
  void eachAgentOfACallAllHasItsSpanUnderTheCaller() throws Exception {
    fleet.agent("agent-2", fleet.handlers().observe(AgentTracing.create(agentSide, "agent-2")));
    Span operation = controllerSide.getTracer("test").spanBuilder("operation").startSpan();
    try (Scope ignored = operation.makeCurrent()) {
      Calls.await(fleet.clients().callAll(StringValue.of("hi"), StringValue.parser()));
    } finally {
      operation.end();
    }

    List<SpanData> clients = spans(SpanKind.CLIENT);
    assertThat(clients).extracting(span -> span.getAttributes().get(Spans.AGENT)).containsOnly("agent-1", "agent-2");
    assertThat(clients)
        .extracting(SpanData::getParentSpanId)
        .containsOnly(operation.getSpanContext().getSpanId());
    assertThat(spans(SpanKind.SERVER))
        .extracting(SpanData::getParentSpanId)
        .containsExactlyInAnyOrderElementsOf(clients.stream().map(SpanData::getSpanId).toList());
  }

  @Test
  void theLaterCallsOfAFanOutWithAWindowAreUnderTheCallerToo() throws Exception {
    fleet.agent("agent-2", fleet.handlers().observe(AgentTracing.create(agentSide, "agent-2")));
    fleet.agent("agent-3", fleet.handlers().observe(AgentTracing.create(agentSide, "agent-3")));
    Span operation = controllerSide.getTracer("test").spanBuilder("operation").startSpan();
    try (Scope ignored = operation.makeCurrent()) {
      // One at a time: the second and third start on the runtime's threads as the one before ends.
      fleet.clients()
          .fanOut(StringValue.of("hi"), StringValue.parser(), FanOutOptions.all().window(1))
          .results()
          .get(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      operation.end();
    }

    List<SpanData> clients = spans(SpanKind.CLIENT);
    assertThat(clients).hasSize(3);
    assertThat(clients)
        .extracting(SpanData::getParentSpanId)
        .containsOnly(operation.getSpanContext().getSpanId());
  }

  @Test
  void aCallWithNoSpanCurrentStartsATrace() {
    Calls.await(fleet.clients().call("agent-1", StringValue.of("hi"), StringValue.parser()));

    SpanData client = only(SpanKind.CLIENT);
    assertThat(client.getParentSpanContext().isValid()).isFalse();
    assertThat(only(SpanKind.SERVER).getParentSpanId()).isEqualTo(client.getSpanId());
  }

  @Test
  void theAgentSpanIsCurrentWhileTheHandlerRuns() throws Exception {
    Calls.await(fleet.clients().call("agent-1", UInt32Value.of(7), UInt32Value.parser()));

    SpanContext current = currentInHandler.poll(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(current).isEqualTo(only(SpanKind.SERVER).getSpanContext());
  }

  @Test
  void theAgentSpanIsNoLongerCurrentOnceTheHandlerReturned() throws Exception {
    Calls.await(fleet.clients().call("agent-1", UInt32Value.of(7), UInt32Value.parser()));

    SpanContext after = currentAfterHandler.poll(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(after).isNotNull();
    assertThat(after.isValid()).as("the handler thread's span after the handler").isFalse();
  }

  @Test
  void aFailureIsAnErrorOnTheControllerAndItsCodeOnTheAgent() {
    assertThatThrownBy(() -> Calls.await(fleet.clients().call("agent-1", BoolValue.of(true), BoolValue.parser())));

    SpanData client = only(SpanKind.CLIENT);
    assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(client.getStatus().getDescription()).isEqualTo("not for you");
    assertThat(client.getAttributes().asMap())
        .containsEntry(Spans.RPC_RESPONSE_STATUS_CODE, "PERMISSION_DENIED")
        .containsEntry(Spans.ERROR_TYPE, "PERMISSION_DENIED");
    SpanData server = only(SpanKind.SERVER);
    assertThat(server.getStatus().getStatusCode()).as("not a server error in gRPC's terms").isEqualTo(StatusCode.UNSET);
    assertThat(server.getAttributes().asMap()).containsEntry(Spans.RPC_RESPONSE_STATUS_CODE, "PERMISSION_DENIED");
  }

  @Test
  void aTimeoutIsAnErrorOnBothSides() throws Exception {
    assertThatThrownBy(
        () ->
            Calls.await(
                fleet.clients().call("agent-1", Int64Value.of(60_000), Int64Value.parser(), TestFleet.AGENT_TIMEOUT)));
    TestFleet.await(agentTimedOut, "the agent's end of the call past its deadline");

    for (SpanData span : List.of(only(SpanKind.CLIENT), only(SpanKind.SERVER))) {
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getAttributes().asMap()).containsEntry(Spans.ERROR_TYPE, "DEADLINE_EXCEEDED");
    }
  }

  @Test
  void aCallToAnUnknownAgentIsAnErrorSpanWithNoAgentSpan() {
    assertThatThrownBy(() -> Calls.await(fleet.clients().call("ghost", StringValue.of("hi"), StringValue.parser())));

    SpanData client = only(SpanKind.CLIENT);
    assertThat(client.getAttributes().asMap())
        .containsEntry(Spans.AGENT, "ghost")
        .containsEntry(Spans.ERROR_TYPE, "NOT_FOUND");
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
  }

  @Test
  void aRequestWithoutTraceContextStartsATraceOnTheAgent() {
    HandlerObserver.Handling handling = AgentTracing.create(agentSide, null).onStart(ECHO, new HashMap<>());
    handling.onEnd(Status.OK);
    handling.onInvoked();

    SpanData server = only(SpanKind.SERVER);
    assertThat(server.getParentSpanContext().isValid()).isFalse();
    assertThat(server.getAttributes().asMap()).doesNotContainKey(Spans.AGENT);
  }

  private SpanData only(SpanKind kind) {
    List<SpanData> spans = spans(kind);
    assertThat(spans).as(kind + " spans").hasSize(1);
    return spans.get(0);
  }

  private List<SpanData> spans(SpanKind kind) {
    return exporter.getFinishedSpanItems().stream().filter(span -> span.getKind() == kind).toList();
  }

  private OpenTelemetrySdk sdk() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }
}
