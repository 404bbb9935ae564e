package dev.agentrpc.server;

import io.grpc.Metadata;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A future the runtime completes for a caller: the runtime decides its outcome on whatever
 * thread learns it (transport, timer), and the future completes, running the caller's
 * stages, on the caller's executor; or on the caller's own thread when it waits in {@link
 * Calls#await}, with no hand-off at all.
 *
 * <p>A thread that blocks on the future ({@link #get()}, {@link #join()}) while its outcome
 * is known but still waits for the executor completes it itself: a stage that waits for
 * another call's future never waits behind its own executor task.
 */
abstract class CallFuture<T> extends CompletableFuture<T> {
  private static final int UNDECIDED = 0;
  private static final int AWAITED = 1;
  private static final int DECIDED = 2;
  /** How long past its deadline a waiting caller waits before deciding the outcome itself. */
  private static final long AWAIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final VarHandle DELIVERY;
  private static final VarHandle DELIVERED;
  private static final VarHandle WAITER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      DELIVERY = lookup.findVarHandle(CallFuture.class, "delivery", int.class);
      DELIVERED = lookup.findVarHandle(CallFuture.class, "delivered", boolean.class);
      WAITER = lookup.findVarHandle(CallFuture.class, "waiter", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Executor executor;
  private volatile int delivery = UNDECIDED; // UNDECIDED -> AWAITED or DECIDED, once
  private volatile boolean delivered; // the future was completed with the outcome, once
  private volatile Thread waiter; // the one thread waiting in awaitOutcome, if any
  private volatile Object outcome; // a T, or a Failure

  CallFuture(Executor executor) {
    this.executor = executor;
  }

  /** The outcome is a value. Called once. */
  final void decide(T value) {
    settle(value);
  }

  /** The outcome is a failure with {@code status}. Called once. */
  final void decideFailure(Status status) {
    settle(new Failure(status, null));
  }

  /** The outcome is a failure with {@code status} and {@code trailers}. Called once. */
  final void decideFailure(Status status, Metadata trailers) {
    settle(new Failure(status, trailers));
  }

  /** Runs after the future completed, on the thread that completed it. */
  abstract void onDelivered();

  /** When {@link #await()} stops waiting for the runtime and decides on its own, in nanoTime. */
  abstract long awaitDeadlineNanos();

  /** The caller waited past {@link #awaitDeadlineNanos()}: decide now, if nothing else did. */
  abstract void expire();

  /** The waiting thread was interrupted: give up the call. */
  abstract void abandonOnInterrupt();

  /** The caller completed the future itself: cancel what is outstanding, free its slots. */
  abstract void abandon();

  /** Cancels the call on the client too. */
  @Override
  public final boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    completedByCaller();
    return cancelled;
  }

  /** Completing the future yourself cancels the call on the client. */
  @Override
  public final boolean complete(T value) {
    boolean completed = super.complete(value);
    completedByCaller();
    return completed;
  }

  /** Failing the future yourself (so also {@code orTimeout}) cancels the call on the client. */
  @Override
  public final boolean completeExceptionally(Throwable failure) {
    boolean completed = super.completeExceptionally(failure);
    completedByCaller();
    return completed;
  }

  private void settle(Object result) {
    outcome = result;
    if (DELIVERY.compareAndSet(this, UNDECIDED, DECIDED)) {
      try {
        executor.execute(this::deliver);
      } catch (RejectedExecutionException e) {
        deliver(); // the executor is shut down: complete here rather than never
      }
    } else {
      LockSupport.unpark(waiter);
    }
  }

  /** Completes the future with the outcome, on this thread; once, whoever calls first. */
  @SuppressWarnings("unchecked")
  private void deliver() {
    if (!DELIVERED.compareAndSet(this, false, true)) {
      return;
    }
    try {
      Object result = outcome;
      if (result instanceof Failure) {
        super.completeExceptionally(((Failure) result).exception());
      } else {
        super.complete((T) result);
      }
    } finally {
      onDelivered();
    }
  }

  @Override
  public final T get() throws InterruptedException, ExecutionException {
    deliverIfKnown();
    return super.get();
  }

  @Override
  public final T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    deliverIfKnown();
    return super.get(timeout, unit);
  }

  @Override
  public final T join() {
    deliverIfKnown();
    return super.join();
  }

  @Override
  public final T getNow(T valueIfAbsent) {
    deliverIfKnown();
    return super.getNow(valueIfAbsent);
  }

  /** An outcome queued on the executor is delivered here instead of waiting for it. */
  private void deliverIfKnown() {
    if (outcome != null && delivery == DECIDED) {
      deliver();
    }
  }

  /**
   * Waits on this thread for the outcome and returns it: the value, or a fresh
   * StatusRuntimeException thrown with this thread's stack trace. When this thread is the
   * first to wait before the outcome is known, the future is completed here too, with no
   * executor hop; otherwise its completion stays the executor's.
   *
   * @throws InterruptedException after giving up the call
   * @throws CancellationException if the caller cancelled the future
   */
  @SuppressWarnings("unchecked")
  final T awaitOutcome() throws InterruptedException {
    Thread me = Thread.currentThread();
    if (!WAITER.compareAndSet(this, null, me)) {
      return awaitCompletion(); // another thread waits already: rare
    }
    if (DELIVERY.compareAndSet(this, UNDECIDED, AWAITED)) {
      parkUntilSettled();
      if (outcome != null) {
        deliver();
      }
    }
    Object result = outcome;
    if (result == null) {
      return awaitCompletion(); // completed by the caller itself
    }
    if (result instanceof Failure) {
      throw ((Failure) result).exception(); // fresh, with this thread's stack trace
    }
    return (T) result;
  }

  private void parkUntilSettled() throws InterruptedException {
    boolean expired = false;
    while (outcome == null && !isDone()) {
      if (Thread.interrupted()) {
        abandonOnInterrupt();
        while (outcome == null && !isDone()) {
          // Whoever claimed the call first is settling it now.
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (outcome != null) {
          deliver();
        }
        throw new InterruptedException();
      }
      long left = awaitDeadlineNanos() + AWAIT_GRACE_NANOS - System.nanoTime();
      if (left <= 0) {
        if (!expired) {
          expired = true;
          expire();
        }
        left = TimeUnit.MILLISECONDS.toNanos(10);
      }
      LockSupport.parkNanos(this, left);
    }
  }

  private T awaitCompletion() throws InterruptedException {
    long left = awaitDeadlineNanos() + 2 * AWAIT_GRACE_NANOS - System.nanoTime();
    try {
      return get(Math.max(left, 0), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Status status = Calls.statusOf(e.getCause());
      throw status.asRuntimeException();
    } catch (TimeoutException e) {
      throw Status.DEADLINE_EXCEEDED
          .withDescription("the call's outcome was not delivered in time; is the callback executor stuck?")
          .asRuntimeException();
    }
  }

  private void completedByCaller() {
    Thread thread = waiter;
    if (thread != null) {
      LockSupport.unpark(thread); // a thread waiting in awaitOutcome stops
    }
    abandon();
  }

  /** Fails the future at once, on this thread, before anyone could attach a stage. */
  final void failNow(Status status) {
    outcome = new Failure(status, null);
    delivery = DECIDED;
    delivered = true;
    super.completeExceptionally(status.asRuntimeException());
  }

  /** Completes the future at once, on this thread, before anyone could attach a stage. */
  final void completeNow(T value) {
    outcome = value;
    delivery = DECIDED;
    delivered = true;
    super.complete(value);
  }

  private static final class Failure {
    final Status status;
    final Metadata trailers;

    Failure(Status status, Metadata trailers) {
      this.status = status;
      this.trailers = trailers;
    }

    StatusRuntimeException exception() {
      if (trailers == null) {
        return status.asRuntimeException();
      }
      Metadata copy = new Metadata();
      copy.merge(trailers);
      return status.asRuntimeException(copy);
    }
  }
}
