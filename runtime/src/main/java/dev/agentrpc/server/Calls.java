package dev.agentrpc.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Blocking helpers over the futures {@link Clients} returns; used by generated proxies. */
public final class Calls {
  private Calls() {}

  /**
   * Waits for {@code future} and returns its value, as a grpc-java blocking stub does.
   *
   * <p>If the waiting thread is interrupted the call is cancelled, the interrupt flag is
   * kept, and CANCELLED is thrown.
   *
   * @throws StatusRuntimeException with the call's status when it failed
   */
  public static <R> R await(CompletableFuture<R> future) {
    try {
      if (future instanceof CallFuture) {
        // Handed the outcome on this thread: no executor hop, and no dependence on the
        // callback executor having a free thread.
        return ((CallFuture<R>) future).awaitOutcome();
      }
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw Status.CANCELLED
          .withDescription("the calling thread was interrupted")
          .withCause(e)
          .asRuntimeException();
    } catch (ExecutionException e) {
      throw toStatusException(e.getCause());
    } catch (CancellationException e) {
      throw Status.CANCELLED.withDescription("the call was cancelled").asRuntimeException();
    }
  }

  /** The status a failed call's exception carries; CANCELLED for a cancellation. */
  public static Status statusOf(Throwable failure) {
    Throwable t = failure;
    if (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof CancellationException) {
      return Status.CANCELLED.withDescription("the call was cancelled");
    }
    return Status.fromThrowable(t);
  }

  private static StatusRuntimeException toStatusException(Throwable cause) {
    if (cause instanceof StatusRuntimeException) {
      // A fresh exception whose stack trace is the caller's, as a blocking stub's is; the
      // original's trace shows only the runtime thread that completed the future.
      StatusRuntimeException original = (StatusRuntimeException) cause;
      return original.getStatus().asRuntimeException(original.getTrailers());
    }
    return statusOf(cause).asRuntimeException();
  }
}
