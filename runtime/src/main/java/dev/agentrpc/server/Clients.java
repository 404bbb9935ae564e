package dev.agentrpc.server;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.agentrpc.internal.ClientNames;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.MessageLimits;
import dev.agentrpc.proto.v1.ClientToServer;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's view of its connected clients, and the way to call them.
 *
 * <p>Transports {@link #join} clients as they connect; callers {@link #call} one client by
 * name or {@link #callAll} of them. Clients owns request ids, pending calls, deadlines and
 * cancellation. Every returned future completes: with the reply, or exceptionally with a
 * {@link io.grpc.StatusRuntimeException} (NOT_FOUND for an unknown client, DEADLINE_EXCEEDED
 * after the timeout, UNAVAILABLE when the client disconnects, RESOURCE_EXHAUSTED beyond the
 * per-client in-flight bound, or the status the client's handler failed with). Cancelling
 * a returned future, or the caller's {@link Context}, cancels the call on the client.
 *
 * <p>Futures are completed on the transport's thread: attach only quick, non-blocking
 * stages directly, or use the {@code *Async(fn, executor)} forms.
 *
 * <p>Thread-safe. Usually one per controller, shared by every transport and proxy.
 */
public final class Clients implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Clients.class);

  private final ConcurrentHashMap<String, ClientSession> sessions = new ConcurrentHashMap<>();
  private final List<ClientListener> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder unknownResponses = new LongAdder();
  private final Duration defaultTimeout;
  private final int maxInFlightPerClient;
  private final int maxRequestBytes;
  private volatile boolean closed;

  private Clients(Builder builder) {
    this.defaultTimeout = builder.defaultTimeout;
    this.maxInFlightPerClient = builder.maxInFlightPerClient;
    this.maxRequestBytes = builder.maxRequestBytes;
  }

  /** A Clients with the default options. */
  public static Clients create() {
    return newBuilder().build();
  }

  /** A builder of Clients with non-default options. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The timeout of calls that are given none. */
  public Duration defaultTimeout() {
    return defaultTimeout;
  }

  /** The names of the clients connected now, sorted. */
  public Set<String> names() {
    return Collections.unmodifiableSet(new TreeSet<>(sessions.keySet()));
  }

  /** Whether a client named {@code name} is connected now. */
  public boolean isConnected(String name) {
    return sessions.containsKey(name);
  }

  /**
   * Calls {@code listener} on every join and leave from now on, until the returned
   * subscription is closed.
   */
  public Subscription subscribe(ClientListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Calls one client with the {@linkplain #defaultTimeout() default timeout}. */
  public <R> CompletableFuture<R> call(String client, Message request, Parser<R> responseParser) {
    return call(client, request, responseParser, defaultTimeout);
  }

  /**
   * Calls the client named {@code client}: sends {@code request}, and completes the returned
   * future with the reply parsed by {@code responseParser}.
   *
   * <p>The call's deadline is {@code timeout} from now, or the caller's {@link Context}
   * deadline when that is sooner. Cancelling the future sends cancel_id to the client.
   */
  public <R> CompletableFuture<R> call(
      String client, Message request, Parser<R> responseParser, Duration timeout) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseParser, "responseParser");
    long timeoutNanos = timeoutNanos(timeout);
    ClientSession session = sessions.get(Objects.requireNonNull(client, "client"));
    if (session == null) {
      return failed(
          Status.NOT_FOUND.withDescription(
              "no client named '" + client + "' is connected; Clients.names() lists those that are"));
    }
    Any payload = Any.pack(request);
    Status tooLarge = checkSize(payload);
    if (tooLarge != null) {
      return failed(tooLarge);
    }
    return start(session, payload, responseParser, timeoutNanos);
  }

  /** Calls every connected client with the {@linkplain #defaultTimeout() default timeout}. */
  public <R> CompletableFuture<List<Result<R>>> callAll(Message request, Parser<R> responseParser) {
    return callAll(request, responseParser, defaultTimeout);
  }

  /**
   * Calls every client connected now with {@code request}, each with its own deadline of
   * {@code timeout}, and completes with one {@link Result} per client in no particular
   * order once all have answered, failed or timed out. A slow or failing client never
   * delays the others' results past the timeout. With no client connected the list is
   * empty. Cancelling the returned future cancels every call.
   */
  public <R> CompletableFuture<List<Result<R>>> callAll(
      Message request, Parser<R> responseParser, Duration timeout) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseParser, "responseParser");
    long timeoutNanos = timeoutNanos(timeout);
    Any payload = Any.pack(request);
    Status tooLarge = checkSize(payload);
    if (tooLarge != null) {
      return failed(tooLarge);
    }
    List<ClientSession> targets = new ArrayList<>(sessions.values());
    CallAllFuture<R> all = new CallAllFuture<>(targets.size());
    for (int i = 0; i < targets.size(); i++) {
      ClientSession session = targets.get(i);
      all.add(i, session.name(), start(session, payload, responseParser, timeoutNanos));
    }
    return all;
  }

  /** The number of calls awaiting a response, over all clients. */
  public int pendingCalls() {
    int total = 0;
    for (ClientSession session : sessions.values()) {
      total += session.inFlight();
    }
    return total;
  }

  /** Responses received whose id matched no pending call (late, cancelled, or bogus). */
  public long unknownResponses() {
    return unknownResponses.sum();
  }

  /**
   * Transport SPI: admits a client that said {@code hello} on a connection whose outbound
   * half is {@code sink}. A connection already joined under the same name is closed as
   * stale and its pending calls fail at once.
   *
   * @throws StatusException INVALID_ARGUMENT for a bad name; UNAVAILABLE once closed
   */
  public ClientSession join(ClientToServer.Hello hello, ClientSink sink) throws StatusException {
    String problem = ClientNames.problem(hello.getName());
    if (problem != null) {
      throw Status.INVALID_ARGUMENT.withDescription(problem).asException();
    }
    if (closed) {
      throw Status.UNAVAILABLE.withDescription("the server is shutting down").asException();
    }
    ClientSession session =
        new ClientSession(this, hello.getName(), hello.getNextId(), sink, maxInFlightPerClient);
    ClientSession stale = sessions.put(session.name(), session);
    if (stale != null) {
      logger.info("client '{}' rejoined; closing its stale connection", session.name());
      stale.replace();
      notifyListeners(stale.name(), false);
    }
    if (closed) {
      session.shutdown();
      sessions.remove(session.name(), session);
      throw Status.UNAVAILABLE.withDescription("the server is shutting down").asException();
    }
    logger.debug("client '{}' joined", session.name());
    notifyListeners(session.name(), true);
    return session;
  }

  /**
   * Fails every pending call with UNAVAILABLE, closes every client connection and refuses
   * new ones. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    for (ClientSession session : sessions.values()) {
      if (sessions.remove(session.name(), session)) {
        session.shutdown();
        notifyListeners(session.name(), false);
      }
    }
  }

  void leave(ClientSession session) {
    if (sessions.remove(session.name(), session)) {
      logger.debug("client '{}' left", session.name());
      notifyListeners(session.name(), false);
    }
  }

  void countUnknownResponse() {
    unknownResponses.increment();
  }

  private <R> CompletableFuture<R> start(
      ClientSession session, Any payload, Parser<R> parser, long timeoutNanos) {
    Context context = Context.current();
    if (context == Context.ROOT) {
      return session.start(payload, parser, timeoutNanos, null);
    }
    Deadline deadline = context.getDeadline();
    if (deadline != null) {
      timeoutNanos = Math.min(timeoutNanos, deadline.timeRemaining(TimeUnit.NANOSECONDS));
      if (timeoutNanos <= 0) {
        return failed(
            Status.DEADLINE_EXCEEDED.withDescription(
                "the caller's deadline had already expired before calling client '"
                    + session.name()
                    + "'"));
      }
    }
    return session.start(payload, parser, timeoutNanos, context);
  }

  private Status checkSize(Any payload) {
    int size = payload.getValue().size();
    if (size <= maxRequestBytes) {
      return null;
    }
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "the "
            + payload.getTypeUrl().substring(payload.getTypeUrl().lastIndexOf('/') + 1)
            + " request is "
            + size
            + " bytes; the limit is "
            + maxRequestBytes
            + " (Clients.Builder.maxRequestBytes, and the agents' inbound message limit)");
  }

  private void notifyListeners(String client, boolean joined) {
    for (ClientListener listener : listeners) {
      try {
        if (joined) {
          listener.onJoin(client);
        } else {
          listener.onLeave(client);
        }
      } catch (RuntimeException e) {
        logger.warn("ClientListener {} threw on {} of '{}'", listener, joined ? "join" : "leave", client, e);
      }
    }
  }

  private static long timeoutNanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return Durations.toNanos(timeout);
  }

  private static <R> CompletableFuture<R> failed(Status status) {
    return CompletableFuture.failedFuture(status.asRuntimeException());
  }

  /** Ends a {@link #subscribe} subscription. */
  @FunctionalInterface
  public interface Subscription extends AutoCloseable {
    /** Stops the listener's notifications; idempotent. */
    @Override
    void close();
  }

  /** Options of a {@link Clients}. */
  public static final class Builder {
    private Duration defaultTimeout = Duration.ofSeconds(30);
    private int maxInFlightPerClient = 1024;
    private int maxRequestBytes = MessageLimits.DEFAULT_MAX_PAYLOAD_BYTES;

    private Builder() {}

    /** The timeout of calls that are given none; 30 seconds unless set. */
    public Builder defaultTimeout(Duration timeout) {
      timeoutNanos(timeout);
      this.defaultTimeout = timeout;
      return this;
    }

    /**
     * How many calls to one client may await a response at once; beyond it a call fails
     * fast with RESOURCE_EXHAUSTED. 1024 unless set.
     */
    public Builder maxInFlightPerClient(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxInFlightPerClient must be at least 1, was " + max);
      }
      this.maxInFlightPerClient = max;
      return this;
    }

    /**
     * The largest serialized request sent; a larger one fails at once with
     * RESOURCE_EXHAUSTED instead of breaking the agent's stream. Just under 4 MiB (gRPC's
     * default inbound limit) unless set; raise it only with the agents' channel limit.
     */
    public Builder maxRequestBytes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRequestBytes must be at least 1, was " + max);
      }
      this.maxRequestBytes = max;
      return this;
    }

    /** A new Clients with these options. */
    public Clients build() {
      return new Clients(this);
    }
  }
}
