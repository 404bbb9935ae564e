package dev.agentrpc.server;

import com.google.protobuf.Any;
import com.google.protobuf.Parser;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.internal.WireStatus;
import dev.agentrpc.proto.v1.Request;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Context;
import io.grpc.Status;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Transport SPI: one joined client connection as {@link Clients} sees it. The transport
 * feeds it the client's responses and tells it when the connection ends.
 *
 * <p>Obtained from {@link Clients#join}. Thread-safe.
 */
public final class ClientSession {
  private static final com.google.protobuf.Duration NO_TIMEOUT =
      com.google.protobuf.Duration.getDefaultInstance();

  private final Clients clients;
  private final String name;
  private final ClientSink sink;
  private final int maxInFlight;
  private final AtomicLong nextId;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentHashMap<Long, PendingCall<?>> pending = new ConcurrentHashMap<>();
  private volatile Status closedWith;
  private volatile com.google.protobuf.Duration lastTimeout = NO_TIMEOUT;

  ClientSession(Clients clients, String name, long firstId, ClientSink sink, int maxInFlight) {
    this.clients = clients;
    this.name = name;
    this.sink = sink;
    this.maxInFlight = maxInFlight;
    this.nextId = new AtomicLong(firstId);
  }

  /** The client's name, as it said in Hello. */
  public String name() {
    return name;
  }

  /** Hands a response from the client to the call awaiting it; unknown ids are counted, not failed. */
  public void onResponse(Response response) {
    PendingCall<?> call = pending.remove(response.getId());
    if (call == null) {
      clients.countUnknownResponse();
      return;
    }
    inFlight.decrementAndGet();
    if (response.getResultCase() == Response.ResultCase.ERROR) {
      call.fail(WireStatus.fromProto(response.getError()));
    } else {
      call.succeed(response.getPayload());
    }
  }

  /**
   * The connection ended: leaves {@link Clients} and fails every pending call at once with
   * UNAVAILABLE. Idempotent.
   *
   * @param cause why the connection ended, for the failed calls' description
   */
  public void onDisconnect(Status cause) {
    String why =
        cause.getDescription() != null
            ? cause.getCode() + ": " + cause.getDescription()
            : cause.getCode().toString();
    close(Status.UNAVAILABLE.withDescription("client '" + name + "' disconnected (" + why + ")"));
    clients.leave(this);
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Starts one call; the returned future is already failed when the call cannot be sent. */
  <R> PendingCall<R> start(
      Any payload, Parser<R> parser, long timeoutNanos, Context callerContext) {
    long id = nextId.getAndIncrement();
    PendingCall<R> call = new PendingCall<>(this, id, parser, payload.getTypeUrl(), timeoutNanos);
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      call.fail(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "client '"
                  + name
                  + "' already has "
                  + maxInFlight
                  + " calls in flight; retry later or raise Clients.Builder.maxInFlightPerClient"));
      return call;
    }
    pending.put(id, call);
    Status closed = closedWith;
    if (closed != null) {
      if (removePending(call)) {
        call.fail(closed);
      }
      return call;
    }
    call.armTimeout(SharedTimer.get().schedule(call, timeoutNanos, TimeUnit.NANOSECONDS));
    if (callerContext != null) {
      call.watchCallerContext(callerContext);
    }
    sink.send(
        ServerToClient.newBuilder()
            .setRequest(
                Request.newBuilder()
                    .setId(id)
                    .setTimeout(timeoutProto(timeoutNanos))
                    .setPayload(payload))
            .build());
    return call;
  }

  /** Callers mostly pass the same timeout: reuse its (immutable) proto form. */
  private com.google.protobuf.Duration timeoutProto(long nanos) {
    com.google.protobuf.Duration last = lastTimeout;
    if (Durations.toNanos(last) != nanos) {
      last = Durations.fromNanos(nanos);
      lastTimeout = last;
    }
    return last;
  }

  /** Removes {@code call} from pending; true for exactly one caller. */
  boolean removePending(PendingCall<?> call) {
    if (pending.remove(call.id(), call)) {
      inFlight.decrementAndGet();
      return true;
    }
    return false;
  }

  void sendCancel(long id) {
    sink.send(ServerToClient.newBuilder().setCancelId(id).build());
  }

  /** Fails every pending call with {@code status} and refuses new ones. Idempotent. */
  void close(Status status) {
    if (closedWith != null) {
      return;
    }
    closedWith = status;
    for (PendingCall<?> call : pending.values()) {
      if (removePending(call)) {
        call.fail(status);
      }
    }
  }

  /** A newer connection took this name: fail pending calls and close the stale connection. */
  void replace() {
    close(
        Status.UNAVAILABLE.withDescription(
            "client '" + name + "' reconnected; calls on its replaced connection were dropped"));
    sink.close(
        Status.ABORTED.withDescription(
            "replaced by a newer connection with the same name '" + name + "'"));
  }

  /** The server is shutting down. */
  void shutdown() {
    close(Status.UNAVAILABLE.withDescription("the server is shutting down"));
    sink.close(Status.UNAVAILABLE.withDescription("the server is shutting down"));
  }

  @Override
  public String toString() {
    return "ClientSession{" + name + ", inFlight=" + inFlight.get() + "}";
  }
}
