package dev.agentrpc.server;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.server.spi.RemoteCall;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one {@link FanOut}: starts its calls (all at once, or a window at a time), records
 * each outcome as a {@link Result}, and applies the options' quorum, failure and stall
 * bounds.
 *
 * <p>State changes happen under this object's lock, which never calls out; calls start and
 * are cancelled outside it, from a loop that one thread at a time runs, so that a call that
 * ends while it starts never recurses into another start.
 */
final class FanOutRun<R> implements Context.CancellationListener {
  private final Clients clients;
  private final FanOut<R> fanOut;
  private final FanOutOptions options;
  private final Any payload;
  private final Parser<R> parser;
  private final long timeoutNanos;
  private final Context callerContext; // null: none to watch
  private final String[] targets;
  private final ConnectedClient[] sessions; // resolved when selected; null: look up at its turn
  private final PendingCall<?>[] calls;
  private final RemoteCall[] forwarded; // calls to clients other replicas hold
  private final boolean[] cancelled; // guarded by this: the fan-out cancelled this call
  private final long[] startNanos;
  private final boolean[] ended;
  private final int window;
  private final boolean windowed;
  private final AtomicInteger pumping = new AtomicInteger();

  // Guarded by this.
  private int next;
  private int inFlight; // started and not ended, or ended and pausing before the next start
  private int recorded;
  private int answered;
  private int failed;
  private Status stopStatus; // why the fan-out stopped calling, null while it goes on
  private boolean cancelInFlight;
  private long lastResultNanos;

  private final UnaryOperator<Runnable> carried; // null unless observers carry a context
  private volatile ScheduledFuture<?> deadlineTimer;
  private volatile ScheduledFuture<?> stallTimer;

  FanOutRun(
      Clients clients,
      FanOut<R> fanOut,
      FanOutOptions options,
      List<String> targets,
      List<ConnectedClient> sessions,
      Any payload,
      Parser<R> parser,
      long timeoutNanos,
      Context callerContext) {
    this.clients = clients;
    this.fanOut = fanOut;
    this.options = options;
    this.payload = payload;
    this.parser = parser;
    this.timeoutNanos = timeoutNanos;
    this.callerContext = callerContext;
    this.targets = targets.toArray(new String[0]);
    this.sessions = sessions.toArray(new ConnectedClient[0]);
    this.calls = new PendingCall<?>[this.targets.length];
    this.forwarded = new RemoteCall[this.targets.length];
    this.cancelled = new boolean[this.targets.length];
    this.startNanos = new long[this.targets.length];
    this.ended = new boolean[this.targets.length];
    this.window = options.windowFor(this.targets.length);
    this.windowed = options.isWindowed();
    Observers observers = clients.observers();
    // Built on the caller's thread: what observers read from it, for starts on other threads.
    this.carried = windowed && !observers.isEmpty() ? observers.carryContexts() : null;
  }

  /** Starts the first calls and the timers. */
  void start() {
    long now = System.nanoTime();
    synchronized (this) {
      lastResultNanos = now;
    }
    if (targets.length == 0) {
      fanOut.finish();
      return;
    }
    if (options.stallTimeout != null) {
      stallTimer = SharedTimer.get().schedule(this::checkStall, Durations.toNanos(options.stallTimeout), TimeUnit.NANOSECONDS);
    }
    if (callerContext != null) {
      callerContext.addListener(this, Runnable::run);
    }
    pump();
    if (!windowed) {
      // Armed once every call started, so that none can start after it fired.
      deadlineTimer = SharedTimer.get().schedule(this::deadlinePassed, timeoutNanos, TimeUnit.NANOSECONDS);
      synchronized (this) {
        if (recorded < targets.length) {
          return;
        }
      }
      deadlineTimer.cancel(false); // every call ended before it was armed
    }
  }

  /** The fan-out's caller cancelled it. */
  boolean cancel() {
    return stop(Status.CANCELLED.withDescription("the fan-out was cancelled by its caller"), true);
  }

  /** The caller's io.grpc.Context was cancelled or passed its deadline. */
  @Override
  public void cancelled(Context context) {
    stop(PendingCall.contextCancelled(context), true);
  }

  // ---- starting calls ----

  /** Starts calls while the window has room; one thread at a time runs the loop. */
  private void pump() {
    if (pumping.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (true) {
        int index;
        synchronized (this) {
          if (stopStatus != null || next >= targets.length || inFlight >= window) {
            break;
          }
          index = next++;
          inFlight++;
        }
        if (carried == null) {
          startCall(index);
        } else {
          carried.apply(() -> startCall(index)).run();
        }
      }
      missed = pumping.addAndGet(-missed);
    } while (missed != 0);
  }

