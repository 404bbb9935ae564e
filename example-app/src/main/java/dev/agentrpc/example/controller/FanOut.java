package dev.agentrpc.example.controller;

import dev.agentrpc.server.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Calls several agents at once and times each answer: what the console's {@code all} and
 * the demo's table show. The generated {@code xAll} calls give one list for the whole
 * fleet; this keeps, per agent, when its answer came.
 */
public final class FanOut {
  private FanOut() {}

  /**
   * Starts {@code call} for every agent at once and completes, never exceptionally, with
   * one {@link TimedResult} per agent sorted by name once every call has ended. Each call
   * ends by its own timeout, so the whole never waits longer than the slowest timeout.
   */
  public static <R> CompletableFuture<List<TimedResult<R>>> callEach(
      Collection<String> agents, Function<String, CompletableFuture<R>> call) {
    List<CompletableFuture<TimedResult<R>>> calls = new ArrayList<>(agents.size());
    for (String agent : agents) {
      long start = System.nanoTime();
      CompletableFuture<R> future;
      try {
        future = call.apply(agent);
      } catch (RuntimeException e) {
        future = CompletableFuture.failedFuture(e);
      }
      calls.add(
          future.handle(
              (value, failure) -> {
                Duration latency = Duration.ofNanos(System.nanoTime() - start);
                Result<R> result =
                    failure == null
                        ? Result.ok(agent, value)
                        : Result.failed(agent, Format.statusOf(failure));
                return new TimedResult<>(result, latency);
              }));
    }
    return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            done -> {
              List<TimedResult<R>> results = new ArrayList<>(calls.size());
              for (CompletableFuture<TimedResult<R>> timed : calls) {
                results.add(timed.join());
              }
              results.sort(Comparator.comparing(TimedResult::agent));
              return results;
            });
  }
}
