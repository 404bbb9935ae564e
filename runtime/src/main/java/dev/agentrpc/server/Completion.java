package dev.agentrpc.server;

import io.grpc.Metadata;
import io.grpc.Status;

/** Where one call's outcome goes: a caller's future, or one slot of a call-all. */
interface Completion<R> {
  /** {@code call} was created for this completion, before anything can end it. */
  void bind(PendingCall<R> call);

  void succeeded(R value);

  void failed(Status status);

  /** Failed with {@code trailers} (rich error details) to keep; null if none. */
  default void failed(Status status, Metadata trailers) {
    failed(status);
  }

  /**
   * Whether this completion enforces the call's deadline and its caller's context itself (one
   * timer for all the calls of a call-all), so the call arms no timer of its own.
   */
  default boolean coversDeadline() {
    return false;
  }

  /**
   * The caller gave the call up itself (completed or cancelled its future): nobody waits for
   * the outcome, but observers still hear that it ended.
   */
  default void abandoned(Status status) {}

  /** The call could not start; its caller has not seen the future yet. */
  default void refused(Status status) {
    failed(status);
  }
}
