package dev.agentrpc.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared pool that completes callers' futures and runs listeners unless the user chose
 * another executor. Internal API: not for users.
 *
 * <p>Its threads are bounded; its queue is bounded by construction, not by a capacity: each
 * task delivers one admitted call (whose slot is held until the task ran) or one listener
 * event (whose queue is bounded by {@link SerialExecutor}).
 */
public final class CallbackPool {
  private static final int THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private CallbackPool() {}

  /** The shared pool; never shut it down. */
  public static Executor get() {
    return Holder.POOL;
  }

  private static final class Holder {
    static final ThreadPoolExecutor POOL = create();

    private static ThreadPoolExecutor create() {
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              THREADS,
              THREADS,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              runnable -> {
                Thread thread = new Thread(runnable, "agentrpc-callback-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }
}
