package dev.agentrpc.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call to a set of clients whose results stream out as they arrive: one {@link Result}
 * per client targeted, in the order they were learnt, then the whole list.
 *
 * <pre>{@code
 * FanOut<Health> rollout = clients.fanOut(request, Health.parser(), FanOutOptions.all().window(10));
 * rollout.forEach(result -> System.out.println(result.client() + " " + result.latency()));
 * List<Result<Health>> all = rollout.await();
 * }</pre>
 *
 * <p>Every client targeted gets exactly one result: answered, failed, cancelled by the
 * fan-out, or never called (see {@link Result.Outcome}); clients never called come last, at
 * the moment the fan-out decided not to call them. Results reach {@link #forEach} actions
 * and {@link #subscribe subscribers} on the fan-out's executor, one at a time and in order; a
 * subscriber that arrives late is first given the results so far. {@link #results()}
 * completes after the actions and subscribers with demand have seen every result.
 *
 * <p>Thread-safe.
 */
public final class FanOut<R> implements Flow.Publisher<Result<R>> {
  private static final Logger logger = LoggerFactory.getLogger(FanOut.class);

  private final Executor executor;
  private final Result<?>[] arrived;
  private volatile int published; // arrived[0, published) are final
  private volatile boolean finished;
  private volatile Status failure; // the whole fan-out failed before it started
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicInteger drainRequests = new AtomicInteger();
  private final ResultsFuture results = new ResultsFuture();
  private volatile FanOutRun<R> run;

  FanOut(Executor executor, int targets) {
    this.executor = executor;
    this.arrived = new Result<?>[targets];
  }

  void start(FanOutRun<R> run) {
    this.run = run;
  }

  /** How many clients this fan-out targets: the size of the final list. */
  public int size() {
    return arrived.length;
  }

  /** How many results have arrived so far. */
  public int completed() {
    return published;
  }

  /**
   * Runs {@code action} for every result, in the order they arrived, on the fan-out's
   * executor; results that arrived before this call are given first. When every result had
   * arrived already, they are all given on the calling thread before this returns, so that
   * {@code forEach(print)} then {@link #await()} prints everything before the wait returns,
   * however quick the fan-out was. An action that throws is not called again.
   *
   * @return this fan-out
   */
  public FanOut<R> forEach(Consumer<? super Result<R>> action) {
    Objects.requireNonNull(action, "action");
    Delivery delivery = new Delivery(null, action);
    delivery.requested.set(Long.MAX_VALUE);
    delivery.subscribed = true;
    if (finished) {
      // Every result is published and the list final: this delivery, in no one else's hands, replays them here.
      delivery.deliver(published);
      return this;
    }
    deliveries.add(delivery);
    requestDrain();
    return this;
  }

  /**
   * Streams every result to {@code subscriber}, as the subscriber's demand allows, starting
   * with the first: a late subscriber misses nothing. {@code onComplete} follows the last
   * result; {@code onError} (a {@link StatusRuntimeException}) comes only when the whole
   * fan-out failed before it started (a request too large, a cancelled caller context).
   * Cancelling the subscription stops this subscriber only, not the fan-out.
   */
  @Override
  public void subscribe(Flow.Subscriber<? super Result<R>> subscriber) {
    deliveries.add(new Delivery(Objects.requireNonNull(subscriber, "subscriber"), null));
    requestDrain();
  }

  /**
   * The list of every result, in the order they arrived, once the last one did. It fails
   * only when the whole fan-out failed before it started. Cancelling it cancels the fan-out.
   */
  public CompletableFuture<List<Result<R>>> results() {
    return results;
  }

  /**
   * Waits for every result and returns them, in the order they arrived.
   *
   * @throws StatusRuntimeException when the whole fan-out failed before it started, or
   *     CANCELLED if the waiting thread is interrupted (the fan-out is then cancelled)
   */
  public List<Result<R>> await() {
    try {
      return results.get();
    } catch (InterruptedException e) {
      cancel();
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("the thread waiting for the fan-out was interrupted").asRuntimeException();
    } catch (ExecutionException e) {
      throw Calls.statusOf(e.getCause()).asRuntimeException();
    } catch (CancellationException e) {
      throw Status.CANCELLED.withDescription("the fan-out's results future was cancelled").asRuntimeException();
    }
  }

  /**
   * Cancels the calls in flight on their clients and calls no one else; their results say
   * so. False if every result had already arrived.
   */
  public boolean cancel() {
    FanOutRun<R> current = run;
    return current != null && current.cancel();
  }

  // ---- the run's side ----

  /** Appends {@code result}; called by one thread at a time. */
  void publish(Result<R> result) {
    int index = published;
    arrived[index] = result;
    published = index + 1;
  }

  /** Every result is published: deliver what is left, then complete the list. */
  void finish() {
    finished = true;
    requestDrain();
  }

  /** Fails the whole fan-out before anything started. */
  void fail(Status status) {
    failure = status;
    finished = true;
    requestDrain();
  }

  /** Signals the executor; a drain already running picks up what is new. */
  void requestDrain() {
    if (drainRequests.getAndIncrement() != 0) {
      return;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      drain(); // the executor is shut down: deliver here rather than never
    }
  }

  private void drain() {
    int missed = 1;
    do {
      // finished first: once it is true, published is final. Read the other way round, a
      // result published during the deliveries below would be left out of the list.
      boolean done = finished;
      int available = published;
      for (Delivery delivery : deliveries) {
        delivery.deliver(available);
      }
      if (done && !results.isDone()) {
        completeResults(available);
      }
      missed = drainRequests.addAndGet(-missed);
    } while (missed != 0);
  }

  @SuppressWarnings("unchecked")
  private void completeResults(int available) {
    Status failed = failure;
    if (failed != null) {
      results.completeWithFailure(failed.asRuntimeException());
      return;
    }
    List<Result<R>> list = new ArrayList<>(available);
    for (int i = 0; i < available; i++) {
      list.add((Result<R>) arrived[i]);
    }
    results.completeWithList(Collections.unmodifiableList(list));
  }

  @Override
  public String toString() {
    return "FanOut{" + published + " of " + arrived.length + " results"
        + (finished ? ", finished" : "") + ": " + Arrays.toString(Arrays.copyOf(arrived, published)) + "}";
  }

  /** The list future: completing or cancelling it from outside cancels the fan-out. */
  private final class ResultsFuture extends CompletableFuture<List<Result<R>>> {
    void completeWithList(List<Result<R>> list) {
      super.complete(list);
    }

    void completeWithFailure(Throwable failure) {
      super.completeExceptionally(failure);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      FanOut.this.cancel();
      return cancelled;
    }

    @Override
    public boolean complete(List<Result<R>> value) {
      boolean completed = super.complete(value);
      FanOut.this.cancel();
      return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
      boolean completed = super.completeExceptionally(failure);
      FanOut.this.cancel();
      return completed;
    }
  }

  /** One subscriber or forEach action and how far it got; touched by the drain only, but for demand. */
  private final class Delivery implements Flow.Subscription {
    final Flow.Subscriber<? super Result<R>> subscriber;
    final Consumer<? super Result<R>> action;
    final AtomicLong requested = new AtomicLong();
    volatile boolean cancelled;
    volatile boolean invalidRequest; // the subscriber requested a non-positive n
    long invalidN;
    boolean subscribed;
    int position;
    boolean ended;

    Delivery(Flow.Subscriber<? super Result<R>> subscriber, Consumer<? super Result<R>> action) {
      this.subscriber = subscriber;
      this.action = action;
    }

    @SuppressWarnings("unchecked")
    void deliver(int available) {
      if (ended) {
        return;
      }
      try {
        if (!subscribed) {
          subscribed = true;
          subscriber.onSubscribe(this);
        }
        while (!cancelled && !invalidRequest && position < available && requested.get() > 0) {
          Result<R> next = (Result<R>) arrived[position++];
          if (requested.get() != Long.MAX_VALUE) {
            requested.decrementAndGet();
          }
          if (action != null) {
            action.accept(next);
          } else {
            subscriber.onNext(next);
          }
        }
        if (invalidRequest) {
          end();
          subscriber.onError(
              new IllegalArgumentException(
                  "Flow.Subscription.request needs a positive n, was " + invalidN));
        } else if (cancelled) {
          end();
        } else if (finished && position == published) {
          end();
          if (subscriber != null) {
            Status failed = failure;
            if (failed != null) {
              subscriber.onError(failed.asRuntimeException());
            } else {
              subscriber.onComplete();
            }
          }
        }
      } catch (RuntimeException e) {
        end();
        logger.warn("a fan-out's result {} threw; it gets no more results", action != null ? "action" : "subscriber", e);
      }
    }

    private void end() {
      ended = true;
      cancelled = true;
      deliveries.remove(this);
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        invalidN = n;
        invalidRequest = true;
        cancelled = true;
        requestDrain();
        return;
      }
      requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      requestDrain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      requestDrain();
    }
  }
}
