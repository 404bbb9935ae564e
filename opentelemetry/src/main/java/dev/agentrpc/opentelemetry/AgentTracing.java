package dev.agentrpc.opentelemetry;

import dev.agentrpc.client.HandlerObserver;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import java.util.Objects;

/**
 * OpenTelemetry spans of an agent's handlers: one SERVER span per handler call, the child of
 * the controller's {@link ControllerTracing} span when the request carries its trace context,
 * and current while the handler runs (so spans the handler makes are its children).
 *
 * <pre>{@code
 * HandlerRegistry handlers = new HandlerRegistry().observe(AgentTracing.create(openTelemetry, "agent-7"));
 * }</pre>
 *
 * <p>The span is named after the method (the full protobuf name of the request type) and
 * carries it as {@code rpc.method}, the agent's name as {@code agentrpc.agent}, and the status
 * code as {@code rpc.response.status_code}; as with gRPC servers, only UNKNOWN,
 * DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE and DATA_LOSS are errors. The
 * context is read with {@code openTelemetry}'s propagators: configure W3C trace context
 * ({@code W3CTraceContextPropagator}) there. Thread-safe.
 */
public final class AgentTracing implements HandlerObserver {
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String agent;

  private AgentTracing(OpenTelemetry openTelemetry, String agent) {
    this.tracer = openTelemetry.getTracer(Spans.INSTRUMENTATION_NAME);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.agent = agent;
  }

  /**
   * Spans made with {@code openTelemetry}'s tracer, propagated with its propagators, naming
   * the agent {@code agentName} (the name it joins as; null: no {@code agentrpc.agent}).
   */
  public static AgentTracing create(OpenTelemetry openTelemetry, String agentName) {
    return new AgentTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"), agentName);
  }

  /** Starts the handler's span and makes it current; see {@link HandlerObserver}. */
  @Override
  public Handling onStart(String method, Map<String, String> metadata) {
    Context parent = propagator.extract(Context.current(), metadata, Spans.GETTER);
    SpanBuilder builder =
        tracer
            .spanBuilder(method)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(Spans.RPC_SYSTEM_NAME, Spans.SYSTEM)
            .setAttribute(Spans.RPC_METHOD, method);
    if (agent != null) {
      builder.setAttribute(Spans.AGENT, agent);
    }
    Span span = builder.startSpan();
    Scope scope = parent.with(span).makeCurrent();
    return new Handling() {
      @Override
      public void onInvoked() {
        scope.close();
      }

      @Override
      public void onEnd(Status status) {
        Spans.end(span, status, Spans.SERVER_ERRORS.contains(status.getCode()));
      }
    };
  }
}
