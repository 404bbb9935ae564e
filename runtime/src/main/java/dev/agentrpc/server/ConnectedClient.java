package dev.agentrpc.server;

import com.google.protobuf.Any;
import com.google.protobuf.Parser;
import dev.agentrpc.internal.BatchingExecutor;
import dev.agentrpc.internal.RateLimitedLog;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.server.spi.ClientSession;
import dev.agentrpc.server.spi.ClientSink;
import io.grpc.Context;
import io.grpc.Status;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.slf4j.LoggerFactory;

/**
 * One joined client connection: its request ids, its pending calls, the in-flight bound and
 * the commands waiting for its connection. Writes and closes run on the connection's
 * serializer; everything else is lock-free.
 */
final class ConnectedClient implements ClientSession, Runnable {
  private static final RateLimitedLog rateLimited =
      new RateLimitedLog(LoggerFactory.getLogger(ConnectedClient.class));

  private final Clients clients;
  private final String name;
  private final String identity;
  private final Map<String, String> labels;
  private final long joinedAtMillis;
  private final long connection;
  private final ClientSink sink;
  private final int maxInFlight;
  // Field updaters rather than atomic objects: a controller holds one of these per agent.
  private static final AtomicLongFieldUpdater<ConnectedClient> NEXT_ID =
      AtomicLongFieldUpdater.newUpdater(ConnectedClient.class, "nextId");
  private static final AtomicIntegerFieldUpdater<ConnectedClient> SLOTS =
      AtomicIntegerFieldUpdater.newUpdater(ConnectedClient.class, "slots");
  private static final AtomicIntegerFieldUpdater<ConnectedClient> DRAIN_SCHEDULED =
      AtomicIntegerFieldUpdater.newUpdater(ConnectedClient.class, "drainScheduled");
  private static final AtomicReferenceFieldUpdater<ConnectedClient, BatchingExecutor> DELIVERIES =
      AtomicReferenceFieldUpdater.newUpdater(ConnectedClient.class, BatchingExecutor.class, "deliveries");

  private volatile long nextId;
  /** Calls started and not yet delivered to their callers: the in-flight bound counts these. */
  private volatile int slots;
  private final ConcurrentHashMap<Long, PendingCall<?>> pending = new ConcurrentHashMap<>();
  private final CommandQueue outbound;
  private volatile int drainScheduled; // 1 while a drain (this, as a Runnable) is queued on the serializer
  private volatile BatchingExecutor deliveries; // made at the first call's completion
  private volatile Status closedWith;
  private boolean sinkClosed; // serializer only

  ConnectedClient(
      Clients clients,
      String name,
      String identity,
      Map<String, String> labels,
      long connection,
      long firstId,
      ClientSink sink,
      int maxInFlight,
      long maxQueuedBytes) {
    this.clients = clients;
    this.name = name;
    this.identity = identity;
    this.labels = labels;
    this.joinedAtMillis = System.currentTimeMillis();
    this.connection = connection;
    this.sink = sink;
    this.maxInFlight = maxInFlight;
    this.nextId = firstId;
    this.outbound = new CommandQueue(maxQueuedBytes);
  }

  @Override
  public String name() {
    return name;
  }

  String identity() {
    return identity;
  }

  Map<String, String> labels() {
    return labels;
  }

  ClientInfo info() {
    return new ClientInfo(name, identity, labels, Instant.ofEpochMilli(joinedAtMillis), connection);
  }

  long connection() {
    return connection;
  }

  /**
   * The callback executor, as this connection's calls complete on it: the outcomes one read
   * of the connection brought are handed off together.
   */
  Executor deliveries() {
    BatchingExecutor current = deliveries;
    if (current == null) {
      // Made on first use, so an agent never called holds none; one per connection after.
      BatchingExecutor made = new BatchingExecutor(clients.callbackExecutor());
      current = DELIVERIES.compareAndSet(this, null, made) ? made : deliveries;
    }
    return current;
  }

  @Override
  public void onResponse(Response response) {
    PendingCall<?> call = pending.remove(response.getId());
    if (call == null) {
      clients.countUnknownResponse();
      return;
    }
    try {
      call.onResponse(response);
    } catch (RuntimeException e) {
      // The call is claimed: whatever went wrong, it must still end.
      call.onFailure(
          Status.INTERNAL.withDescription("client '" + name + "' sent a response this runtime could not read: " + e));
    }
  }

  @Override
  public void onReady() {
    scheduleDrain();
  }

  @Override
  public void onDisconnect(Status cause) {
    String why =
        cause.getDescription() != null
            ? cause.getCode() + ": " + cause.getDescription()
            : cause.getCode().toString();
    failAll(Status.UNAVAILABLE.withDescription("client '" + name + "' disconnected (" + why + ")"));
    clients.leave(this);
  }

  int pendingCalls() {
    return pending.size();
  }

  long queuedBytes() {
    return outbound.queuedBytes();
  }

  /**
   * Starts one call whose outcome goes to {@code completion}; returns null (with {@code
   * completion} already told) when it cannot start.
   */
  <R> PendingCall<R> start(
      Any payload, Parser<R> parser, long timeoutNanos, Context callerContext, Completion<R> completion) {
    return start(payload, Map.of(), parser, timeoutNanos, callerContext, completion);
  }

