package dev.agentrpc.internal;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;

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

  /**
   * The wire form of a handler's failure: the whole {@code google.rpc.Status} it carries in
   * its trailers (code, message and details, as {@code StatusProto.toStatusException} puts
   * them there), else its code and description.
   */
  public static com.google.rpc.Status toProto(Throwable failure) {
    com.google.rpc.Status whole = StatusProto.fromThrowable(failure);
    return whole != null ? whole : toProto(Status.fromThrowable(failure));
  }

  /**
   * The trailers that carry {@code proto} whole, for a caller's {@code
   * StatusProto.fromThrowable}; null when it has no details to carry.
   */
  public static Metadata trailers(com.google.rpc.Status proto) {
    if (proto.getDetailsCount() == 0) {
      return null;
    }
    if (Status.fromCodeValue(proto.getCode()).getCode().value() != proto.getCode()) {
      // A code gRPC does not know becomes UNKNOWN (fromProto); its details keep, under it.
      proto = proto.toBuilder().setCode(Status.Code.UNKNOWN.value()).build();
    }
    return StatusProto.toStatusRuntimeException(proto).getTrailers();
  }

  /** The status a peer sent; an unknown code becomes UNKNOWN, as grpc-java does. */
  public static Status fromProto(com.google.rpc.Status proto) {
    Status status = Status.fromCodeValue(proto.getCode());
    return proto.getMessage().isEmpty() ? status : status.withDescription(proto.getMessage());
  }
}
