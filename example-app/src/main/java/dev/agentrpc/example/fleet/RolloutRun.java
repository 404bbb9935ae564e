package dev.agentrpc.example.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.agentrpc.example.controller.Rollout;
import dev.agentrpc.example.controller.RolloutReport;
import dev.agentrpc.server.FanOut;
import dev.agentrpc.server.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One call-all or rollout started from the fleet page: its results as they arrived, for the
 * page to read from where it got to. Holds at most one entry per agent targeted.
 */
final class RolloutRun {
  /** The longest reply the page is sent, in characters; longer ones are cut. */
  static final int MAX_REPLY_CHARS = 2000;

  /** The most results one answer carries; the page asks again for the rest. */
  static final int MAX_RESULTS_PER_ANSWER = 500;

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final long id;
  private final String method;
  private final Rollout rollout;
  private final FanOut<Message> fanOut;
  private final LongPolls polls;
  private final List<Json> results = new ArrayList<>(); // guarded by itself
  private final List<Result<Message>> raw = new ArrayList<>(); // guarded by results
  private volatile boolean done;
  private volatile String stopped;

  RolloutRun(long id, String method, Rollout rollout, FanOut<Message> fanOut, int maxPolls, Duration pollTimeout) {
    this.id = id;
    this.method = method;
    this.rollout = rollout;
    this.fanOut = fanOut;
    this.polls = new LongPolls(maxPolls, pollTimeout);
  }

  /** Starts listening to the fan-out's results. */
  RolloutRun listen() {
    fanOut.forEach(this::arrived);
    fanOut.results().whenComplete((all, failure) -> finished());
    return this;
  }

  long id() {
    return id;
  }

  boolean isDone() {
    return done;
  }

  /** How many results arrived. */
  int arrived() {
    synchronized (results) {
      return results.size();
    }
  }

  LongPolls polls() {
    return polls;
  }

  private void arrived(Result<Message> result) {
    Json view =
        Json.object()
            .put("agent", result.client())
            .put("outcome", result.outcome().name())
            .put("status", RolloutReport.outcome(result))
            .put("latencyMillis", result.latency().toNanos() / 1e6)
            .put("detail", result.isOk() ? reply(result.value()) : RolloutReport.why(result));
    synchronized (results) {
      results.add(view);
      raw.add(result);
    }
    polls.wakeAll();
  }

  private void finished() {
    synchronized (results) {
      stopped = RolloutReport.stopped(rollout, raw);
    }
    done = true;
    polls.wakeAll();
  }

  /** The run as the page reads it: the results from the {@code from}th on, at most {@link #MAX_RESULTS_PER_ANSWER}. */
  Json view(int from) {
    boolean finished = done; // read first: the results below are then all there
    List<Json> page;
    synchronized (results) {
      int start = Math.max(0, Math.min(from, results.size()));
      int end = Math.min(results.size(), start + MAX_RESULTS_PER_ANSWER);
      page = new ArrayList<>(results.subList(start, end));
      finished &= end == results.size();
    }
    return Json.object()
        .put("id", id)
        .put("method", method)
        .put("options", rollout.toString())
        .put("size", fanOut.size())
        .put("from", Math.max(0, from))
        .put("done", finished)
        .put("stopped", finished ? stopped : null)
        .putObjects("results", page);
  }

  private static String reply(Message reply) {
    String json;
    try {
      json = PRINTER.print(reply);
    } catch (InvalidProtocolBufferException e) {
      json = reply.toString();
    }
    return json.length() <= MAX_REPLY_CHARS ? json : json.substring(0, MAX_REPLY_CHARS) + "...";
  }
}
