package dev.agentrpc.server;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.agentrpc.internal.CallbackPool;
import dev.agentrpc.internal.ClientLabels;
import dev.agentrpc.internal.ClientNames;
import dev.agentrpc.internal.ClientsAccess;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.MessageLimits;
import dev.agentrpc.internal.SerialExecutor;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.server.spi.ClientSession;
import dev.agentrpc.server.spi.ClientSink;
import dev.agentrpc.server.spi.RemoteCall;
import dev.agentrpc.server.spi.RemoteClients;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's view of its connected clients, and the way to call them.
 *
 * <p>Transports admit clients as they connect; callers {@link #call} one client by name or
 * {@link #callAll} of them. Clients owns request ids, pending calls, deadlines and
 * cancellation. Every returned future completes: with the reply, or exceptionally with a
 * {@link io.grpc.StatusRuntimeException} (NOT_FOUND for an unknown client, DEADLINE_EXCEEDED
 * after the timeout, UNAVAILABLE when the client disconnects, RESOURCE_EXHAUSTED beyond the
 * per-client in-flight or queued-bytes bound, CANCELLED when the caller cancelled, or the
 * status the client's handler failed with). Cancelling a returned future, or the caller's
 * {@link Context}, cancels the call on the client.
 *
 * <p>Futures complete, and so run the stages attached to them, on the {@linkplain
 * Builder#callbackExecutor callback executor}: never on a transport or timer thread unless
 * you chose a direct executor. A caller waiting in {@link Calls#await} is handed its
 * outcome directly instead. Listeners run on the same executor, one event at a time, in the
 * order the joins and leaves happened.
 *
 * <p>Thread-safe. Usually one per controller, shared by every transport and proxy.
 */
public final class Clients implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Clients.class);
  /** Listener events that may wait for a slow listener before new ones are dropped. */
  private static final int MAX_QUEUED_EVENTS = 65_536;

  static {
    ClientsAccess.install(
        new ClientsAccess() {
          @Override
          protected ClientSession doJoin(
              Clients clients, ClientToServer.Hello hello, String identity, ClientSink sink)
              throws StatusException {
            return clients.join(hello, identity, sink);
          }

          @Override
          protected void doWhenClosed(Clients clients, Runnable task) {
            clients.whenClosed(task);
          }

          @Override
          protected CompletableFuture<ByteString> doCallHere(
              Clients clients, String client, Any payload, Map<String, String> metadata, Duration timeout) {
            return clients.callHere(client, payload, metadata, timeout);
          }

          @Override
          protected boolean doEvict(Clients clients, String client, long connection, String why) {
            return clients.evict(client, connection, why);
          }

          @Override
          protected void doRefused(Clients clients, String client, Status status) {
            clients.refused(client, status);
          }
        });
  }

  private final ConcurrentHashMap<String, ConnectedClient> sessions = new ConcurrentHashMap<>();
  private final List<ClientListener> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> closeTasks = new CopyOnWriteArrayList<>();
  private final LongAdder unknownResponses = new LongAdder();
  private final Object membership = new Object();
  /**
   * Held while a join or leave changes {@link #sessions} and queues its event; an event's
   * delivery passes through it first, so a listener never hears of a change the map does not
   * show yet (another thread's flush may start delivering while the change is half made).
   */
  private final Object changes = new Object();
  private final Duration defaultTimeout;
  private final int maxInFlightPerClient;
  private final int maxRequestBytes;
  private final long maxQueuedBytesPerClient;
  private final Executor callbackExecutor;
  private final RemoteClients remote; // null unless this is one replica of several
  private final Observers observers;
  private final AtomicLong connections = new AtomicLong();
  private final SerialExecutor events;
  private volatile boolean closed;

  private Clients(Builder builder) {
    this.defaultTimeout = builder.defaultTimeout;
    this.maxInFlightPerClient = builder.maxInFlightPerClient;
    this.maxRequestBytes = builder.maxRequestBytes;
    this.maxQueuedBytesPerClient = builder.maxQueuedBytesPerClient;
    this.callbackExecutor = builder.callbackExecutor;
    this.remote = builder.remote;
    this.observers = new Observers(builder.observers);
    this.events = new SerialExecutor(callbackExecutor, MAX_QUEUED_EVENTS);
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

  /** The executor futures complete on unless a call names another. */
  public Executor callbackExecutor() {
    return callbackExecutor;
  }

  /** The names of the clients connected now, sorted. */
  public Set<String> names() {
    return Collections.unmodifiableSet(new TreeSet<>(sessions.keySet()));
  }

  /**
   * The identity the client named {@code name} joined as (what the transport's join policy
   * verified: a certificate's SPIFFE ID, a token's fingerprint, or the name itself when names
   * are not verified); null if no such client is connected.
   */
  public String identity(String name) {
    ConnectedClient session = sessions.get(Objects.requireNonNull(name, "name"));
    return session == null ? null : session.identity();
  }

  /** How many clients are connected to this controller now; cheap, unlike {@code names().size()}. */
  public int connectedCount() {
    return sessions.size();
  }

  /** Whether a client named {@code name} is connected now. */
  public boolean isConnected(String name) {
    return sessions.containsKey(name);
  }

  /**
   * The clients connected now, with their identities and labels, sorted by name; for one
   * replica of a cluster ({@link Builder#remote}), those the other replicas hold too.
   */
  public List<ClientInfo> list() {
    List<ClientInfo> infos = new ArrayList<>(sessions.size());
    for (ConnectedClient session : sessions.values()) {
      infos.add(session.info());
    }
    for (ClientInfo elsewhere : remoteClients()) {
      infos.add(elsewhere);
    }
    infos.sort(Comparator.comparing(ClientInfo::name));
    return infos;
  }

  /**
   * What is known of the client named {@code name}, connected here or (for one replica of a
   * cluster) to another replica; null if no such client is connected.
   */
  public ClientInfo info(String name) {
    ConnectedClient session = sessions.get(Objects.requireNonNull(name, "name"));
    if (session != null) {
      return session.info();
    }
    for (ClientInfo elsewhere : remoteClients()) {
      if (elsewhere.name().equals(name)) {
        return elsewhere;
      }
    }
    return null;
  }

  /** The clients other replicas hold and this one does not; empty unless {@link Builder#remote}. */
  List<ClientInfo> remoteClients() {
    if (remote == null) {
      return List.of();
    }
    List<ClientInfo> elsewhere = new ArrayList<>();
    for (ClientInfo info : remote.list()) {
      if (!sessions.containsKey(info.name())) {
        elsewhere.add(info);
      }
    }
    return elsewhere;
  }

  /**
   * Forwards a call to a client another replica holds; null if none is known to. This
   * replica's observers see it, and what they put in its metadata travels with it.
   */
  RemoteCall callElsewhere(String client, Any payload, long timeoutNanos, RemoteCall.Listener listener) {
    if (remote == null) {
      return null;
    }
    if (observers.isEmpty()) {
      return remote.call(client, payload, Map.of(), timeoutNanos, listener);
    }
    Map<String, String> metadata = new HashMap<>();
    List<CallObserver.Call> observed = observers.start(client, payload.getTypeUrl(), metadata);
    RemoteCall.Listener heard = observed.isEmpty() ? listener : new ObservedRemoteCall(listener, observed);
    RemoteCall started = remote.call(client, payload, Map.copyOf(metadata), timeoutNanos, heard);
    if (started == null) {
      for (CallObserver.Call call : observed) {
        Observers.end(call, notFoundStatus(client));
      }
    }
    return started;
  }

  /** The connection joined under {@code name} now, or null. */
  ConnectedClient session(String name) {
    return sessions.get(name);
  }

  /**
   * Waits until every client in {@code names} is connected.
   *
   * @throws TimeoutException naming those still missing after {@code timeout}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public void awaitConnected(Collection<String> names, Duration timeout)
      throws InterruptedException, TimeoutException {
    Objects.requireNonNull(names, "names");
    long deadline = System.nanoTime() + timeoutNanos(timeout);
    // Names are struck off the end of the list as they are seen connected, so a join storm
    // costs each wake-up one check, not a pass over every name; one pass at the end confirms.
    List<String> missing = new ArrayList<>(names);
    synchronized (membership) {
      while (true) {
        while (!missing.isEmpty() && sessions.containsKey(missing.get(missing.size() - 1))) {
          missing.remove(missing.size() - 1);
        }
        if (missing.isEmpty()) {
          missing = missingOf(names); // some may have left again meanwhile
          if (missing.isEmpty()) {
            return;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          missing = missingOf(names);
          throw new TimeoutException(
              missing.size()
                  + " of "
                  + names.size()
                  + " clients did not connect within "
                  + timeout
                  + ": "
                  + missing.subList(0, Math.min(10, missing.size()))
                  + (missing.size() > 10 ? "..." : ""));
        }
        TimeUnit.NANOSECONDS.timedWait(membership, left);
      }
    }
  }

  private List<String> missingOf(Collection<String> names) {
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (!sessions.containsKey(name)) {
        missing.add(name);
      }
    }
    return missing;
  }

  /**
   * Calls {@code listener} on every join and leave from now on, until the returned
   * subscription is closed. Events reach listeners on the callback executor, one at a time,
   * in the order they happened.
   */
  public Subscription subscribe(ClientListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Calls one client with the {@linkplain #defaultTimeout() default timeout}. */
  public <R> CompletableFuture<R> call(String client, Message request, Parser<R> responseParser) {
    return call(client, request, responseParser, defaultTimeout, callbackExecutor);
  }

  /** Calls one client; the future completes on the {@linkplain #callbackExecutor() callback executor}. */
  public <R> CompletableFuture<R> call(
      String client, Message request, Parser<R> responseParser, Duration timeout) {
    return call(client, request, responseParser, timeout, callbackExecutor);
  }

  /**
   * Calls the client named {@code client}: sends {@code request}, and completes the returned
   * future on {@code executor} with the reply parsed by {@code responseParser}.
   *
   * <p>The call's deadline is {@code timeout} from now, or the caller's {@link Context}
   * deadline when that is sooner; a call from a cancelled Context fails at once with
   * CANCELLED and sends nothing. Cancelling the future, or completing it yourself, cancels
   * the call on the client.
   */
  public <R> CompletableFuture<R> call(
      String client,
      Message request,
      Parser<R> responseParser,
      Duration timeout,
      Executor executor) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseParser, "responseParser");
    Objects.requireNonNull(executor, "executor");
    return call(client, Any.pack(request), responseParser, timeoutNanos(timeout), executor);
  }

  private <R> CompletableFuture<R> call(
      String client, Any payload, Parser<R> responseParser, long timeoutNanos, Executor executor) {
    return call(client, payload, Map.of(), responseParser, timeoutNanos, executor);
  }

  /** A call whose request carries {@code inbound} (another replica's observers' entries) too. */
  private <R> CompletableFuture<R> call(
      String client,
      Any payload,
      Map<String, String> inbound,
      Parser<R> responseParser,
      long timeoutNanos,
      Executor executor) {
    ConnectedClient session = sessions.get(client);
    if (session == null) {
      if (remote != null) {
        return callElsewhere(client, payload, responseParser, timeoutNanos, executor);
      }
      if (!observers.isEmpty()) {
        observers.refused(client, payload.getTypeUrl(), notFoundStatus(client));
      }
      return notFound(client, executor);
    }
    SingleCall<R> future =
        new SingleCall<>(executor == callbackExecutor ? session.deliveries() : executor);
    Status refused = checkSize(payload);
    Context context = Context.current();
    if (refused == null) {
      refused = checkContext(context, client);
    }
    if (refused != null) {
      future.failNow(refused);
      if (!observers.isEmpty()) {
        observers.refused(client, payload.getTypeUrl(), refused);
      }
      return future;
    }
    session.start(payload, inbound, responseParser, effectiveTimeout(context, timeoutNanos), watched(context), future);
    return future;
  }

  Observers observers() {
    return observers;
  }

  private static <R> CompletableFuture<R> notFound(String client, Executor executor) {
    SingleCall<R> future = new SingleCall<>(executor);
    future.failNow(notFoundStatus(client));
    return future;
  }

  private static Status notFoundStatus(String client) {
    return Status.NOT_FOUND.withDescription(
        "no client named '" + client + "' is connected; Clients.list() lists those that are");
  }

  private <R> CompletableFuture<R> callElsewhere(
      String client, Any payload, Parser<R> responseParser, long timeoutNanos, Executor executor) {
    Context context = Context.current();
    Status refused = checkSize(payload);
    if (refused == null) {
      refused = checkContext(context, client);
    }
    RemoteCallFuture<R> future = new RemoteCallFuture<>(executor, client, responseParser, timeoutNanos);
    if (refused != null) {
      future.failNow(refused);
      if (!observers.isEmpty()) {
        observers.refused(client, payload.getTypeUrl(), refused);
      }
      return future;
    }
    RemoteCall started = callElsewhere(client, payload, effectiveTimeout(context, timeoutNanos), future);
    if (started == null) {
      return notFound(client, executor);
    }
    future.started(started);
    return future;
  }

  /** A call another replica forwarded: to a client connected here only, its reply unparsed. */
  private CompletableFuture<ByteString> callHere(
      String client, Any payload, Map<String, String> metadata, Duration timeout) {
    if (!sessions.containsKey(client)) {
      return notFound(client, Runnable::run);
    }
    Parser<ByteString> unparsed = null; // the forwarding replica parses the reply
    return call(client, payload, metadata, unparsed, timeoutNanos(timeout), Runnable::run);
  }

  /** Closes connection number {@code connection} of {@code client}: it moved to another replica. */
  private boolean evict(String client, long connection, String why) {
    ConnectedClient session = sessions.get(client);
    if (session == null || session.connection() != connection || !remove(session)) {
      return false;
    }
    logger.info("client '{}' moved to another replica ({}); closed its connection here", client, why);
    session.evict(why);
    return true;
  }

  /** Calls every connected client with the {@linkplain #defaultTimeout() default timeout}. */
  public <R> CompletableFuture<List<Result<R>>> callAll(Message request, Parser<R> responseParser) {
    return callAll(request, responseParser, defaultTimeout, callbackExecutor);
  }

  /** Calls every connected client; the future completes on the callback executor. */
  public <R> CompletableFuture<List<Result<R>>> callAll(
      Message request, Parser<R> responseParser, Duration timeout) {
    return callAll(request, responseParser, timeout, callbackExecutor);
  }

  /**
   * Calls every client connected now with {@code request}, each with its own deadline of
   * {@code timeout}, and completes the returned future on {@code executor} with one {@link
   * Result} per client, in no particular order, once all have answered, failed or timed out.
   * A slow or failing client never delays the others' results past the timeout. With no
   * client connected the list is empty. Cancelling the future, or completing it yourself,
   * cancels every call still outstanding.
   */
  public <R> CompletableFuture<List<Result<R>>> callAll(
      Message request, Parser<R> responseParser, Duration timeout, Executor executor) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseParser, "responseParser");
    Objects.requireNonNull(executor, "executor");
    long timeoutNanos = timeoutNanos(timeout);
    if (remote != null) {
      // Across replicas: a fan-out reaches the clients held elsewhere too.
      return fanOut(request, responseParser, FanOutOptions.all(), timeout, executor).results();
    }
    List<ConnectedClient> targets = new ArrayList<>(sessions.values());
    List<String> names = new ArrayList<>(targets.size());
    for (ConnectedClient target : targets) {
      names.add(target.name());
    }
    CallAllFuture<R> all = new CallAllFuture<>(executor, names);
    Any payload = Any.pack(request);
    Context context = Context.current();
    Status refused = refusal(payload, context);
    if (refused != null) {
      all.failNow(refused);
      return all;
    }
    if (targets.isEmpty()) {
      all.completeNow(List.of());
      return all;
    }
    long effective = effectiveTimeout(context, timeoutNanos);
    all.deadline(System.nanoTime() + effective);
    Context watched = watched(context);
    for (int i = 0; i < targets.size(); i++) {
      targets.get(i).start(payload, responseParser, effective, watched, all.slot(i));
    }
    all.started(effective, watched);
    return all;
  }

  /**
   * Calls the clients {@code options} target with the {@linkplain #defaultTimeout() default
   * timeout}; results stream out on the {@linkplain #callbackExecutor() callback executor}.
   */
  public <R> FanOut<R> fanOut(Message request, Parser<R> responseParser, FanOutOptions options) {
    return fanOut(request, responseParser, options, defaultTimeout, callbackExecutor);
  }

  /**
   * Calls the clients {@code options} target with {@code request}, each call with its own
   * deadline of {@code timeout} (or the caller's {@link Context} deadline when sooner), and
   * streams one {@link Result} per client on {@code executor} as each arrives.
   *
   * <p>The targets are chosen now: the clients connected now that {@code options} select,
   * or the names it lists (unknown ones get a NOT_FOUND result). With a window, each call
   * starts when its turn comes, to the client holding that name then. A request too large,
   * or a caller context already cancelled, fails the whole fan-out and sends nothing.
   * Cancelling the fan-out, or the caller's Context, cancels every call in flight.
   */
  public <R> FanOut<R> fanOut(
      Message request,
      Parser<R> responseParser,
      FanOutOptions options,
      Duration timeout,
      Executor executor) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(responseParser, "responseParser");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(executor, "executor");
    long timeoutNanos = timeoutNanos(timeout);
    List<String> targets = new ArrayList<>();
    List<ConnectedClient> resolved = new ArrayList<>();
    if (options.names != null) {
      for (String name : options.names) {
        targets.add(name);
        resolved.add(null); // looked up when its turn comes
      }
    } else {
      for (ConnectedClient session : sessions.values()) {
        if (options.selector.matches(session.labels())) {
          targets.add(session.name());
          resolved.add(options.isWindowed() ? null : session);
        }
      }
      for (ClientInfo elsewhere : remoteClients()) {
        if (options.selector.matches(elsewhere.labels())) {
          targets.add(elsewhere.name());
          resolved.add(null); // forwarded when its turn comes
        }
      }
    }
    FanOut<R> fanOut = new FanOut<>(executor, targets.size());
    Any payload = Any.pack(request);
    Context context = Context.current();
    Status refused = refusal(payload, context);
    if (refused != null) {
      fanOut.fail(refused);
      return fanOut;
    }
    FanOutRun<R> run =
        new FanOutRun<>(
            this,
            fanOut,
            options,
            targets,
            resolved,
            payload,
            responseParser,
            effectiveTimeout(context, timeoutNanos),
            watched(context));
    fanOut.start(run);
    run.start();
    return fanOut;
  }

  /** The number of calls awaiting a response, over all clients. */
  public int pendingCalls() {
    int total = 0;
    for (ConnectedClient session : sessions.values()) {
      total += session.pendingCalls();
    }
    return total;
  }

  /** Bytes of requests waiting for their clients' connections to take them, over all clients. */
  public long queuedBytes() {
    long total = 0;
    for (ConnectedClient session : sessions.values()) {
      total += session.queuedBytes();
    }
    return total;
  }

  /** Responses received whose id matched no pending call (late, cancelled, or bogus). */
  public long unknownResponses() {
    return unknownResponses.sum();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Fails every pending call with UNAVAILABLE, closes every client connection and refuses
   * new ones. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ConnectedClient session : sessions.values()) {
      if (remove(session)) {
        session.shutdown();
      }
    }
    for (Runnable task : closeTasks) {
      runCloseTask(task);
    }
  }

  private ClientSession join(ClientToServer.Hello hello, String identity, ClientSink sink)
      throws StatusException {
    try {
      return admit(hello, identity, sink);
    } catch (StatusException e) {
      refused(hello.getName(), e.getStatus());
      throw e;
    }
  }

  private ClientSession admit(ClientToServer.Hello hello, String identity, ClientSink sink)
      throws StatusException {
    String problem = ClientNames.problem(hello.getName());
    if (problem != null) {
      throw Status.INVALID_ARGUMENT.withDescription(problem).asException();
    }
    if (closed) {
      throw Status.UNAVAILABLE.withDescription("the server is shutting down").asException();
    }
    Map<String, String> labels = Map.copyOf(hello.getLabelsMap());
    String labelProblem = ClientLabels.problem(labels);
    if (labelProblem != null) {
      throw Status.INVALID_ARGUMENT.withDescription("the client's labels: " + labelProblem).asException();
    }
    String name = hello.getName();
    if (remote != null) {
      Status refusal = remote.refusal(name, identity);
      if (refusal != null) {
        throw refusal.asException();
      }
    }
    ConnectedClient joined =
        new ConnectedClient(
            this,
            name,
            identity,
            labels,
            connections.incrementAndGet(),
            hello.getNextId(),
            sink,
            maxInFlightPerClient,
            maxQueuedBytesPerClient);
    ConnectedClient[] replaced = new ConnectedClient[1];
    ConnectedClient[] kept = new ConnectedClient[1];
    // Events are queued inside compute so that, for one name, their order is the map's.
    synchronized (changes) {
      sessions.compute(
          name,
          (key, old) -> {
            if (old != null && !old.identity().equals(identity)) {
              kept[0] = old; // a foreign Hello never disturbs the connection that holds the name
              return old;
            }
            replaced[0] = old;
            if (old != null) {
              queueEvent(key, false);
            }
            queueEvent(key, true);
            if (old != null) {
              queueEvent(key, Event.REPLACED, null);
            }
            return joined;
          });
    }
    flushEvents();
    if (kept[0] != null) {
      throw Status.PERMISSION_DENIED
          .withDescription(
              "client '" + name + "' is connected with another identity; only it may replace itself")
          .asException();
    }
    if (replaced[0] != null) {
      replaced[0].replace();
    }
    if (closed && remove(joined)) {
      joined.shutdown();
      throw Status.UNAVAILABLE.withDescription("the server is shutting down").asException();
    }
    logger.debug("client '{}' joined", name);
    synchronized (membership) {
      membership.notifyAll();
    }
    return joined;
  }

  void leave(ConnectedClient session) {
    if (remove(session)) {
      logger.debug("client '{}' left", session.name());
    }
  }

  void countUnknownResponse() {
    unknownResponses.increment();
  }

  private void whenClosed(Runnable task) {
    closeTasks.add(task);
    if (closed && closeTasks.remove(task)) {
      runCloseTask(task);
    }
  }

  private static void runCloseTask(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      logger.warn("a task run when Clients closed threw", e);
    }
  }

  /** Removes {@code session} if it is still the one joined under its name, queueing its leave. */
  private boolean remove(ConnectedClient session) {
    boolean[] removed = new boolean[1];
    synchronized (changes) {
      sessions.computeIfPresent(
          session.name(),
          (key, current) -> {
            if (current != session) {
              return current;
            }
            removed[0] = true;
            queueEvent(key, false);
            return null;
          });
    }
    flushEvents();
    return removed[0];
  }

  private void queueEvent(String client, boolean joined) {
    queueEvent(client, joined ? Event.JOIN : Event.LEAVE, null);
  }

  private void queueEvent(String client, Event event, Status status) {
    if (!events.executeLater(() -> notifyListeners(client, event, status))) {
      logger.error(
          "dropped the {} event of client '{}': {} events already wait for slow ClientListeners",
          event,
          client,
          MAX_QUEUED_EVENTS);
    }
  }

  /** Tells listeners that a client saying Hello as {@code client} was refused with {@code status}. */
  void refused(String client, Status status) {
    queueEvent(client, Event.REFUSED, status);
    flushEvents();
  }

  private void flushEvents() {
    try {
      events.flush();
    } catch (RejectedExecutionException e) {
      logger.error("the callback executor refused ClientListener events", e);
    }
  }

  private void notifyListeners(String client, Event event, Status status) {
    synchronized (changes) {
      // empty: waits until the change that queued this event is in the map
    }
    for (ClientListener listener : listeners) {
      try {
        switch (event) {
          case JOIN:
            listener.onJoin(client);
            break;
          case LEAVE:
            listener.onLeave(client);
            break;
          case REPLACED:
            listener.onReplaced(client);
            break;
          default:
            listener.onRefused(client, status);
        }
      } catch (RuntimeException e) {
        logger.warn("ClientListener {} threw on the {} of '{}'", listener, event, client, e);
      }
    }
  }

  /** What a {@link ClientListener} is told. */
  private enum Event {
    JOIN,
    LEAVE,
    REPLACED,
    REFUSED;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
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

  /** Why a call of several clients with {@code payload} from {@code context} cannot start. */
  private Status refusal(Any payload, Context context) {
    Status refused = checkSize(payload);
    return refused != null ? refused : checkContext(context, null);
  }

  /** Why a call from {@code context} to {@code client} (null: every client) cannot start. */
  private static Status checkContext(Context context, String client) {
    if (context == Context.ROOT) {
      return null;
    }
    if (context.isCancelled()) {
      Status status = Contexts.statusFromCancelled(context);
      return status.withDescription(
          (status.getCode() == Status.Code.DEADLINE_EXCEEDED
                  ? "the caller's deadline had already expired"
                  : "the caller's context was already cancelled")
              + " before calling "
              + (client == null ? "every client" : "client '" + client + "'")
              + "; nothing was sent");
    }
    return null;
  }

  /** {@code timeoutNanos}, or what remains of {@code context}'s deadline when that is sooner. */
  static long effectiveTimeout(Context context, long timeoutNanos) {
    Deadline deadline = context.getDeadline();
    if (deadline == null) {
      return timeoutNanos;
    }
    return Math.max(1, Math.min(timeoutNanos, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
  }

  private static Context watched(Context context) {
    return context == Context.ROOT ? null : context;
  }

  private static long timeoutNanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return Durations.toNanos(timeout);
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
    private long maxQueuedBytesPerClient = 2L * MessageLimits.DEFAULT_MAX_PAYLOAD_BYTES + 4096;
    private Executor callbackExecutor = CallbackPool.get();
    private RemoteClients remote;
    private final List<CallObserver> observers = new ArrayList<>();

    private Builder() {}

    /**
     * Tells {@code observer} of every call's start and end (metrics, tracing); observers are
     * told in the order they were added. None unless added.
     */
    public Builder addObserver(CallObserver observer) {
      observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /**
     * Makes this Clients one replica of several: calls to a client not connected here are
     * forwarded to the replica holding it, and call-alls, fan-outs and {@link #list} span
     * them all. A cluster module provides {@code remote}. None unless set.
     */
    public Builder remote(RemoteClients remote) {
      this.remote = Objects.requireNonNull(remote, "remote");
      return this;
    }

    /** The timeout of calls that are given none; 30 seconds unless set. */
    public Builder defaultTimeout(Duration timeout) {
      timeoutNanos(timeout);
      this.defaultTimeout = timeout;
      return this;
    }

    /**
     * How many calls to one client may be in flight at once (started, and not yet delivered
     * to their caller); beyond it a call fails fast with RESOURCE_EXHAUSTED. 1024 unless set.
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

    /**
     * How many bytes of requests may wait for one client's connection to take them (a
     * client that stops reading); beyond it a call fails fast with RESOURCE_EXHAUSTED.
     * Requests whose calls ended unwritten do not count. Twice {@link #maxRequestBytes}'s
     * default (about 8 MiB) unless set; at least {@link #maxRequestBytes}.
     */
    public Builder maxQueuedBytesPerClient(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxQueuedBytesPerClient must be at least 1, was " + max);
      }
      this.maxQueuedBytesPerClient = max;
      return this;
    }

    /**
     * The executor returned futures complete on, so the one the stages you attach run on,
     * unless a call names its own; listeners run on it too. Unless set, a shared pool of
     * daemon threads bounded to twice the processors (at least 4).
     *
     * <p>{@code callbackExecutor(Runnable::run)} completes futures on the thread that learnt
     * the outcome, typically the transport's event loop or the timer thread: no hand-off,
     * the fastest form, and safe only if every stage attached is quick and never blocks
     * (a blocking stage there stalls every connection on that event loop, or every
     * deadline in the process).
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** A new Clients with these options. */
    public Clients build() {
      if (maxQueuedBytesPerClient < maxRequestBytes) {
        throw new IllegalArgumentException(
            "maxQueuedBytesPerClient ("
                + maxQueuedBytesPerClient
                + ") must be at least maxRequestBytes ("
                + maxRequestBytes
                + "), or no request of the largest size could ever be sent");
      }
      return new Clients(this);
    }
  }
}
