package dev.agentrpc.internal;

import io.grpc.Status;

/** Converts between {@link io.grpc.Status} and the wire's {@code google.rpc.Status}. Internal API. */
public final class WireStatus {
  private WireStatus() {}

  /** The wire form of {@code status}: code and description; never a cause or stack trace. */
  public static com.google.rpc.Status toProto(Status status) {
    com.google.rpc.Status.Builder proto =
        com.google.rpc.Status.newBuilder().setCode(status.getCode().value());
    if (status.getDescription() != null) {
      proto.setMessage(status.getDescription());
    }
    return proto.build();
  }

  /** The status a peer sent; an unknown code becomes UNKNOWN, as grpc-java does. */
  public static Status fromProto(com.google.rpc.Status proto) {
    Status status = Status.fromCodeValue(proto.getCode());
    return proto.getMessage().isEmpty() ? status : status.withDescription(proto.getMessage());
  }
}
