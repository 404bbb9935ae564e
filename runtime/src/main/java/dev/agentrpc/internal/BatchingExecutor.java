package dev.agentrpc.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands tasks to a delegate executor a batch at a time instead of one by one: the task that
 * finds no batch waiting schedules one drain on the delegate, and every task submitted before
 * that drain starts joins its batch. A drain runs its batch in submission order and ends;
 * tasks submitted while it runs form the next batch, with a drain of their own. So a burst of
 * tasks (the responses one read of a connection brought) costs one hand-off, and a task that
 * blocks holds up only the tasks of its own batch. Internal API: not for users.
 *
 * <p>Lock-free and unbounded: callers bound what they submit. If the delegate refuses the
 * drain, the batch runs on the submitting thread rather than never.
 */
public final class BatchingExecutor implements Executor {
  private static final Logger logger = LoggerFactory.getLogger(BatchingExecutor.class);

  // A field updater rather than an atomic object: the controller holds one per agent.
  private static final AtomicReferenceFieldUpdater<BatchingExecutor, TaskNode> WAITING =
      AtomicReferenceFieldUpdater.newUpdater(BatchingExecutor.class, TaskNode.class, "waiting");

  private final Executor delegate;
  /** The tasks of the batch waiting for its drain, newest first; null when none waits. */
  private volatile TaskNode waiting;

  public BatchingExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    if (TaskNode.push(WAITING, this, task)) {
      try {
        delegate.execute(this::drain);
      } catch (RejectedExecutionException e) {
        drain();
      }
    }
  }

  private void drain() {
    TaskNode.runOldestFirst(WAITING.getAndSet(this, null), logger, "a batched task");
  }
}
