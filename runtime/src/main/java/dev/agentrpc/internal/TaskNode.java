package dev.agentrpc.internal;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.slf4j.Logger;

/**
 * One task in a lock-free stack of tasks, newest first, as {@link BatchingExecutor} and
 * {@link InlineSerializer} keep them: a submitter pushes with a compare-and-set on the head,
 * a drain takes the whole stack at once and runs it oldest first.
 */
final class TaskNode {
  final Runnable task;
  TaskNode next;

  TaskNode(Runnable task) {
    this.task = task;
  }

  /** Pushes {@code task} on {@code owner}'s stack; true if the stack was empty before. */
  static <T> boolean push(AtomicReferenceFieldUpdater<T, TaskNode> head, T owner, Runnable task) {
    TaskNode node = new TaskNode(task);
    TaskNode newest;
    do {
      newest = head.get(owner);
      node.next = newest;
    } while (!head.compareAndSet(owner, newest, node));
    return newest == null;
  }

  /**
   * Runs the tasks of the stack whose newest is {@code newestFirst}, oldest first. A task
   * that throws is logged at {@code logger} and the next one runs: the rest of a taken
   * stack is never lost.
   */
  static void runOldestFirst(TaskNode newestFirst, Logger logger, String what) {
    TaskNode oldestFirst = null;
    while (newestFirst != null) {
      TaskNode next = newestFirst.next;
      newestFirst.next = oldestFirst;
      oldestFirst = newestFirst;
      newestFirst = next;
    }
    for (TaskNode node = oldestFirst; node != null; node = node.next) {
      try {
        node.task.run();
      } catch (Throwable t) {
        logger.error("{} threw", what, t);
      }
    }
  }
}
