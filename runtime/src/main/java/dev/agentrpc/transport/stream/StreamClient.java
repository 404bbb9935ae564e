package dev.agentrpc.transport.stream;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.internal.ClientNames;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.MessageLimits;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent end of the stream transport: dials the controller over a gRPC {@link Channel},
 * says Hello with its name, serves the controller's requests with a {@link HandlerRegistry},
 * and redials forever with exponential backoff and jitter when the stream ends. Each
 * connection gets a fresh dispatcher.
 *
 * <pre>{@code
 * HandlerRegistry registry = new HandlerRegistry();
 * AgentFunctionsHandlers.register(registry, new MyAgentFunctions());
 * try (StreamClient agent = StreamClient.newBuilder(channel, "agent-7", registry).start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Closing it cancels the stream and every handler in flight; the channel stays the
 * caller's to shut down. Thread-safe.
 */
public final class StreamClient implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(StreamClient.class);

  /** Where the client is in its connection's life. */
  public enum State {
    /** A stream is being opened. */
    CONNECTING,
    /** The stream is open and Hello was sent; requests are served. */
    CONNECTED,
    /** The last stream ended; a redial is scheduled. */
    WAITING_TO_RECONNECT,
    /** {@link #close()} was called; terminal. */
    CLOSED
  }

  private final CoordinatorGrpc.CoordinatorStub stub;
  private final String name;
  private final HandlerRegistry registry;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final Backoff backoff;
  private final int maxResponseBytes;
  private final List<Consumer<State>> stateListeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private State state = State.CONNECTING; // guarded by lock
  private ClientConnection connection; // guarded by lock
  private ScheduledFuture<?> redial; // guarded by lock

  private StreamClient(Builder builder) {
    // Stream callbacks run on the transport thread: only handler work goes to the executor.
    this.stub = CoordinatorGrpc.newStub(builder.channel).withExecutor(Runnable::run);
    this.name = builder.name;
    this.registry = builder.registry;
    this.ownedExecutor = builder.executor == null ? newHandlerPool(builder.name) : null;
    this.executor = builder.executor != null ? builder.executor : ownedExecutor;
    this.backoff =
        new Backoff(Durations.toNanos(builder.initialBackoff), Durations.toNanos(builder.maxBackoff));
    this.stateListeners.addAll(builder.stateListeners);
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

  /** The connection's state now. */
  public State state() {
    synchronized (lock) {
      return state;
    }
  }

  /** Closes the stream, cancels every handler in flight and stops redialing. Idempotent. */
  @Override
  public void close() {
    ClientConnection current;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      current = connection;
      connection = null;
      if (redial != null) {
        redial.cancel(false);
      }
      setState(State.CLOSED);
    }
    if (current != null) {
      current.cancel("the client closed");
    }
    if (ownedExecutor != null) {
      // Handlers were cancelled through their Context; let them finish, unblocked.
      ownedExecutor.shutdown();
    }
  }

  private void dial() {
    ClientConnection next;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      redial = null;
      setState(State.CONNECTING);
      next =
          new ClientConnection(
              registry, executor, maxResponseBytes, this::onConnected, this::onEnded);
      connection = next;
    }
    try {
      stub.connect(next);
      next.sayHello(name);
    } catch (RuntimeException e) {
      onEnded(next, Status.fromThrowable(e));
    }
  }

  private void onConnected() {
    synchronized (lock) {
      if (state == State.CONNECTING) {
        setState(State.CONNECTED);
      }
    }
  }

  private void onEnded(ClientConnection ended, Status status) {
    synchronized (lock) {
      if (connection != ended || state == State.CLOSED) {
        return;
      }
      connection = null;
      if (state == State.CONNECTED && status.getCode() != Status.Code.INVALID_ARGUMENT) {
        backoff.reset();
      }
      long delay = backoff.nextDelayNanos();
      logStreamEnd(status, delay);
      setState(State.WAITING_TO_RECONNECT);
      redial = SharedTimer.get().schedule(this::dial, delay, TimeUnit.NANOSECONDS);
    }
  }

  private void logStreamEnd(Status status, long delayNanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(delayNanos);
    if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
      logger.error(
          "client '{}' was refused by the server ({}); redialing in {} ms",
          name,
          status.getDescription(),
          millis);
    } else {
      logger.info(
          "client '{}' lost its stream ({}: {}); redialing in {} ms",
          name,
          status.getCode(),
          status.getDescription(),
          millis);
    }
  }

  private void setState(State next) {
    state = next;
    for (Consumer<State> listener : stateListeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        logger.warn("state listener threw on {}", next, e);
      }
    }
  }

  private static ExecutorService newHandlerPool(String name) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newCachedThreadPool(
        runnable -> {
          Thread thread = new Thread(runnable, "agentrpc-handler-" + name + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
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
     * the client runs them on a cached pool of daemon threads it shuts down on close.
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
     * Calls {@code listener} with every state change, on the thread that made it: return
     * quickly.
     */
    public Builder onStateChange(Consumer<State> listener) {
      stateListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Builds the client and starts dialing. */
    public StreamClient start() {
      StreamClient client = new StreamClient(this);
      client.dial();
      return client;
    }
  }
}
