package dev.agentrpc.server;

import dev.agentrpc.internal.SharedTimer;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The future of a call-all: one {@link Result} per client, delivered once every call ended.
 * Cancelling or completing it yourself (so also {@code orTimeout}) cancels every call still
 * outstanding on its client.
 *
 * <p>One timer and one watch of the caller's context cover all its calls, however many
 * clients there are: each call's deadline is the call-all's.
 */
final class CallAllFuture<R> extends CallFuture<List<Result<R>>>
    implements Context.CancellationListener {
  private final String[] clients;
  private final Result<?>[] results;
  private final PendingCall<?>[] calls;
  private final AtomicInteger remaining;
  private final long startNanos = System.nanoTime(); // every call starts within the same moment
  private volatile long deadlineNanos;
  private volatile ScheduledFuture<?> timer;
  private volatile Context callerContext;

  CallAllFuture(Executor executor, List<String> clients) {
    super(executor);
    this.clients = clients.toArray(new String[0]);
    this.results = new Result<?>[this.clients.length];
    this.calls = new PendingCall<?>[this.clients.length];
    this.remaining = new AtomicInteger(this.clients.length);
  }

  /** The outcome of the call to the {@code index}th client. */
  Completion<R> slot(int index) {
    return new Slot(index);
  }

  void deadline(long nanos) {
    deadlineNanos = nanos;
  }

  /**
   * Every call has started: fail those still pending when {@code timeoutNanos} have passed,
   * and cancel them when {@code context} (null: none to watch) is cancelled.
   */
  void started(long timeoutNanos, Context context) {
    timer = SharedTimer.get().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    if (context != null) {
      callerContext = context;
      context.addListener(this, Runnable::run);
    }
    if (remaining.get() == 0) {
      stopWatching(); // every call ended before the watches began
    }
  }

  /** The caller's context was cancelled: cancel every call still outstanding. */
  @Override
  public void cancelled(Context context) {
    for (PendingCall<?> call : calls) {
      if (call != null) {
        call.cancelled(context);
      }
    }
  }

  @Override
  void onDelivered() {
    for (PendingCall<?> call : calls) {
      if (call != null) {
        call.releaseSlot();
      }
    }
  }

  @Override
  long awaitDeadlineNanos() {
    return deadlineNanos;
  }

  @Override
  void expire() {
    for (PendingCall<?> call : calls) {
      if (call != null) {
        call.run();
      }
    }
  }

  @Override
  void abandonOnInterrupt() {
    Status interrupted = Status.CANCELLED.withDescription("the calling thread was interrupted");
    for (PendingCall<?> call : calls) {
      if (call != null) {
        call.cancel(interrupted);
      }
    }
  }

  @Override
  void abandon() {
    for (PendingCall<?> call : calls) {
      if (call != null) {
        call.abandon();
        call.releaseSlot();
      }
    }
  }

  private void record(int index, Result<?> result) {
    results[index] = result;
    if (remaining.decrementAndGet() == 0) {
      stopWatching();
      decide(collect());
    }
  }

  private void stopWatching() {
    PendingCall.stopWatching(timer, callerContext, this);
  }

  @SuppressWarnings("unchecked")
  private List<Result<R>> collect() {
    List<Result<R>> list = new ArrayList<>(results.length);
    for (Result<?> result : results) {
      list.add((Result<R>) result);
    }
    return list;
  }

  @Override
  public String toString() {
    return "CallAllFuture{remaining=" + remaining.get() + ", of " + Arrays.toString(results) + "}";
  }

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
      return true;
    }

    @Override
    public void succeeded(R value) {
      record(index, Result.answered(clients[index], value, System.nanoTime() - startNanos));
    }

    @Override
    public void failed(Status status) {
      failed(status, null);
    }

    @Override
    public void failed(Status status, Metadata trailers) {
      long latency = System.nanoTime() - startNanos;
      Result<?> result;
      try {
        result = Result.ended(clients[index], status.asRuntimeException(trailers), Result.Outcome.FAILED, latency);
      } catch (RuntimeException e) {
        result =
            Result.ended(clients[index], Status.INTERNAL.withDescription(e.toString()).asRuntimeException(),
                Result.Outcome.FAILED, latency);
      }
      record(index, result);
    }
  }
}
