package dev.agentrpc.example.agent;

/**
 * Told when the agent's sleeps start and end: how the demo shows that a deadline or a
 * cancellation reached the agent. Called on a handler, timer or transport thread: return
 * quickly.
 */
@FunctionalInterface
public interface SleepObserver {
  /** A sleep of {@code requestedMillis} started on {@code agent}. */
  default void started(String agent, long requestedMillis) {}

  /** A sleep ended, and why. */
  void ended(SleepEvent event);

  /** An observer that ignores everything. */
  static SleepObserver none() {
    return event -> {};
  }
}
