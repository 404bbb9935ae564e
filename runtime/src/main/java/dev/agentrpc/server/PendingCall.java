package dev.agentrpc.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One call awaiting a client's response. It is the future handed to the caller: cancelling
 * it sends cancel_id to the client.
 *
 * <p>Exactly one of response, failure, timeout or cancellation completes it: each first
 * removes the call from its session's pending table, and only the remover goes on.
 */
final class PendingCall<R> extends CompletableFuture<R>
    implements Runnable, Context.CancellationListener {
  private final ClientSession session;
  private final long id;
  private final Parser<R> parser;
  private final String requestTypeUrl;
  private final long timeoutNanos;
  private volatile Context callerContext;
  private volatile ScheduledFuture<?> timeout;

  PendingCall(
      ClientSession session, long id, Parser<R> parser, String requestTypeUrl, long timeoutNanos) {
    this.session = session;
    this.id = id;
    this.parser = parser;
    this.requestTypeUrl = requestTypeUrl;
    this.timeoutNanos = timeoutNanos;
  }

  long id() {
    return id;
  }

  /** Cancels this call when {@code context} is cancelled; fires at once if it already is. */
  void watchCallerContext(Context context) {
    callerContext = context;
    context.addListener(this, Runnable::run);
    if (isDone()) {
      context.removeListener(this);
    }
  }

  void armTimeout(ScheduledFuture<?> timer) {
    timeout = timer;
    if (isDone()) {
      timer.cancel(false);
    }
  }

  /** Completes with the client's payload; called once the call was removed from pending. */
  void succeed(ByteString payload) {
    release();
    R value;
    try {
      // Aliasing: the reply's bytes fields share the payload's immutable bytes instead of
      // copying them (one payload-sized copy fewer per call).
      CodedInputStream in = payload.newCodedInput();
      in.enableAliasing(true);
      value = parser.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      super.completeExceptionally(
          Status.INTERNAL
              .withDescription(
                  "the reply of client '"
                      + session.name()
                      + "' to "
                      + requestType()
                      + " does not parse as the expected response type: "
                      + e.getMessage())
              .asRuntimeException());
      return;
    }
    super.complete(value);
  }

  /** Fails with {@code status}; called once the call was removed from pending. */
  void fail(Status status) {
    release();
    super.completeExceptionally(status.asRuntimeException());
  }

  /** The deadline fired. */
  @Override
  public void run() {
    if (session.removePending(this)) {
      fail(
          Status.DEADLINE_EXCEEDED.withDescription(
              "client '"
                  + session.name()
                  + "' did not answer "
                  + requestType()
                  + " within "
                  + formatNanos(timeoutNanos)));
    }
  }

  /** The caller's io.grpc.Context was cancelled or passed its deadline. */
  @Override
  public void cancelled(Context context) {
    Status status = Contexts.statusFromCancelled(context);
    if (session.removePending(this)) {
      session.sendCancel(id);
      fail(
          status.withDescription(
              "the caller's context was cancelled"
                  + (status.getDescription() == null ? "" : ": " + status.getDescription())));
    }
  }

  /** Cancels the call: the client is sent cancel_id and its handler's Context is cancelled. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    abandon();
    return super.cancel(mayInterruptIfRunning);
  }

  /** The caller completed the future itself: the call is cancelled on the client. */
  @Override
  public boolean complete(R value) {
    abandon();
    return super.complete(value);
  }

  /**
   * The caller failed the future itself (so also {@code orTimeout}): the call is cancelled
   * on the client.
   */
  @Override
  public boolean completeExceptionally(Throwable failure) {
    abandon();
    return super.completeExceptionally(failure);
  }

  private void abandon() {
    if (session.removePending(this)) {
      release();
      session.sendCancel(id);
    }
  }

  private String requestType() {
    return requestTypeUrl.substring(requestTypeUrl.lastIndexOf('/') + 1);
  }

  private void release() {
    ScheduledFuture<?> timer = timeout;
    if (timer != null) {
      timer.cancel(false);
    }
    Context context = callerContext;
    if (context != null) {
      context.removeListener(this);
    }
  }

  static String formatNanos(long nanos) {
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + " s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + " ms";
    }
    return String.format("%.3f ms", nanos / 1e6);
  }
}
