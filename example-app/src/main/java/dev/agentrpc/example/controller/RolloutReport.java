package dev.agentrpc.example.controller;

import dev.agentrpc.server.FanOut;
import dev.agentrpc.server.Result;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** How the console and the demo show a fan-out's results: a line per result, and what stopped it. */
public final class RolloutReport {
  private RolloutReport() {}

  /**
   * One result as it arrives, e.g. {@code [ 7/20] agent-3 OK 12 ms} or {@code [3/5] agent-3
   * NOT_FOUND 1.2 ms: no such directory}.
   *
   * @param arrived how many results arrived, this one included
   * @param total how many the fan-out gives
   */
  public static String progress(int arrived, int total, Result<?> result) {
    int width = String.valueOf(total).length();
    String line = String.format(Locale.ROOT, "[%" + width + "d/%d] %s %s", arrived, total, result.client(), outcome(result));
    if (result.outcome() == Result.Outcome.NOT_CALLED) {
      return line;
    }
    line += " " + Format.latency(result.latency());
    String description = result.isOk() ? null : result.status().getDescription();
    return description == null || description.isEmpty() ? line : line + ": " + description;
  }

  /**
   * Prints a {@link #progress} line for each result of {@code fanOut} as it arrives; the
   * returned latch opens once the last one is printed. Wait on it before a summary: a fan-out
   * that ended as this was attached may still be printing.
   */
  public static CountDownLatch printProgress(FanOut<?> fanOut, Consumer<String> print) {
    AtomicInteger arrived = new AtomicInteger();
    CountDownLatch printed = new CountDownLatch(1);
    fanOut.forEach(
        result -> {
          int n = arrived.incrementAndGet();
          print.accept(progress(n, fanOut.size(), result));
          if (n == fanOut.size()) {
            printed.countDown();
          }
        });
    return printed;
  }

  /** {@code OK}, the failure's status code, {@code CANCELLED} or {@code NOT CALLED}. */
  public static String outcome(Result<?> result) {
    switch (result.outcome()) {
      case ANSWERED:
        return "OK";
      case NOT_CALLED:
        return "NOT CALLED";
      case CANCELLED:
        return "CANCELLED";
      default:
        return result.status().getCode().toString();
    }
  }

  /** What the table shows of a result's latency: none for an agent never called. */
  public static String latency(Result<?> result) {
    return result.outcome() == Result.Outcome.NOT_CALLED ? "-" : Format.latency(result.latency());
  }

  /** Why a result has no reply, for the table: the status's description, or why it was not called. */
  public static String why(Result<?> result) {
    Status status = result.status();
    if (result.outcome() == Result.Outcome.NOT_CALLED && status.getCode() == Status.Code.CANCELLED) {
      return "the rollout stopped before its turn";
    }
    return Objects.toString(status.getDescription(), "");
  }

  /** The agents the fan-out never called, in the order their results came. */
  public static List<String> neverCalled(List<? extends Result<?>> results) {
    List<String> names = new ArrayList<>();
    for (Result<?> result : results) {
      if (result.outcome() == Result.Outcome.NOT_CALLED) {
        names.add(result.client());
      }
    }
    return names;
  }

  /**
   * Why {@code rollout} ended before calling everyone, e.g. {@code "stopped after 1 failure
   * (--max-failures 0); never called: agent-4, agent-5"}; null when every agent was called.
   */
  public static String stopped(Rollout rollout, List<? extends Result<?>> results) {
    List<String> never = neverCalled(results);
    if (never.isEmpty()) {
      return null;
    }
    int answered = 0;
    int failed = 0;
    for (Result<?> result : results) {
      if (result.outcome() == Result.Outcome.ANSWERED) {
        answered++;
      } else if (result.outcome() == Result.Outcome.FAILED) {
        failed++;
      }
    }
    String why;
    if (rollout.first() > 0 && answered >= rollout.first()) {
      why = "done after the first " + rollout.first() + (rollout.first() == 1 ? " answer" : " answers");
    } else if (rollout.maxFailures() >= 0 && failed > rollout.maxFailures()) {
      why = "stopped after " + failed + (failed == 1 ? " failure" : " failures") + " (--max-failures " + rollout.maxFailures() + ")";
    } else {
      why = "not every agent was called";
    }
    return why + "; never called: " + String.join(", ", never);
  }
}