  private void startCall(int index) {
    String name = targets[index];
    ConnectedClient session = sessions[index] != null ? sessions[index] : clients.session(name);
    startNanos[index] = System.nanoTime();
    long timeout =
        windowed && callerContext != null
            ? Clients.effectiveTimeout(callerContext, timeoutNanos) // what remains of the caller's deadline now
            : timeoutNanos;
    PendingCall<R> call = null;
    RemoteCall remote = null;
    if (session != null) {
      call = session.start(payload, parser, timeout, null, new Slot(index));
    } else {
      remote = clients.callElsewhere(name, payload, timeout, new Forwarded(index));
      if (remote == null) {
        Status notFound = Status.NOT_FOUND.withDescription(
            windowed
                ? "client '" + name + "' was not connected when its turn came"
                : "no client named '" + name + "' is connected");
        Observers observers = clients.observers();
        if (!observers.isEmpty()) {
          observers.refused(name, payload.getTypeUrl(), notFound);
        }
        record(index, Result.notCalled(name, notFound));
        return;
      }
    }
    Status stop;
    synchronized (this) {
      forwarded[index] = remote;
      stop = cancelInFlight && !ended[index] ? stopStatus : null;
      if (stop != null) {
        cancelled[index] = true;
      }
    }
    if (stop != null) {
      // the fan-out stopped while this call was starting
      if (call != null) {
        call.cancel(stop);
      } else {
        remote.cancel(stop);
      }
    }
  }

  // ---- outcomes ----

  private void callEnded(int index, R value, Status status, Metadata trailers) {
    long latency = System.nanoTime() - startNanos[index];
    Result<R> result;
    if (status == null) {
      result = Result.answered(targets[index], value, latency);
    } else {
      Status why = status;
      Result.Outcome outcome = Result.Outcome.FAILED;
      synchronized (this) {
        if (cancelled[index]) {
          outcome = Result.Outcome.CANCELLED;
          why = stopStatus; // a forwarded call may come back with the transport's own CANCELLED
          trailers = null;
        }
      }
      result = Result.ended(targets[index], why.asRuntimeException(trailers), outcome, latency);
    }
    PendingCall<?> call = calls[index];
    if (call != null) {
      call.releaseSlot();
    }
    record(index, result);
  }

  /** Records the result of the {@code index}th client, then applies the options' bounds. */
  private void record(int index, Result<R> result) {
    boolean finished;
    boolean stopped = false;
    Stopping stopping = null;
    boolean pause = false;
    synchronized (this) {
      if (ended[index]) {
        return;
      }
      ended[index] = true;
      lastResultNanos = System.nanoTime();
      fanOut.publish(result);
      recorded++;
      if (result.outcome() == Result.Outcome.ANSWERED) {
        answered++;
      } else if (result.outcome() == Result.Outcome.FAILED) {
        failed++;
      }
      if (stopStatus == null) {
        // Stopped here, under the lock: a pump on another thread (a window's slot freed, a
        // pause ended) must not start a call after the bound was crossed.
        if (options.quorum > 0 && answered >= options.quorum) {
          stopping = stopLocked(
              Status.CANCELLED.withDescription("the fan-out's quorum of " + options.quorum + " answers was reached"),
              true);
          stopped = true;
        } else if (options.tooManyFailures(failed, targets.length)) {
          stopping = stopLocked(
              Status.CANCELLED.withDescription("the fan-out stopped after " + failed + " failed calls (" + options + ")"),
              options.stopCancelsInFlight);
          stopped = true;
        }
      }
      pause =
          windowed
              && !options.pause.isZero()
              && result.outcome() != Result.Outcome.NOT_CALLED
              && stopStatus == null
              && next < targets.length;
      if (!pause) {
        inFlight--;
      }
      finished = recorded == targets.length;
    }
    if (stopping != null) {
      stopping.cancelCalls();
    }
    if (finished) {
      finish();
      return;
    }
    fanOut.requestDrain();
    if (pause) {
      SharedTimer.get().schedule(this::pauseEnded, Durations.toNanos(options.pause), TimeUnit.NANOSECONDS);
    } else if (!stopped) {
      pump();
    }
  }

  private void pauseEnded() {
    synchronized (this) {
      inFlight--;
    }
    pump();
  }

