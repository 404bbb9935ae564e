package dev.agentrpc.transport.poll;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A poll client's own handler threads: daemon, idle ones reused, bounded. */
final class HandlerPool {
  /** Threads beyond the handler bound, for finished handlers' threads still returning. */
  private static final int SLACK = 8;

  private HandlerPool() {}

  static ThreadPoolExecutor create(String clientName, int maxHandlers) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        0,
        maxHandlers + SLACK,
        60,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, "agentrpc-poll-handler-" + clientName + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }
}
