package dev.agentrpc.example.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.agentrpc.example.controller.Operation;
import dev.agentrpc.example.controller.Rollout;
import dev.agentrpc.server.Clients;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The call-alls and rollouts started from the fleet page: the last {@link #MAX_KEPT} of them,
 * at most {@link #MAX_RUNNING} running at once.
 */
final class RolloutRuns {
  static final int MAX_KEPT = 8;
  static final int MAX_RUNNING = 4;
  static final int MAX_SELECTOR_CHARS = 1000;

  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private final Clients clients;
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private final int maxPolls;
  private final Duration pollTimeout;
  private final Map<Long, RolloutRun> runs = new LinkedHashMap<>(); // guarded by this
  private long lastId;

  RolloutRuns(Clients clients, List<Operation> operations, int maxPolls, Duration pollTimeout) {
    this.clients = clients;
    for (Operation operation : operations) {
      this.operations.put(operation.name().toLowerCase(Locale.ROOT), operation);
    }
    this.maxPolls = maxPolls;
    this.pollTimeout = pollTimeout;
  }

  /** The operations the page offers, in their order. */
  Iterable<Operation> operations() {
    return operations.values();
  }

  /**
   * Starts what {@code form} asks: {@code method}, {@code request} (JSON text), and the
   * optional {@code batch}, {@code select}, {@code first} and {@code maxFailures}, as the
   * console's {@code all} options read them.
   *
   * @throws IllegalArgumentException naming the field that is wrong, or when no agent matches
   * @throws IllegalStateException when {@link #MAX_RUNNING} runs are running already
   */
  RolloutRun start(Struct form) {
    String method = Json.text(form, "method");
    Operation operation = method == null ? null : operations.get(method.toLowerCase(Locale.ROOT));
    if (operation == null) {
      throw new IllegalArgumentException("unknown method; one of " + String.join(", ", names()));
    }
    Message request = request(operation, Json.text(form, "request"));
    Rollout rollout = Rollout.everyAgent();
    String select = blankToNull(Json.text(form, "select"));
    if (select != null) {
      if (select.length() > MAX_SELECTOR_CHARS) {
        throw new IllegalArgumentException("the selector is longer than " + MAX_SELECTOR_CHARS + " characters");
      }
      rollout = rollout.select(select);
    }
    String batch = blankToNull(Json.text(form, "batch"));
    if (batch != null) {
      rollout = rollout.batch(batch);
    }
    String first = blankToNull(Json.text(form, "first"));
    if (first != null) {
      rollout = rollout.first(first);
    }
    String maxFailures = blankToNull(Json.text(form, "maxFailures"));
    if (maxFailures != null) {
      rollout = rollout.maxFailures(maxFailures);
    }
    synchronized (this) {
      long running = runs.values().stream().filter(run -> !run.isDone()).count();
      if (running >= MAX_RUNNING) {
        throw new IllegalStateException(MAX_RUNNING + " rollouts are running already; wait for one to finish");
      }
      List<String> targets = rollout.targets(clients);
      if (targets.isEmpty()) {
        throw new IllegalArgumentException(
            clients.list().isEmpty() ? "no agents connected" : "no connected agent matches '" + rollout.selector() + "'");
      }
      RolloutRun run =
          new RolloutRun(++lastId, operation.name(), rollout, operation.fanOut(request, rollout.options(targets)), maxPolls, pollTimeout);
      runs.put(run.id(), run);
      Iterator<RolloutRun> oldest = runs.values().iterator();
      while (runs.size() > MAX_KEPT && oldest.hasNext()) {
        if (oldest.next().isDone()) {
          oldest.remove();
        }
      }
      return run.listen();
    }
  }

  /** The run numbered {@code id}, or null if there is none (any more). */
  synchronized RolloutRun get(long id) {
    return runs.get(id);
  }

  private static Message request(Operation operation, String json) {
    Message.Builder builder = operation.requestPrototype().newBuilderForType();
    try {
      PARSER.merge(json == null || json.isBlank() ? "{}" : json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the request is not a " + operation.requestTypeName() + " in JSON, e.g. " + operation.example());
    }
    return builder.build();
  }

  private List<String> names() {
    return operations.values().stream().map(Operation::name).toList();
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }
}
