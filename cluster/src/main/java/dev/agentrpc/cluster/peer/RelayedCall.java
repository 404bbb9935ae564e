package dev.agentrpc.cluster.peer;

import dev.agentrpc.cluster.proto.v1.ForwardResponse;
import dev.agentrpc.server.spi.RemoteCall;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call forwarded over a {@link RelayStream}: ends at its reply, its deadline, its
 * caller's cancellation or the stream's end, whichever comes first, and tells its listener
 * exactly once.
 */
final class RelayedCall implements RemoteCall, Runnable, Context.CancellationListener {
  private final RelayStream stream;
  private final long id;
  private final String client;
  private final RemoteCall.Listener listener;
  private final AtomicBoolean told = new AtomicBoolean();
  private volatile ScheduledFuture<?> deadline;
  private volatile Context context;

  RelayedCall(RelayStream stream, long id, String client, RemoteCall.Listener listener) {
    this.stream = stream;
    this.id = id;
    this.client = client;
    this.listener = listener;
  }

  /** Ends the call with DEADLINE_EXCEEDED {@code timeoutNanos} from now, or when {@code caller} is cancelled. */
  void watch(Context caller, long timeoutNanos, ScheduledExecutorService timer) {
    deadline = timer.schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
    if (caller != Context.ROOT) {
      context = caller;
      caller.addListener(this, Runnable::run);
    }
    if (told.get()) {
      unwatch(); // it ended meanwhile, before there was anything to undo
    }
  }

  /** The deadline passed: the serving replica ends the call there at the same deadline, nothing is sent. */
  @Override
  public void run() {
    if (end()) {
      stream.forget(id);
      listener.onFailure(
          Status.DEADLINE_EXCEEDED.withDescription(
              "client '" + client + "', held by replica " + stream.replica() + ", did not answer within the call's timeout"),
          new Metadata());
    }
  }

  /** The caller's Context was cancelled. */
  @Override
  public void cancelled(Context caller) {
    Status status = Contexts.statusFromCancelled(caller);
    cancel(status == null ? Status.CANCELLED.withDescription("the caller's Context was cancelled") : status);
  }

  @Override
  public void cancel(Status status) {
    if (end()) {
      stream.cancel(id, status.getDescription() == null ? status.getCode().toString() : status.getDescription());
      listener.onFailure(status, new Metadata());
    }
  }

  /** The serving replica's outcome arrived. */
  void answered(ForwardResponse response) {
    if (!end()) {
      return;
    }
    if (response.hasError()) {
      com.google.rpc.Status error = response.getError();
      if (error.getCode() == Status.Code.OK.value()) {
        error = error.toBuilder().setCode(Status.Code.UNKNOWN.value()).build();
      }
      var failure = StatusProto.toStatusRuntimeException(error);
      listener.onFailure(failure.getStatus(), failure.getTrailers());
    } else if (response.hasReply()) {
      listener.onReply(response.getReply());
    } else {
      listener.onFailure(
          Status.INTERNAL.withDescription("replica " + stream.replica() + " at " + stream.address()
              + " answered a forwarded call to client '" + client + "' with nothing"),
          new Metadata());
    }
  }

  /** The stream ended with {@code status} before the outcome arrived. */
  void streamEnded(Status status) {
    fail(describe(status));
  }

  /** Ends the call with {@code status}, as it is. */
  void fail(Status status) {
    if (end()) {
      listener.onFailure(status, new Metadata());
    }
  }

  private boolean end() {
    if (!told.compareAndSet(false, true)) {
      return false;
    }
    unwatch();
    return true;
  }

  private void unwatch() {
    ScheduledFuture<?> timer = deadline;
    if (timer != null) {
      timer.cancel(false);
    }
    Context caller = context;
    if (caller != null) {
      caller.removeListener(this);
    }
  }

  /** A failure of the hop between replicas, worded for the caller (the client's own failures arrive in-band). */
  private Status describe(Status status) {
    String where = "replica " + stream.replica() + " at " + stream.address() + ", which holds client '" + client + "'";
    switch (status.getCode()) {
      case UNAVAILABLE:
      case CANCELLED: // the stream, not the call: the serving replica reset it or is stopping
        return Status.UNAVAILABLE.withCause(status.getCause()).withDescription(
            where + ", is unreachable (" + status.getDescription() + "); the client is callable again once it"
                + " reconnects to a live replica");
      default:
        return status.withDescription("forwarding to " + where + " failed: " + status.getDescription());
    }
  }
}