  /**
   * Stops calling: those not started get a NOT_CALLED result with {@code status}; those in
   * flight are cancelled with it when {@code cancel}. False if it had stopped or finished.
   */
  private boolean stop(Status status, boolean cancel) {
    Stopping stopping;
    boolean finished;
    synchronized (this) {
      if (stopStatus != null || recorded == targets.length) {
        return false;
      }
      stopping = stopLocked(status, cancel);
      finished = recorded == targets.length;
    }
    stopping.cancelCalls();
    if (finished) {
      finish();
    } else {
      fanOut.requestDrain(); // the results never called stream out now
    }
    return true;
  }

  /**
   * Under this object's lock, while not stopped: records {@code status} as why the fan-out
   * stopped and those not started as never called; returns the calls to cancel outside it.
   */
  private Stopping stopLocked(Status status, boolean cancel) {
    Stopping stopping = new Stopping(status);
    stopStatus = status;
    cancelInFlight = cancel;
    while (next < targets.length) {
      int index = next++;
      ended[index] = true;
      recorded++;
      fanOut.publish(Result.notCalled(targets[index], status));
    }
    if (cancel) {
      for (int i = 0; i < targets.length; i++) {
        if (!ended[i] && (calls[i] != null || forwarded[i] != null)) {
          cancelled[i] = true;
          if (calls[i] != null) {
            stopping.calls.add(calls[i]);
          } else {
            stopping.elsewhere.add(forwarded[i]);
          }
        }
      }
    }
    return stopping;
  }

  /** The calls in flight a stop cancels, once outside the lock. */
  private static final class Stopping {
    final Status status;
    final List<PendingCall<?>> calls = new ArrayList<>();
    final List<RemoteCall> elsewhere = new ArrayList<>();

    Stopping(Status status) {
      this.status = status;
    }

    void cancelCalls() {
      for (PendingCall<?> call : calls) {
        call.cancel(status);
      }
      for (RemoteCall call : elsewhere) {
        call.cancel(status);
      }
    }
  }

  private void finish() {
    PendingCall.stopWatching(deadlineTimer, callerContext, this);
    ScheduledFuture<?> stall = stallTimer;
    if (stall != null) {
      stall.cancel(false);
    }
    fanOut.finish();
  }

  // ---- timers ----

  /** All calls were started at once and share this deadline. */
  private void deadlinePassed() {
    PendingCall<?>[] started;
    synchronized (this) {
      started = calls.clone();
    }
    for (PendingCall<?> call : started) {
      if (call != null) {
        call.run(); // fails it with DEADLINE_EXCEEDED unless it already ended
      }
    }
  }

  private void checkStall() {
    long stallNanos = Durations.toNanos(options.stallTimeout);
    long quietFor;
    synchronized (this) {
      if (recorded == targets.length) {
        return;
      }
      quietFor = System.nanoTime() - lastResultNanos;
    }
    if (quietFor < stallNanos) {
      stallTimer = SharedTimer.get().schedule(this::checkStall, stallNanos - quietFor, TimeUnit.NANOSECONDS);
      return;
    }
    stop(
        Status.DEADLINE_EXCEEDED.withDescription(
            "no result arrived for " + PendingCall.formatNanos(stallNanos) + " (FanOutOptions.stallTimeout)"),
        true);
  }

  /** Where the outcome of a call forwarded to another replica goes. */
  private final class Forwarded implements RemoteCall.Listener {
    private final int index;

    Forwarded(int index) {
      this.index = index;
    }

    @Override
    public void onReply(ByteString reply) {
      R value;
      try {
        value = PendingCall.parse(parser, reply);
      } catch (InvalidProtocolBufferException e) {
        callEnded(index, null, RemoteCallFuture.unparsable(targets[index], e), null);
        return;
      }
      callEnded(index, value, null, null);
    }

    @Override
    public void onFailure(Status status, Metadata trailers) {
      callEnded(index, null, status, trailers);
    }
  }

  /** Where one call's outcome goes. */
  private final class Slot implements Completion<R> {
    private final int index;

    Slot(int index) {
      this.index = index;
    }

    @Override
    public void bind(PendingCall<R> call) {
      calls[index] = call;
    }

    @Override
    public boolean coversDeadline() {
      return !windowed;
    }

    @Override
    public void succeeded(R value) {
      callEnded(index, value, null, null);
    }

    @Override
    public void failed(Status status) {
      callEnded(index, null, status, null);
    }

    @Override
    public void failed(Status status, Metadata trailers) {
      callEnded(index, null, status, trailers);
    }
  }
}
