package dev.agentrpc.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

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
    return timer;
  }
}
