package dev.agentrpc.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on the submitting thread or on one already
 * running a task of this serializer, as {@link io.grpc.SynchronizationContext} does, but
 * with no object of its own beyond one node per waiting task: the controller holds one per
 * connection. A task that submits another runs it after itself, not inside itself. A task
 * that throws is logged and the next one runs. Lock-free and unbounded: callers bound what
 * they submit. Internal API: not for users.
 */
public final class InlineSerializer implements Executor {
  private static final Logger logger = LoggerFactory.getLogger(InlineSerializer.class);

  private static final AtomicReferenceFieldUpdater<InlineSerializer, TaskNode> WAITING =
      AtomicReferenceFieldUpdater.newUpdater(InlineSerializer.class, TaskNode.class, "waiting");
  private static final AtomicIntegerFieldUpdater<InlineSerializer> DRAINING =
      AtomicIntegerFieldUpdater.newUpdater(InlineSerializer.class, "draining");

  /** The tasks not yet taken by a drain, newest first; null when none waits. */
  private volatile TaskNode waiting;
  /** 1 while a thread runs this serializer's tasks. */
  private volatile int draining;

  @Override
  public void execute(Runnable task) {
    TaskNode.push(WAITING, this, task);
    drain();
  }

  /**
   * Runs what waits unless another thread already does. A task submitted while the draining
   * thread is letting go is seen by the check that follows its release.
   */
  private void drain() {
    while (waiting != null && DRAINING.compareAndSet(this, 0, 1)) {
      try {
        TaskNode newestFirst;
        while ((newestFirst = WAITING.getAndSet(this, null)) != null) {
          TaskNode.runOldestFirst(newestFirst, logger, "a serialized task");
        }
      } finally {
        draining = 0;
      }
    }
  }
}
