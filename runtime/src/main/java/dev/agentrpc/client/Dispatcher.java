package dev.agentrpc.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.HandlerPool;
import dev.agentrpc.internal.MessageLimits;
import dev.agentrpc.internal.RateLimitedLog;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.internal.WireStatus;
import dev.agentrpc.proto.v1.Request;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests of one client connection: looks up each request's handler, runs it
 * on the executor inside an {@link io.grpc.Context} carrying the request's deadline, and
 * sends its response. cancel_id and {@link #close()} cancel that Context.
 *
 * <p>At most {@code maxConcurrentHandlers} handlers run at once: a synchronous one counts
 * until it returns (even past its deadline, if it ignores its Context), an asynchronous one
 * until its stage completes. A request beyond the bound is answered RESOURCE_EXHAUSTED at
 * once, so the executor never holds more than that many tasks.
 *
 * <p>Transports create one per connection and feed it from the connection's inbound
 * thread; {@link #onCommand} never blocks. Only handler work goes to the executor: unknown
 * types and protocol errors are answered on the calling thread.
 */
public final class Dispatcher {
  private static final Logger logger = LoggerFactory.getLogger(Dispatcher.class);
  private static final RateLimitedLog rateLimited = new RateLimitedLog(logger);

  /** How many handlers run at once unless set otherwise. */
  public static final int DEFAULT_MAX_CONCURRENT_HANDLERS = 128;
  /** How many bytes of requests may be admitted and unanswered at once unless set otherwise. */
  public static final long DEFAULT_MAX_QUEUED_REQUEST_BYTES = 32L * 1024 * 1024;
  /** The longest timeout a request may carry: longer ones are answered INVALID_ARGUMENT. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  private static final long MAX_TIMEOUT_NANOS = MAX_TIMEOUT.toNanos();

  private final HandlerRegistry registry;
  private final Executor executor;
  /** Where an async handler's stage is cancelled: the executor, or the cancelling thread once it is shut down. */
  private final Executor cancellations;
  private final ResponseSink sink;
  private final int maxResponseBytes;
  private final int maxConcurrentHandlers;
  private final long maxQueuedRequestBytes;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong requestBytes = new AtomicLong();
  private final ConcurrentHashMap<Long, InFlight> inFlight = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * A dispatcher with the default limits.
   *
   * @param registry the handlers to serve
   * @param executor runs handlers; must not run them on the calling thread if they block
   * @param sink where responses go
   */
  public Dispatcher(HandlerRegistry registry, Executor executor, ResponseSink sink) {
    this(newBuilder(registry, executor, sink));
  }

  private Dispatcher(Builder builder) {
    this.registry = builder.registry;
    this.executor = builder.executor;
    this.cancellations = orCallerOnceShutDown(builder.executor);
    this.sink = builder.sink;
    this.maxResponseBytes = builder.maxResponseBytes;
    this.maxConcurrentHandlers = builder.maxConcurrentHandlers;
    this.maxQueuedRequestBytes = builder.maxQueuedRequestBytes;
  }

  /** A builder of a dispatcher serving {@code registry} on {@code executor}, answering to {@code sink}. */
  public static Builder newBuilder(HandlerRegistry registry, Executor executor, ResponseSink sink) {
    return new Builder(registry, executor, sink);
  }

  /** Handles one command from the server: a request or a cancel. */
  public void onCommand(ServerToClient command) {
    switch (command.getCommandCase()) {
      case REQUEST:
        onRequest(command.getRequest());
        break;
      case CANCEL_ID:
        onCancel(command.getCancelId());
        break;
      default:
        logger.debug("ignoring a ServerToClient command this version does not know");
    }
  }

  /** Requests whose handlers have not finished. */
  public int inFlight() {
    return inFlight.size();
  }

  /**
   * The connection is gone: cancels every in-flight handler's Context and drops their
   * responses. Idempotent.
   */
  public void close() {
    closed = true;
    for (InFlight call : inFlight.values()) {
      if (inFlight.remove(call.id, call)) {
        call.context.cancel(
            Status.CANCELLED.withDescription("the connection to the server closed").asException());
      }
    }
  }

  private void onRequest(Request request) {
    long id = request.getId();
    if (closed) {
      return;
    }
    MethodHandler handler = registry.lookup(request.getPayload().getTypeUrl());
    if (handler == null) {
      reply(
          id,
          Status.UNIMPLEMENTED.withDescription("this client has no handler for " + typeName(request)));
      return;
    }
    long timeoutNanos = Durations.toNanos(request.getTimeout());
    if (!request.hasTimeout() || timeoutNanos <= 0) {
      reply(id, Status.INVALID_ARGUMENT.withDescription("request " + id + " has no positive timeout"));
      return;
    }
    if (timeoutNanos > MAX_TIMEOUT_NANOS) {
      reply(
          id,
          Status.INVALID_ARGUMENT.withDescription(
              "request " + id + " has a timeout over " + MAX_TIMEOUT.toHours() + " hours"));
      return;
    }
    if (running.incrementAndGet() > maxConcurrentHandlers) {
      running.decrementAndGet();
      rateLimited.warn("handlers", "refusing requests: " + maxConcurrentHandlers + " handlers already run");
      reply(
          id,
          Status.RESOURCE_EXHAUSTED.withDescription(
              "this client is already running "
                  + maxConcurrentHandlers
                  + " handlers; retry later, or raise its maxConcurrentHandlers"));
      return;
    }
    int bytes = request.getPayload().getValue().size();
    if (requestBytes.addAndGet(bytes) > maxQueuedRequestBytes) {
      requestBytes.addAndGet(-bytes);
      running.decrementAndGet();
      rateLimited.warn(
          "bytes", "refusing requests: " + maxQueuedRequestBytes + " bytes of requests already wait");
      reply(
          id,
          Status.RESOURCE_EXHAUSTED.withDescription(
              "this client already holds "
                  + maxQueuedRequestBytes
                  + " bytes of unanswered requests; retry later, or raise its"
                  + " maxQueuedRequestBytes"));
      return;
    }
    Context.CancellableContext context =
        Context.ROOT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS, SharedTimer.get());
    InFlight call = new InFlight(id, context, handler, request);
    if (inFlight.putIfAbsent(id, call) != null) {
      call.release();
      context.cancel(null);
      logger.warn("ignoring request {}: a request with that id is already in flight", id);
      return;
    }
    if (closed) {
      // close() may have missed the call just added.
      inFlight.remove(id, call);
      call.release();
      context.cancel(null);
      return;
    }
    try {
      executor.execute(call);
    } catch (RejectedExecutionException e) {
      call.release();
      if (inFlight.remove(id, call)) {
        context.cancel(null);
        reply(id, Status.UNAVAILABLE.withDescription("the client's handler executor refused the request"));
      }
    }
  }

  private void onCancel(long id) {
    InFlight call = inFlight.remove(id);
    if (call != null) {
      call.context.cancel(Status.CANCELLED.withDescription("cancelled by the server").asException());
    }
  }

  /** Sends the handler's outcome unless the call was cancelled, timed out or the connection closed. */
  private void finish(InFlight call, Message response, Throwable failure) {
    call.release();
    if (failure == null && response == null) {
      failure = new NullPointerException("the handler completed with null");
    }
    boolean current = inFlight.remove(call.id, call);
    boolean expired = call.context.isCancelled();
    Status unsent = expired ? Contexts.statusFromCancelled(call.context) : Status.CANCELLED;
    call.stopCancellingStage();
    call.context.cancel(null);
    if (!current || expired || closed) {
      call.observeEnd(unsent);
      return;
    }
    if (failure == null) {
      ByteString payload = response.toByteString();
      if (payload.size() > maxResponseBytes) {
        Status tooLarge =
            Status.RESOURCE_EXHAUSTED.withDescription(
                "the response to "
                    + call.handler.requestType()
                    + " is "
                    + payload.size()
                    + " bytes; this client's limit is "
                    + maxResponseBytes);
        call.observeEnd(tooLarge);
        reply(call.id, tooLarge);
        return;
      }
      call.observeEnd(Status.OK);
      sink.send(Response.newBuilder().setId(call.id).setPayload(payload).build());
    } else {
      com.google.rpc.Status error = wireStatusOf(failure, call.handler.requestType());
      call.observeEnd(WireStatus.fromProto(error));
      sink.send(Response.newBuilder().setId(call.id).setError(error).build());
    }
  }

  private static Executor orCallerOnceShutDown(Executor executor) {
    return task -> {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        if (!isShutDown(executor)) {
          throw e; // full, not closed: gRPC logs it, as before
        }
        task.run(); // the agent closed and its executor with it; the stage must still end
      }
    };
  }

  private static boolean isShutDown(Executor executor) {
    if (executor instanceof HandlerPool pool) {
      return pool.isShutdown();
    }
    return executor instanceof ExecutorService service && service.isShutdown();
  }

  private static void cancelStage(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().cancel(false);
    } catch (UnsupportedOperationException e) {
      // A stage that cannot be a CompletableFuture cannot be cancelled: it ends on its own.
    }
  }

  private void reply(long id, Status status) {
    sink.send(Response.newBuilder().setId(id).setError(WireStatus.toProto(status)).build());
  }

  /** The handler's failure as the wire carries it: a status it chose stays whole, details too. */
  private static com.google.rpc.Status wireStatusOf(Throwable failure, String requestType) {
    Throwable t = failure;
    if (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof StatusException || t instanceof StatusRuntimeException) {
      return WireStatus.toProto(t);
    }
    if (t instanceof CancellationException) {
      return WireStatus.toProto(
          Status.CANCELLED.withDescription("the handler for " + requestType + " was cancelled"));
    }
    logger.warn("handler for {} failed", requestType, t);
    return WireStatus.toProto(
        Status.UNKNOWN.withDescription(
            "the handler for " + requestType + " failed with " + t.getClass().getName()));
  }

  private static String typeName(Request request) {
    String url = request.getPayload().getTypeUrl();
    return url.isEmpty() ? "an empty payload" : url.substring(url.lastIndexOf('/') + 1);
  }

  /** One request whose handler runs; the task the executor runs. */
  private final class InFlight implements Runnable {
    final long id;
    final Context.CancellableContext context;
    final MethodHandler handler;
    private final Request request;
    private final AtomicBoolean holdsSlot = new AtomicBoolean(true);
    private volatile List<HandlerObserver.Handling> observed = List.of();
    private volatile Context.CancellationListener stageCanceller; // async handlers only

    InFlight(long id, Context.CancellableContext context, MethodHandler handler, Request request) {
      this.id = id;
      this.context = context;
      this.handler = handler;
      this.request = request;
    }

    /** The handler finished: its Context's end need not cancel its stage (a task for nothing). */
    void stopCancellingStage() {
      Context.CancellationListener canceller = stageCanceller;
      if (canceller != null) {
        context.removeListener(canceller);
      }
    }

    /** Gives back this handler's place among the concurrently running; idempotent. */
    void release() {
      if (holdsSlot.compareAndSet(true, false)) {
        running.decrementAndGet();
        requestBytes.addAndGet(-request.getPayload().getValue().size());
      }
    }

    @Override
    public void run() {
      if (context.isCancelled()) {
        finish(this, null, null);
        return;
      }
      Message parsed;
      try {
        parsed = handler.parse(request.getPayload().getValue());
      } catch (InvalidProtocolBufferException e) {
        finish(
            this,
            null,
            Status.INVALID_ARGUMENT
                .withDescription(
                    "payload does not parse as " + handler.requestType() + ": " + e.getMessage())
                .asException());
        return;
      }
      Context previous = context.attach();
      List<HandlerObserver.Handling> handlings = List.of();
      try {
        handlings = startObserving();
        observed = handlings;
        if (handler.isAsync()) {
          runAsync(parsed);
        } else {
          finish(this, handler.invoke(parsed), null);
        }
      } catch (Throwable t) {
        finish(this, null, t);
      } finally {
        // Last in, first out: what an observer made current is undone after the observers after it.
        for (int i = handlings.size() - 1; i >= 0; i--) {
          HandlerObserver.Handling handling = handlings.get(i);
          try {
            handling.onInvoked();
          } catch (RuntimeException e) {
            logger.warn("HandlerObserver.Handling {} threw after its handler returned", handling, e);
          }
        }
        context.detach(previous);
      }
    }

    private List<HandlerObserver.Handling> startObserving() {
      List<HandlerObserver> observers = registry.observers();
      if (observers.isEmpty()) {
        return List.of();
      }
      List<HandlerObserver.Handling> handlings = new ArrayList<>(observers.size());
      for (HandlerObserver observer : observers) {
        try {
          HandlerObserver.Handling handling =
              observer.onStart(handler.requestType(), request.getMetadataMap());
          if (handling != null) {
            handlings.add(handling);
          }
        } catch (RuntimeException e) {
          logger.warn("HandlerObserver {} threw before a handler of {}", observer, handler.requestType(), e);
        }
      }
      return handlings;
    }

    /** Tells the observers how the call ended; once, by whoever finishes it. */
    void observeEnd(Status status) {
      List<HandlerObserver.Handling> handlings = observed;
      observed = List.of();
      for (HandlerObserver.Handling handling : handlings) {
        try {
          handling.onEnd(status);
        } catch (RuntimeException e) {
          logger.warn("HandlerObserver.Handling {} threw on the end of a call", handling, e);
        }
      }
    }

    private void runAsync(Message parsed) throws StatusException {
      CompletionStage<? extends Message> stage = handler.invokeAsync(parsed);
      // On the handler executor: cancelling the stage runs the handler's own stages, which
      // must not run on the timer thread that fires the deadline. A stage returned after the
      // agent closed meets a cancelled Context and an executor shut down: it is cancelled here.
      Context.CancellationListener canceller = cancelled -> cancelStage(stage);
      stageCanceller = canceller;
      context.addListener(canceller, cancellations);
      stage.whenComplete((response, failure) -> finish(this, response, failure));
    }
  }

  /** Options of a {@link Dispatcher}. */
  public static final class Builder {
    private final HandlerRegistry registry;
    private final Executor executor;
    private final ResponseSink sink;
    private int maxResponseBytes = MessageLimits.DEFAULT_MAX_PAYLOAD_BYTES;
    private int maxConcurrentHandlers = DEFAULT_MAX_CONCURRENT_HANDLERS;
    private long maxQueuedRequestBytes = DEFAULT_MAX_QUEUED_REQUEST_BYTES;

    private Builder(HandlerRegistry registry, Executor executor, ResponseSink sink) {
      this.registry = Objects.requireNonNull(registry, "registry");
      this.executor = Objects.requireNonNull(executor, "executor");
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * The largest serialized response sent; a larger one fails its call with
     * RESOURCE_EXHAUSTED instead of breaking the stream. Just under 4 MiB unless set.
     */
    public Builder maxResponseBytes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1, was " + max);
      }
      this.maxResponseBytes = max;
      return this;
    }

    /** How many handlers may run at once. {@value #DEFAULT_MAX_CONCURRENT_HANDLERS} unless set. */
    public Builder maxConcurrentHandlers(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentHandlers must be at least 1, was " + max);
      }
      this.maxConcurrentHandlers = max;
      return this;
    }

    /**
     * How many bytes of request payloads may be admitted and unanswered at once; a request
     * beyond is answered RESOURCE_EXHAUSTED at once. 32 MiB unless set.
     */
    public Builder maxQueuedRequestBytes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxQueuedRequestBytes must be at least 1, was " + max);
      }
      this.maxQueuedRequestBytes = max;
      return this;
    }

    public Dispatcher build() {
      return new Dispatcher(this);
    }
  }
}
