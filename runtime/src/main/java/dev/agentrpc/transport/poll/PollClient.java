package dev.agentrpc.transport.poll;

import dev.agentrpc.client.Dispatcher;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.internal.CallbackPool;
import dev.agentrpc.internal.ClientLabels;
import dev.agentrpc.internal.ClientNames;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.HandlerPool;
import dev.agentrpc.internal.MessageLimits;
import dev.agentrpc.internal.SerialExecutor;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.transport.stream.Backoff;
import dev.agentrpc.transport.stream.BearerToken;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamClient.State;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent end of the poll transports, {@link StreamClient}'s sibling for networks where a
 * gRPC stream does not pass: it joins the controller with Hello in its first poll, serves the
 * commands each answer carries with a {@link HandlerRegistry}, and sends the responses in its
 * next polls until the controller acknowledges them. Choosing it over the stream is one line:
 *
 * <pre>{@code
 * PollClient agent = PollClient.longPoll(channel, "agent-7", registry).start();   // gRPC Poll
 * PollClient agent = PollClient.heartbeat(channel, "agent-7", registry)
 *     .interval(Duration.ofSeconds(5)).start();
 * PollClient agent = PollClient.longPoll(httpTransport, "agent-7", registry).start(); // HTTP/1.1
 * }</pre>
 *
 * <ul>
 *   <li>Long-poll: one poll is always waiting at the controller, which answers it as soon as a
 *       command is queued (or after {@link Builder#maxWait}); a ready response goes out at
 *       once in a second poll, which releases the waiting one.
 *   <li>Heartbeat: a poll every {@link Builder#interval}, answered at once; commands and
 *       responses wait for the next one. For networks that forbid held requests.
 * </ul>
 *
 * <p>Each session gets a fresh dispatcher. A failed poll is retried on the same session with
 * the backoff; a session the controller no longer knows (it expired, or was replaced) or
 * refused is ended (its handlers cancelled) and a new one started after the backoff, as
 * {@link StreamClient} redials. States and listeners are {@link StreamClient}'s: CONNECTED
 * once a poll was answered. Closing tells the controller (so its pending calls fail at once)
 * and cancels every handler. Thread-safe.
 */
public final class PollClient implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(PollClient.class);
  private static final int MAX_QUEUED_STATE_EVENTS = 1024;
  /** How much longer than its wait a poll may take before it fails DEADLINE_EXCEEDED. */
  static final Duration POLL_GRACE = Duration.ofSeconds(10);
  private static final int HANDLER_THREAD_SLACK = 8;

  private final PollTransport transport;
  private final String name;
  private final Map<String, String> labels;
  private final boolean longPoll;
  private final long maxWaitNanos;
  private final long intervalNanos;
  private final String bearerToken;
  private final HandlerRegistry registry;
  private final Executor executor;
  private final int maxResponseBytes;
  private final int maxConcurrentHandlers;
  private final long maxQueuedRequestBytes;
  private final HandlerPool ownedExecutor;
  private final Backoff backoff;
  private final long maxBackoffNanos;
  private final long maxBufferedBytes;
  private final long maxPollBytes;
  private final List<Consumer<State>> stateListeners;
  private final SerialExecutor stateEvents = new SerialExecutor(CallbackPool.get(), MAX_QUEUED_STATE_EVENTS);
  private final SynchronizationContext sync =
      new SynchronizationContext((thread, e) -> logger.error("PollClient task threw", e));
  private volatile State state = State.CONNECTING;
  private volatile Status closeReason;
  private volatile Status lastEnd;
  private volatile boolean closing;
  /** The poll that ends the joined session, kept ready so that close() sends it at once. */
  private volatile PollRequest leave;
  private AgentSession session; // sync only; null while none is started
  private SynchronizationContext.ScheduledHandle retry; // sync only
  private SynchronizationContext.ScheduledHandle tick; // sync only, heartbeat

  private PollClient(Builder builder) {
    this.transport = builder.transport;
    this.name = builder.name;
    this.labels = builder.labels;
    this.longPoll = builder.longPoll;
    this.maxWaitNanos = Durations.toNanos(builder.maxWait);
    this.intervalNanos = Durations.toNanos(builder.interval);
    this.bearerToken = builder.bearerToken;
    this.ownedExecutor =
        builder.executor == null
            // the dispatcher admits at most maxConcurrentHandlers; the rest cover threads returning
            ? new HandlerPool(
                "agentrpc-poll-handler-" + builder.name + "-", builder.maxConcurrentHandlers + HANDLER_THREAD_SLACK)
            : null;
    this.executor = builder.executor != null ? builder.executor : ownedExecutor;
    this.registry = builder.registry;
    this.maxResponseBytes = builder.maxResponseBytes;
    this.maxConcurrentHandlers = builder.maxConcurrentHandlers;
    this.maxQueuedRequestBytes = builder.maxQueuedRequestBytes;
    this.maxBackoffNanos = Durations.toNanos(builder.maxBackoff);
    this.backoff = new Backoff(Durations.toNanos(builder.initialBackoff), maxBackoffNanos);
    this.maxPollBytes = builder.maxResponseBytes;
    this.maxBufferedBytes = 2L * builder.maxResponseBytes + 4096;
    this.stateListeners = List.copyOf(builder.stateListeners);
  }

  /** A builder of a long-poll client named {@code name}, polling over gRPC on {@code channel}. */
  public static Builder longPoll(Channel channel, String name, HandlerRegistry registry) {
    return new Builder(PollTransport.grpc(channel), name, registry, true);
  }

  /** A builder of a long-poll client named {@code name}, polling over {@code transport}. */
  public static Builder longPoll(PollTransport transport, String name, HandlerRegistry registry) {
    return new Builder(transport, name, registry, true);
  }

  /** A builder of a heartbeat client named {@code name}, polling over gRPC on {@code channel}. */
  public static Builder heartbeat(Channel channel, String name, HandlerRegistry registry) {
    return new Builder(PollTransport.grpc(channel), name, registry, false);
  }

  /** A builder of a heartbeat client named {@code name}, polling over {@code transport}. */
  public static Builder heartbeat(PollTransport transport, String name, HandlerRegistry registry) {
    return new Builder(transport, name, registry, false);
  }

  /** The name this client says Hello with. */
  public String name() {
    return name;
  }

  /** The session's state now; CLOSED from the moment {@link #close()} was called. */
  public State state() {
    return closing ? State.CLOSED : state;
  }

  /** Why the client is CLOSED (CANCELLED when {@link #close()} was called); null while it is not. */
  public Status closeReason() {
    return closeReason;
  }

  /** How the last poll failed (e.g. UNAVAILABLE, or NOT_FOUND for an expired session); null before any did. */
  public Status lastEnd() {
    return lastEnd;
  }

  /**
   * Ends the session (telling the controller, best effort), cancels every handler in flight
   * and stops polling. Idempotent, and final.
   */
  @Override
  public void close() {
    closing = true;
    PollRequest bye = leave;
    leave = null;
    if (bye != null) {
      // On the closing thread, before it goes on to shut the channel down.
      send(bye, POLL_GRACE).exceptionally(failure -> null); // best effort
    }
    sync.execute(
        () -> {
          if (state == State.CLOSED) {
            return;
          }
          closeReason = Status.CANCELLED.withDescription("the client was closed");
          cancel(retry);
          cancel(tick);
          retry = null;
          tick = null;
          AgentSession current = session;
          session = null;
          setState(State.CLOSED);
          if (current != null) {
            current.close();
          }
          if (ownedExecutor != null) {
            ownedExecutor.shutdown();
          }
        });
  }

  private void begin() {
    retry = null;
    if (closing) {
      return;
    }
    setState(State.CONNECTING);
    AgentSession started = new AgentSession(name, labels, this::newDispatcher, maxBufferedBytes, maxPollBytes);
    session = started;
    poll(started);
  }

  /** A fresh dispatcher for {@code owner}: its responses wait in it until acknowledged. */
  private Dispatcher newDispatcher(AgentSession owner) {
    return Dispatcher.newBuilder(
            registry,
            executor,
            response ->
                sync.execute(
                    () -> {
                      if (session == owner) {
                        owner.add(response);
                        pump();
                      }
                    }))
        .maxResponseBytes(maxResponseBytes)
        .maxConcurrentHandlers(maxConcurrentHandlers)
        .maxQueuedRequestBytes(maxQueuedRequestBytes)
        .build();
  }

  /** Sends the next poll of {@code current}. */
  private void poll(AgentSession current) {
    PollRequest request = current.nextPoll(longPoll ? maxWaitNanos : 0);
    CompletableFuture<PollResponse> answer =
        send(request, Duration.ofNanos((longPoll ? maxWaitNanos : 0) + POLL_GRACE.toNanos()));
    current.sent(answer);
    answer.whenComplete(
        (response, failure) ->
            sync.execute(
                () -> {
                  current.done(answer);
                  if (session != current || closing) {
                    return;
                  }
                  if (failure == null) {
                    onAnswer(current, response);
                  } else {
                    onFailure(current, Status.fromThrowable(failure));
                  }
                }));
  }

  private CompletableFuture<PollResponse> send(PollRequest request, Duration timeout) {
    try {
      return transport.send(request, timeout, bearerToken);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void onAnswer(AgentSession current, PollResponse answer) {
    current.accept(answer);
    leave = current.leave();
    if (state != State.CONNECTED) {
      backoff.reset(); // the controller answered: it accepts this client
      setState(State.CONNECTED);
    }
    if (longPoll) {
      pump();
    } else if (current.outstanding() == 0 && retry == null) {
      cancel(tick);
      tick = sync.schedule(this::heartbeat, intervalNanos, TimeUnit.NANOSECONDS, SharedTimer.get());
    }
  }

  private void heartbeat() {
    tick = null;
    AgentSession current = session;
    if (current != null && !closing && retry == null && current.outstanding() == 0) {
      poll(current);
    }
  }

  /**
   * Long-poll: keeps one poll waiting at the controller, and sends a second one at once when a
   * response is ready that the waiting one does not carry.
   */
  private void pump() {
    AgentSession current = session;
    if (!longPoll || current == null || closing || retry != null || !current.joined()) {
      return;
    }
    if (current.outstanding() == 0 || (current.outstanding() == 1 && current.hasUnsent())) {
      poll(current);
    }
  }

  private void onFailure(AgentSession current, Status status) {
    lastEnd = status;
    boolean sessionOver = !current.joined() || ends(status.getCode());
    if (sessionOver) {
      session = null;
      leave = null;
      current.close();
    }
    if (retry != null) {
      return; // a retry is already due
    }
    long delay;
    if (status.getCode() == Status.Code.ABORTED) {
      backoff.nextDelayNanos(); // being replaced is no sign of acceptance
      delay = Backoff.jittered(maxBackoffNanos);
      logger.warn(
          "client '{}' was replaced by a newer session with the same name ({}); is another agent"
              + " using this name? polling again in {} ms",
          name,
          status.getDescription(),
          TimeUnit.NANOSECONDS.toMillis(delay));
    } else {
      delay = backoff.nextDelayNanos();
      log(status, sessionOver, delay);
    }
    setState(State.WAITING_TO_RECONNECT);
    retry = sync.schedule(this::retry, delay, TimeUnit.NANOSECONDS, SharedTimer.get());
  }

  private void retry() {
    retry = null;
    AgentSession current = session;
    if (closing) {
      return;
    }
    if (current == null) {
      begin();
    } else if (current.outstanding() == 0) {
      setState(State.CONNECTING);
      poll(current);
    }
  }

  /** Whether a poll failing with {@code code} means the session is over on the controller. */
  private static boolean ends(Status.Code code) {
    switch (code) {
      case NOT_FOUND:
      case ABORTED:
      case INVALID_ARGUMENT:
      case UNAUTHENTICATED:
      case PERMISSION_DENIED:
      case UNIMPLEMENTED:
        return true;
      default:
        return false;
    }
  }

  private void log(Status status, boolean sessionOver, long delayNanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(delayNanos);
    String why = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    switch (status.getCode()) {
      case INVALID_ARGUMENT:
      case UNAUTHENTICATED:
      case PERMISSION_DENIED:
      case UNIMPLEMENTED:
        logger.error("client '{}' was refused by the server ({}); polling again in {} ms", name, why, millis);
        break;
      default:
        logger.info(
            "client '{}': a poll failed ({}); {} in {} ms",
            name,
            why,
            sessionOver ? "starting a new session" : "polling again",
            millis);
    }
  }

  private static void cancel(SynchronizationContext.ScheduledHandle handle) {
    if (handle != null) {
      handle.cancel();
    }
  }

  private void setState(State next) {
    if (state == next) {
      return;
    }
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

  /** Options of a {@link PollClient}; the same as {@link StreamClient.Builder}'s, plus the polling. */
  public static final class Builder {
    private final PollTransport transport;
    private final String name;
    private final HandlerRegistry registry;
    private final boolean longPoll;
    private Executor executor;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration maxWait = Duration.ofSeconds(25);
    private Duration interval = Duration.ofSeconds(5);
    private int maxResponseBytes = MessageLimits.DEFAULT_MAX_PAYLOAD_BYTES;
    private int maxConcurrentHandlers = Dispatcher.DEFAULT_MAX_CONCURRENT_HANDLERS;
    private long maxQueuedRequestBytes = Dispatcher.DEFAULT_MAX_QUEUED_REQUEST_BYTES;
    private String bearerToken;
    private Map<String, String> labels = Map.of();
    private final List<Consumer<State>> stateListeners = new CopyOnWriteArrayList<>();

    private Builder(PollTransport transport, String name, HandlerRegistry registry, boolean longPoll) {
      this.transport = Objects.requireNonNull(transport, "transport");
      this.name = Objects.requireNonNull(name, "name");
      this.registry = Objects.requireNonNull(registry, "registry");
      this.longPoll = longPoll;
      String problem = ClientNames.problem(name);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }

    /** Runs handlers on {@code executor}, as {@link StreamClient.Builder#executor}. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The first delay before a failed poll is retried (or a new session started) and the most
     * it grows to, as {@link StreamClient.Builder#backoff}. 1 s and 30 s unless set.
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
     * Long-poll only: how long the controller may hold a poll (it also caps it, at 25 s by
     * default); keep it below the idle timeout of every proxy on the way. 25 s unless set.
     */
    public Builder maxWait(Duration max) {
      if (!longPoll) {
        throw new IllegalStateException("maxWait is for long-poll clients; a heartbeat client has an interval");
      }
      this.maxWait = positive(max, "maxWait");
      return this;
    }

    /**
     * Heartbeat only: the time between the answer to one poll and the next poll; keep it well
     * below the controller's liveness window (15 s by default). 5 s unless set.
     */
    public Builder interval(Duration interval) {
      if (longPoll) {
        throw new IllegalStateException("interval is for heartbeat clients; a long-poll client has a maxWait");
      }
      this.interval = positive(interval, "interval");
      return this;
    }

    /** The largest serialized response sent, as {@link StreamClient.Builder#maxResponseBytes}. */
    public Builder maxResponseBytes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1, was " + max);
      }
      this.maxResponseBytes = max;
      return this;
    }

    /** How many handlers may run at once, as {@link StreamClient.Builder#maxConcurrentHandlers}. */
    public Builder maxConcurrentHandlers(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentHandlers must be at least 1, was " + max);
      }
      this.maxConcurrentHandlers = max;
      return this;
    }

    /**
     * Declares {@code labels} in Hello (e.g. {@code region=eu}), as {@link
     * StreamClient.Builder#labels}, so that the controller can select this client among others.
     * None unless set.
     *
     * @throws IllegalArgumentException if a key or value breaks the label rule
     */
    public Builder labels(Map<String, String> labels) {
      this.labels = ClientLabels.checked(labels);
      return this;
    }

    /**
     * Sends {@code token} as {@code authorization: Bearer <token>} on every poll, as {@link
     * StreamClient.Builder#bearerToken}. Use it with TLS.
     */
    public Builder bearerToken(String token) {
      this.bearerToken = BearerToken.checked(token);
      return this;
    }

    /** How many bytes of requests may wait unanswered, as {@link StreamClient.Builder#maxQueuedRequestBytes}. */
    public Builder maxQueuedRequestBytes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxQueuedRequestBytes must be at least 1, was " + max);
      }
      this.maxQueuedRequestBytes = max;
      return this;
    }

    /** Calls {@code listener} with every state change, in order, one at a time, on a shared pool. */
    public Builder onStateChange(Consumer<State> listener) {
      stateListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Builds the client and sends its first poll. */
    public PollClient start() {
      PollClient client = new PollClient(this);
      client.sync.execute(client::begin);
      return client;
    }

    private static Duration positive(Duration value, String what) {
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
      return value;
    }
  }
}
