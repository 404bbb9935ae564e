package dev.agentrpc.server;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.WireStatus;
import dev.agentrpc.proto.v1.Request;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One call to one client, from its start until its caller was told the outcome.
 *
 * <p>Exactly one of response, timeout, cancellation or disconnect ends it: each first claims
 * it (removes it from its client's pending table), and only the claimer goes on. Its request
 * waits in the client's command queue until written; a call that ends before that is never
 * written, and a cancel is sent only for a request that was.
 */
final class PendingCall<R> implements Runnable, Context.CancellationListener {
  private static final int QUEUED = 0;
  private static final int WRITTEN = 1;
  private static final int DROPPED = 2;
  /** What a queued request costs beyond its payload, for the queue's byte cap. */
  private static final int ENTRY_OVERHEAD_BYTES = 64;
  private static final AtomicIntegerFieldUpdater<PendingCall<?>> WRITE_STATE =
      newUpdater("writeState");
  private static final AtomicIntegerFieldUpdater<PendingCall<?>> SLOT_HELD = newUpdater("slotHeld");

  private final ConnectedClient client;
  private final long id;
  private final Parser<R> parser; // null: the reply stays bytes (see Clients.callHere)
  private final String requestTypeUrl;
  private final long deadlineNanos;
  private final long timeoutNanos;
  private final Completion<R> completion;
  private final int bytes;
  private Any payload; // cleared by whoever moves writeState off QUEUED
  private final Map<String, String> metadata; // null: none (the usual case)
  private volatile int writeState = QUEUED;
  private volatile int slotHeld = 1;
  private volatile boolean claimed;
  private volatile ScheduledFuture<?> timer;
  private volatile Context callerContext;

  PendingCall(
      ConnectedClient client,
      long id,
      Any payload,
      Map<String, String> metadata,
      Parser<R> parser,
      long timeoutNanos,
      long startNanos,
      Completion<R> completion) {
    this.client = client;
    this.id = id;
    this.payload = payload;
    this.metadata = metadata;
    this.parser = parser;
    this.requestTypeUrl = payload.getTypeUrl();
    this.timeoutNanos = timeoutNanos;
    this.deadlineNanos = startNanos + timeoutNanos;
    this.completion = completion;
    this.bytes = payload.getValue().size() + ENTRY_OVERHEAD_BYTES;
  }

  long id() {
    return id;
  }

  int bytes() {
    return bytes;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  void armTimer(ScheduledFuture<?> scheduled) {
    timer = scheduled;
    if (claimed) {
      scheduled.cancel(false);
    }
  }

  /** Cancels this call when {@code context} is cancelled; at once if it already is. */
  void watch(Context context) {
    callerContext = context;
    context.addListener(this, Runnable::run);
    if (claimed) {
      context.removeListener(this);
    }
  }

  // ---- outcomes; each runs only for the claimer ----

  /** The client answered; called after the response claimed this call. */
  void onResponse(Response response) {
    claimed();
    switch (response.getResultCase()) {
      case PAYLOAD:
        succeed(response.getPayload());
        break;
      case ERROR:
        if (response.getError().getCode() == Status.Code.OK.value()) {
          completion.failed(
              violation("an error whose code is OK (" + response.getError().getMessage() + ")"));
        } else {
          completion.failed(
              WireStatus.fromProto(response.getError()), WireStatus.trailers(response.getError()));
        }
        break;
      default:
        completion.failed(violation("a Response with neither a payload nor an error"));
    }
  }

  /** Ends a call already claimed by its response with {@code status}. */
  void onFailure(Status status) {
    completion.failed(status);
  }

  /** The connection ended; called after the disconnect claimed this call. */
  void onDisconnect(Status status) {
    claimed();
    dropIfQueued();
    completion.failed(status);
  }

  /** The deadline passed (the shared timer). No cancel is sent: the client has the same deadline. */
  @Override
  public void run() {
    if (claim()) {
      dropIfQueued();
      completion.failed(
          Status.DEADLINE_EXCEEDED.withDescription(
              "client '"
                  + client.name()
                  + "' did not answer "
                  + requestType()
                  + " within "
                  + formatNanos(timeoutNanos)));
    }
  }

  /** The caller's io.grpc.Context was cancelled or passed its deadline. */
  @Override
  public void cancelled(Context context) {
    cancel(contextCancelled(context));
  }

  /** The status of calls ended because their caller's {@code context} was cancelled. */
  static Status contextCancelled(Context context) {
    Status status = Contexts.statusFromCancelled(context);
    return status.withDescription(
        "the caller's context was cancelled"
            + (status.getDescription() == null ? "" : ": " + status.getDescription()));
  }

  /** Ends the call with {@code status} and cancels it on the client; false if it had ended. */
  boolean cancel(Status status) {
    if (!claim()) {
      return false;
    }
    cancelOnClient();
    completion.failed(status);
    return true;
  }

  /** The caller completed its future itself: cancel on the client, tell nobody. */
  void abandon() {
    if (claim()) {
      cancelOnClient();
      releaseSlot();
      completion.abandoned(Status.CANCELLED.withDescription("the caller gave up the call"));
    }
  }

  /** Gives back the client's in-flight slot; idempotent. */
  void releaseSlot() {
    if (SLOT_HELD.compareAndSet(this, 1, 0)) {
      client.releaseSlot();
    }
  }

  // ---- the command queue's side; called by the client's serializer only ----

  /**
   * The request to write now, with the time that remains as its timeout; null if the call
   * ended (or its deadline passed) before it could be written.
   */
  ServerToClient takeRequest(long nowNanos) {
    long remaining = deadlineNanos - nowNanos;
    if (remaining <= 0) {
      // The timer is about to fail it: never write a request whose caller has given up.
      dropIfQueued();
      return null;
    }
    if (!WRITE_STATE.compareAndSet(this, QUEUED, WRITTEN)) {
      return null;
    }
    Any body = payload;
    payload = null;
    Request.Builder request =
        Request.newBuilder().setId(id).setTimeout(Durations.fromNanos(remaining)).setPayload(body);
    if (metadata != null) {
      request.putAllMetadata(metadata);
    }
    return ServerToClient.newBuilder().setRequest(request).build();
  }

  boolean isDropped() {
    return writeState == DROPPED;
  }

  // ---- internals ----

  private boolean claim() {
    if (client.removePending(this)) {
      claimed();
      return true;
    }
    return false;
  }

  /** This call was claimed: stop its timer and stop watching the caller's context. */
  private void claimed() {
    claimed = true;
    stopWatching(timer, callerContext, this);
  }

  /** Cancels {@code timer} and removes {@code listener} from {@code context}; either may be null. */
  static void stopWatching(
      ScheduledFuture<?> timer, Context context, Context.CancellationListener listener) {
    if (timer != null) {
      timer.cancel(false);
    }
    if (context != null) {
      context.removeListener(listener);
    }
  }

  /** Takes the request out of the queue's byte count if it was not written; true if so. */
  private boolean dropIfQueued() {
    if (WRITE_STATE.compareAndSet(this, QUEUED, DROPPED)) {
      payload = null;
      client.droppedUnwritten(this);
      return true;
    }
    return false;
  }

  private void cancelOnClient() {
    if (!dropIfQueued() && writeState == WRITTEN) {
      client.sendCancel(id);
    }
  }

  @SuppressWarnings("unchecked")
  private void succeed(ByteString reply) {
    if (parser == null) {
      completion.succeeded((R) reply); // a call made for another replica, which parses it
      return;
    }
    R value;
    try {
      value = parse(parser, reply);
    } catch (InvalidProtocolBufferException e) {
      completion.failed(
          Status.INTERNAL.withDescription(
              "the reply of client '"
                  + client.name()
                  + "' to "
                  + requestType()
                  + " does not parse as the expected response type: "
                  + e.getMessage()));
      return;
    }
    completion.succeeded(value);
  }

  /** Parses a reply; its bytes fields share the reply's immutable bytes instead of copying them. */
  static <R> R parse(Parser<R> parser, ByteString reply) throws InvalidProtocolBufferException {
    CodedInputStream in = reply.newCodedInput();
    in.enableAliasing(true); // one payload-sized copy fewer per call
    return parser.parseFrom(in);
  }

  private Status violation(String what) {
    return Status.INTERNAL.withDescription(
        "client '"
            + client.name()
            + "' answered "
            + requestType()
            + " with "
            + what
            + ": a protocol violation by the client");
  }

  private String requestType() {
    return requestTypeUrl.substring(requestTypeUrl.lastIndexOf('/') + 1);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static AtomicIntegerFieldUpdater<PendingCall<?>> newUpdater(String field) {
    return (AtomicIntegerFieldUpdater) AtomicIntegerFieldUpdater.newUpdater(PendingCall.class, field);
  }

  static String formatNanos(long nanos) {
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + " s";
    }
    if (nanos >= 1_000_000L) {
      return nanos / 1_000_000L + " ms";
    }
    return nanos / 1_000L + " µs";
  }
}
