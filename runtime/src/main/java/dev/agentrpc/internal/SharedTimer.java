package dev.agentrpc.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon timer thread the runtime schedules deadlines, Hello timeouts and redials on.
 *
 * <p>Tasks scheduled here must be short and must never block. Internal API: not for users.
 */
public final class SharedTimer {
  private static final ScheduledExecutorService INSTANCE = create();

  private SharedTimer() {}

  /** The shared timer; never shut it down. */
  public static ScheduledExecutorService get() {
    return INSTANCE;
  }

  private static ScheduledExecutorService create() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "agentrpc-timer");
              thread.setDaemon(true);
              return thread;
            });
    // Most deadlines are cancelled long before they fire; drop them from the queue at once.
    timer.setRemoveOnCancelPolicy(true);
    // A no-op task due every 250 ms stays at the head of the queue, so a call's deadline
    // (seconds away) never becomes the new head: scheduling it does not signal the timer
    // thread. 4 wakeups a second instead of up to 2 per call (controller and agent).
    timer.scheduleAtFixedRate(() -> {}, 250, 250, TimeUnit.MILLISECONDS);
    return timer;
  }
}
