package dev.agentrpc.transport.stream;

import dev.agentrpc.client.Dispatcher;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.internal.CallbackPool;
import dev.agentrpc.internal.ClientLabels;
import dev.agentrpc.internal.ClientNames;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.MessageLimits;
import dev.agentrpc.internal.HandlerPool;
import dev.agentrpc.internal.SerialExecutor;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent end of the stream transport: dials the controller over a gRPC {@link Channel},
 * says Hello with its name, serves the controller's requests with a {@link HandlerRegistry},
 * and redials with exponential backoff and jitter when the stream ends. Each connection gets
 * a fresh dispatcher.
 *
 * <pre>{@code
 * HandlerRegistry registry = new HandlerRegistry();
 * AgentFunctionsHandlers.register(registry, new MyAgentFunctions());
 * try (StreamClient agent = StreamClient.newBuilder(channel, "agent-7", registry).start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Redials: the backoff starts over only once the server showed it accepted a connection
 * (it sent a command, or the stream stayed up for {@value #STABLE_AFTER_SECONDS} s), so a
 * server that refuses at once is dialed ever more slowly. While the server cannot be reached,
 * the channel tries to connect on this backoff, not on gRPC's own reconnect backoff, and the
 * client dials the moment the channel connects. A server that refuses a stream only for being
 * busy (too many streams waiting for their Hello) says when to come back, about 100 ms; the
 * client retries then, growing that delay 1.6 times per refusal in a row up to the maximum
 * backoff, and leaves its backoff as it was. A connection replaced by a newer
 * one with the same name (ABORTED from the server) is logged at WARN and redialed only
 * after the maximum backoff: two agents sharing a name take turns, slowly, instead of
 * flapping. When the channel is shut down the client stops, in state CLOSED.
 *
 * <p>State changes are serialised; state listeners run one at a time on a shared callback
 * pool, in order, never under a lock or on a transport or timer thread. Closing it cancels
 * the stream and every handler in flight; the channel stays the caller's to shut down.
 * Thread-safe.
 */
public final class StreamClient implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(StreamClient.class);
  /** A stream that stayed up this long counts as accepted, for the backoff. */
  static final long STABLE_AFTER_SECONDS = 10;
  private static final int MAX_QUEUED_STATE_EVENTS = 1024;
  private static final int HANDLER_THREAD_SLACK = 8;

  /** How often an agent pings a controller whose connection carried nothing, by default. */
  public static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);
  /** How long an agent waits for a ping's answer before it drops the connection and redials. */
  public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Applies the stream transport's recommended settings to the agent's channel builder: it
   * pings the controller when the connection was idle for {@link #KEEPALIVE_TIME} and drops
   * the connection (and redials) when no answer comes within {@link #KEEPALIVE_TIMEOUT}. So
   * a dead path is noticed within 15 s, and proxies with idle timeouts above 10 s keep the
   * connection. The controller must permit it: {@link StreamServer#configure}.
   *
   * <p>On grpc-netty-shaded's {@code NettyChannelBuilder} (grpc-java 1.85 or newer), the
   * headers that open the stream are also sent as HPACK never-indexed literals: sent once per
   * connection, indexing them would only keep table entries alive on both ends; other calls
   * on the channel (long polls, your own stubs) send them a few dozen bytes longer. With the
   * server's side ({@link StreamServer#configure}) that is 0.7 to 1.0 KiB less of the
   * controller's heap per idle agent.
   *
   * <pre>{@code
   * ManagedChannel channel =
   *     StreamClient.configure(NettyChannelBuilder.forTarget("controller:7000")).usePlaintext().build();
   * }</pre>
   *
   * @return {@code builder}
   */
  public static <T extends ManagedChannelBuilder<T>> T configure(T builder) {
    HeaderIndexing.offFor(builder);
    return builder
        .keepAliveTime(KEEPALIVE_TIME.toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(KEEPALIVE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Where the client is in its connection's life. */
  public enum State {
    /** A stream is being opened. */
    CONNECTING,
    /**
     * The stream is open and Hello was sent; requests are served. The protocol does not
     * acknowledge Hello: a server that refuses the client (its join policy) ends the stream
     * right after, so a refused client goes CONNECTING, CONNECTED, WAITING_TO_RECONNECT.
     */
    CONNECTED,
    /**
     * The last stream ended, or the channel failed to connect; a redial is scheduled. While
     * the channel is in TRANSIENT_FAILURE, each attempt makes it connect again without opening
     * a stream, so the client stays in this state until the channel connects.
     */
    WAITING_TO_RECONNECT,
    /** Closed, by {@link #close()} or because the channel was shut down; terminal. */
    CLOSED
  }

  private final Channel channel;
  private final CoordinatorGrpc.CoordinatorStub stub;
  private final String name;
  private final ClientToServer.Hello hello;
  private final HandlerRegistry registry;
  private final Executor executor;
  private final HandlerPool ownedExecutor;
  private final Backoff backoff;
  private final long maxBackoffNanos;
  private final int maxResponseBytes;
  private final int maxConcurrentHandlers;
  private final long maxQueuedRequestBytes;
  private final List<Consumer<State>> stateListeners;
  private final SerialExecutor stateEvents = new SerialExecutor(CallbackPool.get(), MAX_QUEUED_STATE_EVENTS);
  private final SynchronizationContext sync =
      new SynchronizationContext((thread, e) -> logger.error("StreamClient task threw", e));
  private final ClientConnection.Events connectionEvents =
      new ClientConnection.Events() {
        @Override
        public void connected(ClientConnection connection) {
          sync.execute(() -> onConnected(connection));
        }

        @Override
        public void ended(ClientConnection connection, Status status) {
          sync.execute(() -> onEnded(connection, status));
        }
      };
  private volatile State state = State.CONNECTING;
  private volatile Status closeReason;
  private volatile Status lastEnd;
  private volatile boolean closing;
  private ClientConnection connection; // sync only
  private SynchronizationContext.ScheduledHandle redial; // sync only
  // sync only: the stream of the last dial found the channel not connected, and never connected
  private boolean dialedUnconnected;
  private int busyRefusals; // sync only: streams refused in a row by a busy server
  private boolean awaitingChannel; // sync only: the scheduled redial waits for the channel to connect
  private boolean watchingChannel; // sync only: a dialWhenConnected watcher is registered

  private StreamClient(Builder builder) {
    this.channel = builder.channel;
    // Stream callbacks run on the transport thread: only handler work goes to the executor.
    CoordinatorGrpc.CoordinatorStub base = CoordinatorGrpc.newStub(builder.channel).withExecutor(Runnable::run);
    this.stub = builder.bearerToken == null ? base : base.withCallCredentials(new BearerToken(builder.bearerToken));
    this.name = builder.name;
    this.hello =
        ClientToServer.Hello.newBuilder().setName(builder.name).putAllLabels(builder.labels).setNextId(0).build();
    this.registry = builder.registry;
    this.maxConcurrentHandlers = builder.maxConcurrentHandlers;
    this.maxQueuedRequestBytes = builder.maxQueuedRequestBytes;
    this.ownedExecutor =
        builder.executor == null ? newHandlerPool(builder.name, maxConcurrentHandlers) : null;
    this.executor = builder.executor != null ? builder.executor : ownedExecutor;
    this.maxBackoffNanos = Durations.toNanos(builder.maxBackoff);
    this.backoff = new Backoff(Durations.toNanos(builder.initialBackoff), maxBackoffNanos);
    this.stateListeners = List.copyOf(builder.stateListeners);
    this.maxResponseBytes = builder.maxResponseBytes;
  }

  /**
   * A builder of a client named {@code name} that dials over {@code channel} and serves
   * {@code registry}.
   *
   * @throws IllegalArgumentException if the server would refuse {@code name}
   */
  public static Builder newBuilder(Channel channel, String name, HandlerRegistry registry) {
    return new Builder(channel, name, registry);
  }

  /** The name this client says Hello with. */
  public String name() {
    return name;
  }

  /** The connection's state now; CLOSED from the moment {@link #close()} was called. */
  public State state() {
    return closing ? State.CLOSED : state;
  }

  /**
   * Why the client is CLOSED: CANCELLED when {@link #close()} was called, UNAVAILABLE when
   * its channel was shut down; null while it is not closed.
   */
  public Status closeReason() {
    return closeReason;
  }

  /**
   * How the last stream ended (e.g. UNAVAILABLE with the connection's failure, or the status
   * the server refused it with, such as UNAUTHENTICATED); null before any ended.
   */
  public Status lastEnd() {
    return lastEnd;
  }

  /**
   * Closes the stream, cancels every handler in flight and stops redialing. Idempotent,
   * and final: no stream is opened after it returns.
   */
  @Override
  public void close() {
    closeWith(Status.CANCELLED.withDescription("the client was closed"));
  }

  private void closeWith(Status reason) {
    closing = true;
    sync.execute(
        () -> {
          if (state == State.CLOSED) {
            return;
          }
          closeReason = reason;
          if (redial != null) {
            redial.cancel();
            redial = null;
          }
          ClientConnection current = connection;
          connection = null;
          setState(State.CLOSED);
          if (current != null) {
            current.cancel("the client closed");
          }
          if (ownedExecutor != null) {
            // Handlers were cancelled through their Context; let them finish, unblocked.
            ownedExecutor.shutdown();
          }
        });
  }

  private void dial() {
    redial = null;
    awaitingChannel = false;
    if (closing || state == State.CLOSED) {
      return;
    }
    if (channelShutDown()) {
      return;
    }
    dialedUnconnected = false;
    if (channel instanceof ManagedChannel) {
      ManagedChannel managed = (ManagedChannel) channel;
      ConnectivityState now = managed.getState(false);
      dialedUnconnected = now != ConnectivityState.READY;
      if (now == ConnectivityState.TRANSIENT_FAILURE) {
        reconnect(managed);
        return;
      }
    }
    setState(State.CONNECTING);
    ClientConnection next =
        new ClientConnection(
            sink ->
                Dispatcher.newBuilder(registry, executor, sink)
                    .maxResponseBytes(maxResponseBytes)
                    .maxConcurrentHandlers(maxConcurrentHandlers)
                    .maxQueuedRequestBytes(maxQueuedRequestBytes)
                    .build(),
            2L * maxResponseBytes + 4096,
            connectionEvents);
    connection = next;
    try {
      stub.withInterceptors(next.acknowledgementWatcher()).connect(next);
      next.sayHello(hello);
    } catch (RuntimeException e) {
      onEnded(next, Status.fromThrowable(e));
    }
  }

  /**
   * Makes a channel that failed to connect try again now, on this client's backoff rather
   * than the channel's own (1 s, growing 1.6 times to 2 min), and dials once it is connected.
   * No stream is opened meanwhile: on a channel in TRANSIENT_FAILURE it would fail at once,
   * costing a stream for nothing on every attempt.
   */
  private void reconnect(ManagedChannel managed) {
    busyRefusals = 0; // the server went away: its next refusal starts the busy delays over
    // Only here, where it matters: a reset also makes the channel resolve its target again.
    managed.resetConnectBackoff();
    if (state != State.WAITING_TO_RECONNECT) {
      setState(State.WAITING_TO_RECONNECT);
    }
    long delay = backoff.nextDelayNanos();
    logger.debug("client '{}': the controller cannot be reached yet; its channel tries again now and in {} ms",
        name, TimeUnit.NANOSECONDS.toMillis(delay));
    redial = sync.schedule(this::dial, delay, TimeUnit.NANOSECONDS, SharedTimer.get());
    awaitingChannel = true;
    dialWhenConnected();
  }

  private void onConnected(ClientConnection connected) {
    if (connection == connected && state == State.CONNECTING && !closing) {
      // The channel is connected now: when this stream ends, it waits out its backoff.
      dialedUnconnected = false;
      setState(State.CONNECTED);
      watchChannel(connected);
    }
  }

  /**
   * Ends {@code connected}'s stream when the channel leaves READY: the server is going away
   * (GOAWAY, as on {@code Server.shutdown()}) or the connection died (keepalive). The stream
   * would otherwise keep a shutting-down server from terminating.
   */
  private void watchChannel(ClientConnection connected) {
    if (!(channel instanceof ManagedChannel)) {
      return;
    }
    ManagedChannel managed = (ManagedChannel) channel;
    if (managed.getState(false) != ConnectivityState.READY) {
      return; // not a single connection we can watch: rely on the stream alone
    }
    managed.notifyWhenStateChanged(
        ConnectivityState.READY,
        () ->
            sync.execute(
                () -> {
                  if (connection == connected) {
                    logger.info("client '{}': its connection to the server is going away", name);
                    connected.cancel("the connection to the server is going away");
                  }
                }));
  }

  private void onEnded(ClientConnection ended, Status status) {
    if (connection != ended || state == State.CLOSED) {
      return;
    }
    lastEnd = status;
    connection = null;
    if (closing || channelShutDown()) {
      return;
    }
    long delay;
    // A hint counts only where it belongs: a stream refused before it was accepted.
    boolean busy =
        ended.retryAfterNanos() > 0
            && status.getCode() == Status.Code.RESOURCE_EXHAUSTED
            && !ended.wasAccepted();
    busyRefusals = busy ? busyRefusals + 1 : 0;
    if (busy) {
      // The server is up but busy (a join storm): come back about when it asked, not after
      // the backoff an outage grew; refusals in a row space the retries out, to the maximum.
      delay = Backoff.jittered(busyDelayNanos(ended.retryAfterNanos()));
      logStreamEnd(status, delay);
    } else if (status.getCode() == Status.Code.ABORTED) {
      backoff.nextDelayNanos(); // keep growing: being replaced is no sign of acceptance
      delay = Backoff.jittered(maxBackoffNanos);
      logger.warn(
          "client '{}' was replaced by a newer connection with the same name ({}); is another"
              + " agent using this name? redialing in {} ms",
          name,
          status.getDescription(),
          TimeUnit.NANOSECONDS.toMillis(delay));
    } else {
      if (ended.wasAccepted() || ended.ageNanos() >= TimeUnit.SECONDS.toNanos(STABLE_AFTER_SECONDS)) {
        backoff.reset();
      }
      delay = backoff.nextDelayNanos();
      logStreamEnd(status, delay);
    }
    setState(State.WAITING_TO_RECONNECT);
    redial = sync.schedule(this::dial, delay, TimeUnit.NANOSECONDS, SharedTimer.get());
    if (dialedUnconnected && !busy && status.getCode() != Status.Code.ABORTED) {
      awaitingChannel = true;
      dialWhenConnected();
    }
  }

  /** The server's delay grown 1.6 times per earlier refusal in a row, at most the maximum backoff. */
  private long busyDelayNanos(long askedNanos) {
    double grown = askedNanos * Math.pow(1.6, Math.min(busyRefusals - 1, 64));
    return (long) Math.min(grown, maxBackoffNanos);
  }

  /**
   * Dials at once, instead of when the scheduled redial is due, once the channel is connected:
   * without this, an agent would wait one more backoff after its server came back. Only while
   * the redial waits for the channel ({@code awaitingChannel}): a stream the server itself
   * refused or ended waits out its backoff. One watcher at most, however many attempts a long
   * outage takes: the channel keeps its listeners until its state changes.
   */
  private void dialWhenConnected() {
    ManagedChannel managed = (ManagedChannel) channel;
    ConnectivityState now = managed.getState(false);
    if (now == ConnectivityState.READY) {
      redial.cancel();
      dial();
      return;
    }
    if (watchingChannel) {
      return; // the registered watcher looks at the redial scheduled when it fires
    }
    watchingChannel = true;
    managed.notifyWhenStateChanged(
        now,
        () ->
            sync.execute(
                () -> {
                  watchingChannel = false;
                  if (awaitingChannel
                      && redial != null
                      && !closing
                      && state == State.WAITING_TO_RECONNECT) {
                    dialWhenConnected();
                  }
                }));
  }

  /** Closes the client, with that reason, if the user shut its channel down. */
  private boolean channelShutDown() {
    if (channel instanceof ManagedChannel && ((ManagedChannel) channel).isShutdown()) {
      logger.info("client '{}' stops: its channel was shut down", name);
      closeWith(Status.UNAVAILABLE.withDescription("the channel was shut down"));
      return true;
    }
    return false;
  }

  private void logStreamEnd(Status status, long delayNanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(delayNanos);
    if (status.getCode() == Status.Code.INVALID_ARGUMENT
        || status.getCode() == Status.Code.UNAUTHENTICATED
        || status.getCode() == Status.Code.PERMISSION_DENIED
        || status.getCode() == Status.Code.UNIMPLEMENTED) {
      logger.error("client '{}' was refused by the server ({}); redialing in {} ms", name, describe(status), millis);
    } else if (causedBy(status, SSLException.class)) {
      // A configuration error (untrusted CA, wrong host name, no client certificate): it
      // will not go away by itself.
      logger.error("client '{}' failed its TLS handshake ({}); redialing in {} ms", name, describe(status), millis);
    } else if (logger.isInfoEnabled()) {
      // Every redial of a storm comes here: no text is built for a line not written.
      logger.info("client '{}' lost its stream ({}); redialing in {} ms", name, describe(status), millis);
    }
  }

  private static boolean causedBy(Status status, Class<? extends Throwable> type) {
    for (Throwable t = status.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The status, with the root cause a transport failure hides behind "io exception". */
  static String describe(Status status) {
    StringBuilder text = new StringBuilder(status.getCode().toString());
    if (status.getDescription() != null) {
      text.append(": ").append(status.getDescription());
    }
    Throwable cause = status.getCause();
    while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause != null && cause.getMessage() != null) {
      text.append(" (").append(cause.getMessage()).append(')');
    }
    return text.toString();
  }

  private void setState(State next) {
    state = next;
    if (stateListeners.isEmpty()) {
      return;
    }
    try {
      stateEvents.execute(() -> notifyListeners(next));
    } catch (RejectedExecutionException e) {
      logger.error("dropped state change {}: state listeners are not keeping up", next);
    }
  }

  private void notifyListeners(State next) {
    for (Consumer<State> listener : stateListeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        logger.warn("state listener threw on {}", next, e);
      }
    }
  }

  private static HandlerPool newHandlerPool(String name, int maxHandlers) {
    // The dispatcher admits at most maxHandlers at once; the few extra threads cover
    // handlers that have finished but whose thread has not yet gone back to the pool.
    return new HandlerPool("agentrpc-handler-" + name + "-", maxHandlers + HANDLER_THREAD_SLACK);
  }

  /** Options of a {@link StreamClient}. */
  public static final class Builder {
    private final Channel channel;
    private final String name;
    private final HandlerRegistry registry;
    private Executor executor;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private int maxResponseBytes = MessageLimits.DEFAULT_MAX_PAYLOAD_BYTES;
    private int maxConcurrentHandlers = Dispatcher.DEFAULT_MAX_CONCURRENT_HANDLERS;
    private String bearerToken;
    private Map<String, String> labels = Map.of();
    private long maxQueuedRequestBytes = Dispatcher.DEFAULT_MAX_QUEUED_REQUEST_BYTES;
    private final List<Consumer<State>> stateListeners = new CopyOnWriteArrayList<>();

    private Builder(Channel channel, String name, HandlerRegistry registry) {
      this.channel = Objects.requireNonNull(channel, "channel");
      this.name = Objects.requireNonNull(name, "name");
      this.registry = Objects.requireNonNull(registry, "registry");
      String problem = ClientNames.problem(name);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }

    /**
     * Runs handlers on {@code executor}, which the caller owns and shuts down. Unless set,
     * the client runs them on its own pool of daemon threads, which hands requests off per
     * burst (quick handlers run one after another on a warm thread; a blocking one gets the
     * requests behind it other threads within about a millisecond), holds at most {@link
     * #maxConcurrentHandlers} running handlers (and 8 more threads for a moment while
     * finished ones return), and is shut down on close.
     *
     * <p>When every handler is quick and never blocks (or is asynchronous and returns at
     * once), {@code executor(Runnable::run)} runs them on the transport thread: no hand-off
     * per request, the fastest configuration (see the benchmarks' RESULTS.md).
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The first redial delay and the most it grows to (each delay is 1.6 times the last,
     * ±20% jitter). 1 s and 30 s unless set.
     */
    public Builder backoff(Duration initial, Duration max) {
      if (initial.isZero() || initial.isNegative() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "backoff needs 0 < initial <= max, was " + initial + " and " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * The largest serialized response sent; a larger one fails its call with
     * RESOURCE_EXHAUSTED instead of breaking the stream. Just under 4 MiB (gRPC's default
     * inbound limit) unless set; raise it only with the server's limit.
     */
    public Builder maxResponseBytes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1, was " + max);
      }
      this.maxResponseBytes = max;
      return this;
    }

    /**
     * How many handlers may run at once on this client (a synchronous handler counts until
     * it returns, an asynchronous one until its stage completes); a request beyond it is
     * answered RESOURCE_EXHAUSTED at once. {@value Dispatcher#DEFAULT_MAX_CONCURRENT_HANDLERS}
     * unless set.
     */
    public Builder maxConcurrentHandlers(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentHandlers must be at least 1, was " + max);
      }
      this.maxConcurrentHandlers = max;
      return this;
    }

    /**
     * Declares {@code labels} in Hello (e.g. {@code region=eu}), so that the controller can
     * select this client among others ({@code FanOutOptions.selecting}). None unless set.
     *
     * @throws IllegalArgumentException if a key or value breaks the label rule (at most 64
     *     labels; keys of 1 to 63 ASCII letters, digits and {@code . _ - /}; values of at most
     *     256 characters)
     */
    public Builder labels(Map<String, String> labels) {
      this.labels = ClientLabels.checked(labels);
      return this;
    }

    /**
     * Sends {@code token} as {@code authorization: Bearer <token>} on every stream, for a
     * controller whose join policy checks tokens ({@code JoinPolicies.bearerTokens}). Use it
     * with TLS: without, the token crosses the network readable (a WARN says so once).
     */
    public Builder bearerToken(String token) {
      this.bearerToken = BearerToken.checked(token);
      return this;
    }

    /**
     * How many bytes of request payloads this client may hold admitted and unanswered at
     * once (a controller flooding it with large requests); a request beyond is answered
     * RESOURCE_EXHAUSTED at once. 32 MiB unless set.
     */
    public Builder maxQueuedRequestBytes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxQueuedRequestBytes must be at least 1, was " + max);
      }
      this.maxQueuedRequestBytes = max;
      return this;
    }

    /**
     * Calls {@code listener} with every state change, in order, one at a time, on a shared
     * pool of callback threads.
     */
    public Builder onStateChange(Consumer<State> listener) {
      stateListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Builds the client and starts dialing. */
    public StreamClient start() {
      StreamClient client = new StreamClient(this);
      client.sync.execute(client::dial);
      return client;
    }
  }
}
