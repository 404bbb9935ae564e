package dev.agentrpc.example.demo;

import dev.agentrpc.example.agent.SleepEvent;
import dev.agentrpc.example.agent.SleepObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What the demo's agents report of their sleeps, awaited with a timeout. */
final class DemoSleepWatcher implements SleepObserver {
  private final List<String> started = new ArrayList<>(); // guarded by this
  private final List<SleepEvent> ended = new ArrayList<>(); // guarded by this

  @Override
  public synchronized void started(String agent, long requestedMillis) {
    started.add(agent);
    notifyAll();
  }

  @Override
  public synchronized void ended(SleepEvent event) {
    ended.add(event);
    notifyAll();
  }

  /** Waits until {@code agent} started a sleep; false after {@code timeout}. */
  synchronized boolean awaitStarted(String agent, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!started.remove(agent)) {
      if (!waitUntil(deadline)) {
        return false;
      }
    }
    return true;
  }

  /** The first sleep end of {@code agent} that matches, or null after {@code timeout}. */
  synchronized SleepEvent awaitEnded(String agent, Predicate<SleepEvent> matching, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (SleepEvent event : ended) {
        if (event.agent().equals(agent) && matching.test(event)) {
          ended.remove(event);
          return event;
        }
      }
      if (!waitUntil(deadline)) {
        return null;
      }
    }
  }

  private boolean waitUntil(long deadlineNanos) throws InterruptedException {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return false;
    }
    TimeUnit.NANOSECONDS.timedWait(this, remaining);
    return true;
  }
}
