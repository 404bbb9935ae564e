package dev.agentrpc.transport.http;

import io.grpc.Status;

/**
 * How a poll's status crosses HTTP/1.1: the HTTP status line says roughly what happened (for
 * proxies and logs), the {@value #STATUS_HEADER} header the exact gRPC code, and the body the
 * whole {@code google.rpc.Status}.
 */
final class HttpStatuses {
  /** The header that carries the gRPC status code (a number) of a failed poll. */
  static final String STATUS_HEADER = "agentrpc-status";
  /** Protobuf bytes, one PollRequest, PollResponse or google.rpc.Status. */
  static final String CONTENT_TYPE = "application/x-protobuf";

  private HttpStatuses() {}

  /** The HTTP status a failed poll answers with. */
  static int httpStatusOf(Status.Code code) {
    switch (code) {
      case INVALID_ARGUMENT:
      case FAILED_PRECONDITION:
      case OUT_OF_RANGE:
        return 400;
      case UNAUTHENTICATED:
        return 401;
      case PERMISSION_DENIED:
        return 403;
      case NOT_FOUND:
        return 404;
      case ABORTED:
      case ALREADY_EXISTS:
        return 409;
      case RESOURCE_EXHAUSTED:
        return 429;
      case UNIMPLEMENTED:
        return 501;
      case UNAVAILABLE:
        return 503;
      case DEADLINE_EXCEEDED:
        return 504;
      default:
        return 500;
    }
  }
}
