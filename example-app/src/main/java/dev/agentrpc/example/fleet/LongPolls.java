package dev.agentrpc.example.fleet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Requests held until something changes: each is parked as an async request and dispatched
 * again, to be answered by its servlet, when {@link #wakeAll} is called or its time is up.
 * Holds no thread and no queue per request, and at most {@code max} requests at once.
 */
final class LongPolls {
  private final int max;
  private final Duration timeout;
  private final Set<AsyncContext> parked = ConcurrentHashMap.newKeySet();

  LongPolls(int max, Duration timeout) {
    this.max = max;
    this.timeout = timeout;
  }

  /**
   * Parks {@code request} while {@code unchanged} holds.
   *
   * @return false when it was not parked (too many are, or it changed meanwhile): answer now
   */
  boolean park(HttpServletRequest request, BooleanSupplier unchanged) {
    if (parked.size() >= max || !unchanged.getAsBoolean()) {
      return false;
    }
    AsyncContext async = request.startAsync();
    async.setTimeout(timeout.toMillis());
    async.addListener(
        new AsyncListener() {
          @Override
          public void onTimeout(AsyncEvent event) {
            wake(async);
          }

          @Override
          public void onComplete(AsyncEvent event) {
            parked.remove(async);
          }

          @Override
          public void onError(AsyncEvent event) {
            parked.remove(async);
          }

          @Override
          public void onStartAsync(AsyncEvent event) {}
        });
    parked.add(async);
    if (!unchanged.getAsBoolean()) {
      wake(async); // it changed between the check and the parking
    }
    return true;
  }

  /** Dispatches every parked request again, to be answered. */
  void wakeAll() {
    for (AsyncContext async : parked) {
      wake(async);
    }
  }

  private void wake(AsyncContext async) {
    if (parked.remove(async)) {
      try {
        async.dispatch();
      } catch (IllegalStateException e) {
        // completed meanwhile (the browser went away)
      }
    }
  }
}
