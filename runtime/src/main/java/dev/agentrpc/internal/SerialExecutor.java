package dev.agentrpc.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor: listener events
 * for one source reach the listener in the order they happened, never concurrently, and
 * never on the submitting thread. At most {@code capacity} tasks wait; beyond that {@link
 * #execute} throws {@link RejectedExecutionException}. Internal API: not for users.
 */
public final class SerialExecutor implements Executor {
  private static final Logger logger = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;
  private final int capacity;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running; // guarded by tasks
  private final Runnable drain = this::drain;

  public SerialExecutor(Executor delegate, int capacity) {
    this.delegate = delegate;
    this.capacity = capacity;
  }

  /**
   * Queues {@code task} without starting it; {@link #flush} starts it. Never runs anything,
   * so it may be called under a caller's lock. False if the queue is full.
   */
  public boolean executeLater(Runnable task) {
    synchronized (tasks) {
      if (tasks.size() >= capacity) {
        return false;
      }
      tasks.add(task);
      return true;
    }
  }

  /** Starts draining what {@link #executeLater} queued, unless a drain already runs. */
  public void flush() {
    synchronized (tasks) {
      if (running || tasks.isEmpty()) {
        return;
      }
      running = true;
    }
    startDrain();
  }

  @Override
  public void execute(Runnable task) {
    if (!executeLater(task)) {
      throw new RejectedExecutionException(capacity + " tasks are already waiting");
    }
    flush();
  }

  private void startDrain() {
    try {
      delegate.execute(drain);
    } catch (RejectedExecutionException e) {
      synchronized (tasks) {
        running = false;
        tasks.clear();
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        logger.warn("a serialized task threw", e);
      }
    }
  }
}
