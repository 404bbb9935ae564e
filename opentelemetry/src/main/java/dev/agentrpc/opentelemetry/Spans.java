package dev.agentrpc.opentelemetry;

import io.grpc.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** What the controller's and the agent's spans share: attribute names, how a span ends. */
final class Spans {
  static final String INSTRUMENTATION_NAME = "dev.agentrpc.opentelemetry";
  static final String SYSTEM = "agentrpc";

  static final AttributeKey<String> RPC_SYSTEM_NAME = AttributeKey.stringKey("rpc.system.name");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> RPC_RESPONSE_STATUS_CODE = AttributeKey.stringKey("rpc.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> AGENT = AttributeKey.stringKey("agentrpc.agent");

  /** The codes that make a SERVER span an error, as OpenTelemetry's gRPC conventions say. */
  static final Set<Status.Code> SERVER_ERRORS =
      EnumSet.of(
          Status.Code.UNKNOWN,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.UNIMPLEMENTED,
          Status.Code.INTERNAL,
          Status.Code.UNAVAILABLE,
          Status.Code.DATA_LOSS);

  static final TextMapSetter<Map<String, String>> SETTER = Map::put;

  static final TextMapGetter<Map<String, String>> GETTER =
      (carrier, key) -> carrier == null ? null : carrier.get(key);

  private Spans() {}

  /** Ends {@code span} with the call's {@code status}; {@code error} says whether it failed. */
  static void end(Span span, Status status, boolean error) {
    String code = status.getCode().name();
    span.setAttribute(RPC_RESPONSE_STATUS_CODE, code);
    if (error) {
      span.setAttribute(ERROR_TYPE, code);
      span.setStatus(StatusCode.ERROR, status.getDescription() != null ? status.getDescription() : code);
    }
    span.end();
  }
}
