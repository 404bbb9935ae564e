package dev.agentrpc.internal;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's default handler executor: a pool of daemon threads that hands work off per
 * burst, not per request, and still never lets a handler wait long behind one that blocks.
 *
 * <p>Tasks wait in one queue. A submission wakes a thread only when none is running tasks or
 * on its way to the queue; a thread that finishes a task takes the next without being woken.
 * So a burst of requests costs one wake-up and quick handlers run one after another on a
 * warm thread. When queued work has not moved for {@link #STALL_NANOS} (the running handlers
 * block), a check on the shared timer wakes or starts a thread for every task waiting, up to
 * {@code maxThreads}. Idle threads end after a minute. Internal API: not for users.
 *
 * <p>The queue is unbounded: the caller bounds what it submits (the dispatcher admits at most
 * its {@code maxConcurrentHandlers}).
 */
public final class HandlerPool implements Executor {
  private static final Logger logger = LoggerFactory.getLogger(HandlerPool.class);
  /** How long queued work may wait behind busy threads before more threads help. */
  static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final String threadPrefix;
  private final int maxThreads;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  /** Parked threads, the most recently busy first. */
  private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private final AtomicInteger threads = new AtomicInteger();
  /** Threads woken or started that have not yet looked at the queue. */
  private final AtomicInteger coming = new AtomicInteger();
  private final AtomicInteger threadNumbers = new AtomicInteger();
  private final AtomicBoolean checkScheduled = new AtomicBoolean();
  private final Runnable stallCheck = this::checkStall;
  private volatile long lastTakeNanos = System.nanoTime();
  private volatile boolean shutdown;

  public HandlerPool(String threadPrefix, int maxThreads) {
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads must be at least 1, was " + maxThreads);
    }
    this.threadPrefix = threadPrefix;
    this.maxThreads = maxThreads;
  }

  @Override
  public void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("the handler pool is shut down");
    }
    queue.add(task);
    if (queued.getAndIncrement() == 0) {
      lastTakeNanos = System.nanoTime(); // the queue is judged from when it last was empty
    }
    int busy = threads.get() - idleCount.get() - coming.get();
    if (coming.get() == 0 && busy <= 0) {
      callHelpers(1);
    } else {
      scheduleCheck(); // the busy threads will take it, unless they are stuck
    }
  }

  /** Whether {@link #shutdown()} was called: new tasks are refused. */
  public boolean isShutdown() {
    return shutdown;
  }

  /** Lets queued tasks run, then ends the threads; refuses new tasks. */
  public void shutdown() {
    shutdown = true;
    Worker worker;
    while ((worker = idle.poll()) != null) {
      idleCount.decrementAndGet();
      coming.incrementAndGet();
      worker.wake();
    }
  }

  /** Threads alive now. */
  public int threads() {
    return threads.get();
  }

  /** Wakes idle threads, or starts new ones, for {@code count} tasks. */
  private void callHelpers(int count) {
    for (int i = 0; i < count; i++) {
      Worker worker = idle.poll();
      if (worker != null) {
        idleCount.decrementAndGet();
        coming.incrementAndGet();
        worker.wake();
      } else if (!startThread()) {
        return;
      }
    }
  }

  private boolean startThread() {
    if (threads.incrementAndGet() > maxThreads) {
      threads.decrementAndGet();
      return false;
    }
    coming.incrementAndGet();
    Worker worker = new Worker();
    Thread thread = new Thread(worker, threadPrefix + threadNumbers.incrementAndGet());
    thread.setDaemon(true);
    worker.thread = thread;
    thread.start();
    return true;
  }

  private void scheduleCheck() {
    if (checkScheduled.compareAndSet(false, true)) {
      SharedTimer.get().schedule(stallCheck, STALL_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  /** On the timer: if queued work stopped moving, call a thread for each waiting task. */
  private void checkStall() {
    checkScheduled.set(false);
    int waiting = queued.get();
    if (waiting == 0) {
      return;
    }
    if (System.nanoTime() - lastTakeNanos >= STALL_NANOS) {
      callHelpers(waiting - coming.get());
    }
    scheduleCheck();
  }

  private Runnable take() {
    Runnable task = queue.poll();
    if (task != null) {
      queued.decrementAndGet();
      lastTakeNanos = System.nanoTime();
    }
    return task;
  }

  private final class Worker implements Runnable {
    volatile Thread thread;
    private volatile boolean woken;

    void wake() {
      woken = true;
      LockSupport.unpark(thread);
    }

    @Override
    public void run() {
      try {
        coming.decrementAndGet();
        while (true) {
          Runnable task = take();
          if (task != null) {
            if (queued.get() > 0) {
              scheduleCheck(); // the rest waits for this thread: help comes if it blocks
            }
            runTask(task);
          } else if (!awaitWork()) {
            return;
          }
        }
      } finally {
        threads.decrementAndGet();
      }
    }

    /** Parks until woken; false when this thread should end. */
    private boolean awaitWork() {
      if (shutdown) {
        return false;
      }
      woken = false;
      idleCount.incrementAndGet();
      idle.push(this);
      if (!queue.isEmpty() || shutdown) {
        // Work came, or shutdown began, while this thread was getting ready to park.
        if (idle.remove(this)) {
          idleCount.decrementAndGet();
          return !shutdown || !queue.isEmpty();
        }
        // Else someone took this thread off the idle list and is waking it.
      }
      long deadline = System.nanoTime() + KEEP_ALIVE_NANOS;
      while (!woken) {
        long left = deadline - System.nanoTime();
        if ((left <= 0 || shutdown) && idle.remove(this)) {
          idleCount.decrementAndGet();
          return shutdown && !queue.isEmpty();
        }
        LockSupport.parkNanos(this, Math.max(left, 1000));
      }
      coming.decrementAndGet();
      return true;
    }

    private void runTask(Runnable task) {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        logger.error("a handler task threw", e);
      }
    }
  }
}
