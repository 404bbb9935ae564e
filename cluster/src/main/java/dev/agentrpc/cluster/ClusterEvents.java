package dev.agentrpc.cluster;

import dev.agentrpc.server.Clients;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands cluster-wide joins and leaves to listeners on an executor, in order, a bounded number waiting. */
final class ClusterEvents {
  private static final Logger logger = LoggerFactory.getLogger(ClusterEvents.class);
  /** Events that may wait for slow listeners before new ones are dropped. */
  static final int MAX_QUEUED = 65_536;

  private record Event(boolean join, String client, String replica) {}

  private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
  private final ArrayBlockingQueue<Event> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Executor executor;

  ClusterEvents(Executor executor) {
    this.executor = executor;
  }

  Clients.Subscription subscribe(ClusterListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void joined(DirectoryEntry entry) {
    offer(new Event(true, entry.name(), entry.replica()));
  }

  void left(DirectoryEntry entry) {
    offer(new Event(false, entry.name(), entry.replica()));
  }

  private void offer(Event event) {
    if (listeners.isEmpty()) {
      return;
    }
    if (!queue.offer(event)) {
      logger.error("{} cluster events wait for slow listeners; dropped {} of '{}'",
          MAX_QUEUED, event.join() ? "the join" : "the leave", event.client());
      return;
    }
    if (draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
      }
    }
  }

  private void drain() {
    Event event;
    while ((event = queue.poll()) != null) {
      for (ClusterListener listener : listeners) {
        try {
          if (event.join()) {
            listener.onJoin(event.client(), event.replica());
          } else {
            listener.onLeave(event.client(), event.replica());
          }
        } catch (RuntimeException e) {
          logger.error("a cluster listener failed on '{}'", event.client(), e);
        }
      }
    }
    draining.set(false);
    if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
      }
    }
  }
}
