package dev.agentrpc.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Gathers one {@link Result} per client; cancelling it cancels every call. */
final class CallAllFuture<R> extends CompletableFuture<List<Result<R>>> {
  private final CompletableFuture<?>[] calls;
  private final Result<?>[] results;
  private final AtomicInteger remaining;

  CallAllFuture(int size) {
    this.calls = new CompletableFuture<?>[size];
    this.results = new Result<?>[size];
    this.remaining = new AtomicInteger(size);
    if (size == 0) {
      complete(List.of());
    }
  }

  void add(int index, String client, CompletableFuture<R> call) {
    calls[index] = call;
    call.whenComplete(
        (value, failure) -> {
          results[index] =
              failure == null ? Result.ok(client, value) : Result.failed(client, Calls.statusOf(failure));
          if (remaining.decrementAndGet() == 0) {
            complete(collect());
          }
        });
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    for (CompletableFuture<?> call : calls) {
      if (call != null) {
        call.cancel(mayInterruptIfRunning);
      }
    }
    return super.cancel(mayInterruptIfRunning);
  }

  @SuppressWarnings("unchecked")
  private List<Result<R>> collect() {
    List<Result<R>> list = new ArrayList<>(results.length);
    for (Result<?> result : results) {
      list.add((Result<R>) result);
    }
    return list;
  }

  @Override
  public String toString() {
    return "CallAllFuture{remaining=" + remaining.get() + ", of " + Arrays.toString(results) + "}";
  }
}