  /**
   * Starts a call as {@link #start(Any, Parser, long, Context, Completion)} does, its request
   * carrying {@code inbound} (what another replica's observers put) over what this one's put.
   */
  <R> PendingCall<R> start(
      Any payload,
      Map<String, String> inbound,
      Parser<R> parser,
      long timeoutNanos,
      Context callerContext,
      Completion<R> completion) {
    if (SLOTS.incrementAndGet(this) > maxInFlight) {
      SLOTS.decrementAndGet(this);
      Status full =
          Status.RESOURCE_EXHAUSTED.withDescription(
              "client '"
                  + name
                  + "' already has "
                  + maxInFlight
                  + " calls in flight; retry later or raise Clients.Builder.maxInFlightPerClient");
      if (!clients.observers().isEmpty()) {
        clients.observers().refused(name, payload.getTypeUrl(), full);
      }
      completion.refused(full);
      return null;
    }
    Map<String, String> metadata = inbound.isEmpty() ? null : inbound;
    Observers observers = clients.observers();
    if (!observers.isEmpty()) {
      Map<String, String> outbound = new HashMap<>();
      List<CallObserver.Call> observed = observers.start(name, payload.getTypeUrl(), outbound);
      outbound.putAll(inbound); // the forwarding replica's trace context is the call's
      metadata = outbound.isEmpty() ? null : outbound;
      if (!observed.isEmpty()) {
        completion = new ObservedCompletion<>(completion, observed);
      }
    }
    long id = NEXT_ID.getAndIncrement(this);
    PendingCall<R> call =
        new PendingCall<>(this, id, payload, metadata, parser, timeoutNanos, System.nanoTime(), completion);
    completion.bind(call);
    if (!outbound.offer(call)) {
      call.releaseSlot();
      completion.refused(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "client '"
                  + name
                  + "' is not reading: "
                  + outbound.queuedBytes()
                  + " bytes of requests already wait for its connection; retry later or raise"
                  + " Clients.Builder.maxQueuedBytesPerClient"));
      return null;
    }
    pending.put(id, call);
    Status closed = closedWith;
    if (closed != null) {
      call.cancel(closed);
      return call;
    }
    if (!completion.coversDeadline()) {
      call.armTimer(SharedTimer.get().schedule(call, timeoutNanos, TimeUnit.NANOSECONDS));
      if (callerContext != null) {
        call.watch(callerContext);
      }
    }
    scheduleDrain();
    return call;
  }

  /** Removes {@code call} from pending; true for exactly one caller. */
  boolean removePending(PendingCall<?> call) {
    return pending.remove(call.id(), call);
  }

  void releaseSlot() {
    SLOTS.decrementAndGet(this);
  }

  void droppedUnwritten(PendingCall<?> call) {
    if (outbound.dropped(call)) {
      sink.serializer().execute(outbound::sweep);
    }
  }

  void sendCancel(long id) {
    if (closedWith == null) {
      outbound.offerCancel(ServerToClient.newBuilder().setCancelId(id).build());
      scheduleDrain();
    }
  }

  /** A newer connection took this name: fail pending calls and close this connection. */
  void replace() {
    rateLimited.warn(
        "replaced",
        "client '"
            + name
            + "' connected again while connected; closing its older connection (two agents"
            + " sharing one name take turns: give each a unique name)");
    failAll(
        Status.UNAVAILABLE.withDescription(
            "client '" + name + "' reconnected; calls on its replaced connection were dropped"));
    closeSink(
        Status.ABORTED.withDescription(
            "replaced by a newer connection with the same name '" + name + "'"));
  }

  /** The server is shutting down. */
  /** Another replica holds a newer connection under this name: close this one. */
  void evict(String why) {
    failAll(
        Status.UNAVAILABLE.withDescription(
            "client '" + name + "' moved to another replica (" + why + "); its calls here were dropped"));
    closeSink(Status.ABORTED.withDescription("replaced by a newer connection with the same name '" + name + "' on another replica: " + why));
  }

  void shutdown() {
    Status status = Status.UNAVAILABLE.withDescription("the server is shutting down");
    failAll(status);
    closeSink(status);
  }

  private void scheduleDrain() {
    if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
      sink.serializer().execute(this);
    }
  }

  /** The queued drain: writes what waits while the connection takes it. Serializer only. */
  @Override
  public void run() {
    drainScheduled = 0;
    if (sinkClosed) {
      return;
    }
    while (sink.isReady()) {
      ServerToClient next = outbound.poll(System.nanoTime());
      if (next == null) {
        return;
      }
      sink.write(next);
    }
  }

  /** Fails every pending call with {@code status} and refuses new ones. Idempotent. */
  private void failAll(Status status) {
    if (closedWith != null) {
      return;
    }
    closedWith = status;
    for (PendingCall<?> call : pending.values()) {
      if (removePending(call)) {
        call.onDisconnect(status);
      }
    }
    sink.serializer().execute(outbound::clear);
  }

  private void closeSink(Status status) {
    sink.serializer().execute(
        () -> {
          if (!sinkClosed) {
            sinkClosed = true;
            sink.close(status);
          }
        });
  }

  @Override
  public String toString() {
    return "ConnectedClient{" + name + ", pending=" + pending.size() + "}";
  }
}
