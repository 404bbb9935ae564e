package dev.agentrpc.server;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Objects;

/**
 * One client's outcome of a call-all or fan-out: the client's name, either its reply or the
 * {@link Status} its call failed with, how it ended ({@link #outcome()}) and how long it
 * took ({@link #latency()}). Immutable.
 *
 * @param <R> the reply type
 */
public final class Result<R> {
  /** How one client's call ended. */
  public enum Outcome {
    /** The client answered with a reply. */
    ANSWERED,
    /** The call failed: the client's handler failed, it timed out, or the client left. */
    FAILED,
    /** The fan-out cancelled the call on the client (a quorum was reached, it stalled or it was cancelled). */
    CANCELLED,
    /** The client was never called: unknown, gone before its turn, or the fan-out stopped first. */
    NOT_CALLED
  }

  private final String client;
  private final R value;
  private final Status status;
  private final Metadata trailers; // null unless the failure carried some (rich error details)
  private final Outcome outcome;
  private final long latencyNanos;

  private Result(
      String client, R value, Status status, Metadata trailers, Outcome outcome, long latencyNanos) {
    this.client = Objects.requireNonNull(client, "client");
    this.value = value;
    this.status = status;
    this.trailers = trailers;
    this.outcome = outcome;
    this.latencyNanos = latencyNanos;
  }

  /** A reply that took {@code latencyNanos}. */
  static <R> Result<R> answered(String client, R value, long latencyNanos) {
    return new Result<>(client, Objects.requireNonNull(value, "value"), Status.OK, null, Outcome.ANSWERED, latencyNanos);
  }

  /** A call that ended with {@code failure} after {@code latencyNanos}, as {@code outcome} says. */
  static <R> Result<R> ended(
      String client, StatusRuntimeException failure, Outcome outcome, long latencyNanos) {
    return new Result<>(client, null, failure.getStatus(), failure.getTrailers(), outcome, latencyNanos);
  }

  /** A client that was never called, for the reason {@code status} gives. */
  static <R> Result<R> notCalled(String client, Status status) {
    return new Result<>(client, null, status, null, Outcome.NOT_CALLED, 0);
  }

  /** A successful result. */
  public static <R> Result<R> ok(String client, R value) {
    return new Result<>(client, Objects.requireNonNull(value, "value"), Status.OK, null, Outcome.ANSWERED, 0);
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
    return new Result<>(client, null, failure.getStatus(), failure.getTrailers(), Outcome.FAILED, 0);
  }

  /** The name of the client this result came from. */
  public String client() {
    return client;
  }

  /** Whether the client answered with a reply. */
  public boolean isOk() {
    return status.isOk();
  }

  /** Whether the client answered, failed, was cancelled, or was never called. */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * From the call's start until its outcome was known: the round trip for an answer, the
   * time until it failed or was cancelled otherwise; zero for a client never called (and for
   * results made with {@link #ok} or {@link #failed}).
   */
  public Duration latency() {
    return Duration.ofNanos(latencyNanos);
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
        && outcome == that.outcome
        && Objects.equals(value, that.value)
        && status.getCode() == that.status.getCode()
        && Objects.equals(status.getDescription(), that.status.getDescription());
  }

  @Override
  public int hashCode() {
    return Objects.hash(client, outcome, value, status.getCode(), status.getDescription());
  }

  @Override
  public String toString() {
    return isOk()
        ? "Result{" + client + ": " + value + "}"
        : "Result{" + client + ": " + outcome + " " + status.getCode() + ": " + status.getDescription() + "}";
  }
}
