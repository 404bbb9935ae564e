package dev.agentrpc.opentelemetry;

import dev.agentrpc.server.CallObserver;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * OpenTelemetry spans of a controller's calls: one CLIENT span per call to one agent, whose
 * trace context travels with the request, so that the agent's {@link AgentTracing} span is
 * its child.
 *
 * <pre>{@code
 * Clients clients = Clients.newBuilder().addObserver(ControllerTracing.create(openTelemetry)).build();
 * }</pre>
 *
 * <p>A span's parent is the OpenTelemetry context current where the call starts: the
 * caller's for a call through a proxy or {@code Clients.call}, a call-all, and a fan-out's
 * calls that start at once. The span is named after the method (the full protobuf name of
 * the request type) and carries it as {@code rpc.method}, the agent's name as {@code
 * agentrpc.agent}, and the status code as {@code rpc.response.status_code}; any status but OK
 * is an error. The context is written with {@code openTelemetry}'s propagators: configure
 * W3C trace context ({@code W3CTraceContextPropagator}) there. Thread-safe.
 */
public final class ControllerTracing implements CallObserver {
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private ControllerTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(Spans.INSTRUMENTATION_NAME);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  /** Spans made with {@code openTelemetry}'s tracer, propagated with its propagators. */
  public static ControllerTracing create(OpenTelemetry openTelemetry) {
    return new ControllerTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /** The current OpenTelemetry context, for the later calls of a fan-out with a window. */
  @Override
  public UnaryOperator<Runnable> carryContext() {
    return Context.current()::wrap;
  }

  /** Starts the call's span and puts its context in {@code metadata}; see {@link CallObserver}. */
  @Override
  public Call onStart(String client, String method, Map<String, String> metadata) {
    Context parent = Context.current();
    Span span =
        tracer
            .spanBuilder(method)
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(Spans.RPC_SYSTEM_NAME, Spans.SYSTEM)
            .setAttribute(Spans.RPC_METHOD, method)
            .setAttribute(Spans.AGENT, client)
            .startSpan();
    propagator.inject(parent.with(span), metadata, Spans.SETTER);
    return status -> Spans.end(span, status, status.getCode() != Status.Code.OK);
  }
}
