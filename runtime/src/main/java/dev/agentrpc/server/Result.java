package dev.agentrpc.server;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Objects;

/**
 * One client's outcome of a call-all: the client's name and either its reply or the
 * {@link Status} its call failed with. Immutable.
 *
 * @param <R> the reply type
 */
public final class Result<R> {
  private final String client;
  private final R value;
  private final Status status;
  private final Metadata trailers; // null unless the failure carried some (rich error details)

  private Result(String client, R value, Status status, Metadata trailers) {
    this.client = Objects.requireNonNull(client, "client");
    this.value = value;
    this.status = status;
    this.trailers = trailers;
  }

  /** A successful result. */
  public static <R> Result<R> ok(String client, R value) {
    return new Result<>(client, Objects.requireNonNull(value, "value"), Status.OK, null);
  }

  /** A failed result; {@code status} must not be OK. */
  public static <R> Result<R> failed(String client, Status status) {
    return failed(client, status.asRuntimeException());
  }

  /**
   * A failed result keeping the failure's trailers, and so its rich error details ({@code
   * io.grpc.protobuf.StatusProto}); its status must not be OK.
   */
  public static <R> Result<R> failed(String client, StatusRuntimeException failure) {
    if (failure.getStatus().isOk()) {
      throw new IllegalArgumentException("a failed result needs a non-OK status");
    }
    return new Result<>(client, null, failure.getStatus(), failure.getTrailers());
  }

  /** The name of the client this result came from. */
  public String client() {
    return client;
  }

  /** Whether the client answered with a reply. */
  public boolean isOk() {
    return status.isOk();
  }

  /** {@link Status#OK} for a reply, otherwise why the call failed. */
  public Status status() {
    return status;
  }

  /**
   * The reply.
   *
   * @throws StatusRuntimeException with {@link #status()} when the call failed
   */
  public R value() {
    if (!status.isOk()) {
      throw exception();
    }
    return value;
  }

  /**
   * The failure as an exception, with the trailers it arrived with: {@code
   * StatusProto.fromThrowable(result.exception())} gives the agent's whole {@code
   * google.rpc.Status}, details included.
   *
   * @throws IllegalStateException for a successful result
   */
  public StatusRuntimeException exception() {
    if (status.isOk()) {
      throw new IllegalStateException("the result of '" + client + "' is a reply, not a failure");
    }
    if (trailers == null) {
      return status.asRuntimeException();
    }
    Metadata copy = new Metadata();
    copy.merge(trailers);
    return status.asRuntimeException(copy);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Result)) {
      return false;
    }
    Result<?> that = (Result<?>) o;
    return client.equals(that.client)
        && Objects.equals(value, that.value)
        && status.getCode() == that.status.getCode()
        && Objects.equals(status.getDescription(), that.status.getDescription());
  }

  @Override
  public int hashCode() {
    return Objects.hash(client, value, status.getCode(), status.getDescription());
  }

  @Override
  public String toString() {
    return isOk()
        ? "Result{" + client + ": " + value + "}"
        : "Result{" + client + ": " + status.getCode() + ": " + status.getDescription() + "}";
  }
}
