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
  private static final AtomicReferenceFieldUpdater<BatchingExecutor, Node> WAITING =
      AtomicReferenceFieldUpdater.newUpdater(BatchingExecutor.class, Node.class, "waiting");

  private final Executor delegate;
  /** The tasks of the batch waiting for its drain, newest first; null when none waits. */
  private volatile Node waiting;

  public BatchingExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    Node node = new Node(task);
    Node newest;
    do {
      newest = waiting;
      node.next = newest;
    } while (!WAITING.compareAndSet(this, newest, node));
    if (newest == null) {
      try {
        delegate.execute(this::drain);
      } catch (RejectedExecutionException e) {
        drain();
      }
    }
  }

  private void drain() {
    Node newestFirst = WAITING.getAndSet(this, null);
    Node oldestFirst = null;
    while (newestFirst != null) {
      Node next = newestFirst.next;
      newestFirst.next = oldestFirst;
      oldestFirst = newestFirst;
      newestFirst = next;
    }
    for (Node node = oldestFirst; node != null; node = node.next) {
      try {
        node.task.run();
      } catch (RuntimeException e) {
        logger.warn("a batched task threw", e);
      }
    }
  }

  private static final class Node {
    final Runnable task;
    Node next;

    Node(Runnable task) {
      this.task = task;
    }
  }
}
