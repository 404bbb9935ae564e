package dev.agentrpc.example.controller;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.agentrpc.server.ClientInfo;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOut;
import dev.agentrpc.server.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The operator console: reads commands, one per line, and prints what they did.
 *
 * <pre>
 * list                              the agents connected now
 * call &lt;agent&gt; &lt;method&gt; [json]     call one agent; json defaults to {}
 * all [options] &lt;method&gt; [json]     call every connected agent: a line per result as it
 *                                   arrives, then a row each; options --batch N|N%,
 *                                   --select k=v,..., --first N, --max-failures N
 * help                              the commands and methods
 * quit                              stop (end of input too)
 * </pre>
 *
 * <p>Requests and replies are protobuf JSON ({@link JsonFormat}). Every mistake (unknown
 * command, method or agent, bad JSON) and every failed call gets one line starting with
 * {@code error:}; nothing the operator types ends the console but {@code quit}.
 */
public final class Console {
  private static final String ALL_USAGE =
      "usage: all [--batch N|N%] [--select k=v,...] [--first N] [--max-failures N] <method> [json]";
  /** How long the table waits for the progress lines still being printed. */
  private static final Duration PROGRESS_WAIT = Duration.ofSeconds(5);
  private static final JsonFormat.Printer PRETTY = JsonFormat.printer();
  private static final JsonFormat.Printer COMPACT = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private final Clients clients;
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  private final BufferedReader in;
  private final PrintWriter out;
  private final boolean prompt;

  /**
   * @param clients the connected agents
   * @param operations what {@code call} and {@code all} can call, by name
   * @param in the commands
   * @param out where results go; flushed after every command
   * @param prompt whether to print a prompt before each command (for a terminal)
   */
  public Console(
      Clients clients, List<Operation> operations, BufferedReader in, PrintWriter out, boolean prompt) {
    this.clients = Objects.requireNonNull(clients, "clients");
    for (Operation operation : operations) {
      if (this.operations.putIfAbsent(operation.name().toLowerCase(Locale.ROOT), operation) != null) {
        throw new IllegalArgumentException("two operations named " + operation.name());
      }
    }
    this.in = Objects.requireNonNull(in, "in");
    this.out = Objects.requireNonNull(out, "out");
    this.prompt = prompt;
  }

  /**
   * Reads and runs commands until {@code quit} or the end of input, printing agents'
   * joins and leaves as they happen.
   */
  public void run() throws IOException {
    ClientListener announcer =
        new ClientListener() {
          @Override
          public void onJoin(String client) {
            announce("agent '" + client + "' joined");
          }

          @Override
          public void onLeave(String client) {
            announce("agent '" + client + "' left");
          }
        };
    try (Clients.Subscription subscription = clients.subscribe(announcer)) {
      out.println("agentrpc console: type 'help' for commands");
      while (true) {
        if (prompt) {
          out.print("> ");
        }
        out.flush();
        String line = in.readLine();
        if (line == null || !execute(line)) {
          break;
        }
      }
      out.flush();
    }
  }

  /**
   * Runs one command line.
   *
   * @return false when it was {@code quit}
   */
  public boolean execute(String line) {
    try {
      return dispatch(line.strip());
    } catch (RuntimeException e) {
      // A bug, not an operator's mistake; still never a stack trace on the console.
      error("the command failed: " + e);
      return true;
    } finally {
      out.flush();
    }
  }

  private boolean dispatch(String line) {
    if (line.isEmpty() || line.startsWith("#")) {
      return true;
    }
    String[] words = line.split("\\s+", 2);
    String command = words[0].toLowerCase(Locale.ROOT);
    String rest = words.length > 1 ? words[1] : "";
    switch (command) {
      case "quit":
      case "exit":
        out.println("bye");
        return false;
      case "help":
      case "?":
        help();
        return true;
      case "list":
      case "ls":
        list();
        return true;
      case "call":
        call(rest);
        return true;
      case "all":
        all(rest);
        return true;
      default:
        error("unknown command '" + words[0] + "'; type 'help' for the commands");
        return true;
    }
  }

  private void help() {
    out.println("commands:");
    out.println("  list                           the agents connected now");
    out.println("  call <agent> <method> [json]   call one agent (json defaults to {})");
    out.println("  all [options] <method> [json]  call every connected agent, a line per result as it arrives");
    out.println("    --batch N|N%                 at most N agents (or N% of them) at once, in name order");
    out.println("    --select k=v[,k2=v2,!k3]     only the agents whose labels match");
    out.println("    --first N                    done once N agents answered");
    out.println("    --max-failures N             stop calling after more than N failures (0: the first)");
    out.println("  help                           this text");
    out.println("  quit                           stop the controller");
    out.println("methods:");
    TextTable table = new TextTable("METHOD", "REQUEST", "EXAMPLE", "WHAT IT DOES");
    for (Operation operation : operations.values()) {
      table.addRow(operation.name(), operation.requestTypeName(), operation.example(), operation.summary());
    }
    for (String row : table.lines()) {
      out.println("  " + row);
    }
    out.println("example: call agent-1 listDir {\"path\": \".\"}");
  }

  private void list() {
    List<ClientInfo> agents = clients.list();
    if (agents.isEmpty()) {
      out.println("no agents connected");
      return;
    }
    out.println(agents.size() + (agents.size() == 1 ? " agent" : " agents") + " connected:");
    for (ClientInfo agent : agents) {
      out.println("  " + agent.name() + (agent.labels().isEmpty() ? "" : "  " + labels(agent)));
    }
  }

  /** e.g. {@code role=web,zone=eu}, sorted by key. */
  private static String labels(ClientInfo agent) {
    List<String> pairs = new ArrayList<>();
    new TreeMap<>(agent.labels()).forEach((key, value) -> pairs.add(key + "=" + value));
    return String.join(",", pairs);
  }

  private void call(String arguments) {
    String[] words = arguments.split("\\s+", 3);
    if (arguments.isEmpty() || words.length < 2) {
      error("usage: call <agent> <method> [json]");
      return;
    }
    String agent = words[0];
    Operation operation = operation(words[1]);
    if (operation == null) {
      return;
    }
    Message request = request(operation, words.length > 2 ? words[2] : "");
    if (request == null) {
      return;
    }
    if (!clients.isConnected(agent) && !clients.list().stream().anyMatch(info -> info.name().equals(agent))) {
      error("unknown agent '" + agent + "'; " + connected());
      return;
    }
    long start = System.nanoTime();
    CompletableFuture<? extends Message> future = operation.call(agent, request);
    try {
      Message reply = future.get();
      out.println("OK from " + agent + " in " + Format.latency(since(start)));
      out.println(print(PRETTY, reply));
    } catch (ExecutionException e) {
      error(Format.failure(e.getCause()) + " (" + agent + ", after " + Format.latency(since(start)) + ")");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      error("interrupted; the call was cancelled");
    }
  }

  private void all(String arguments) {
    AllArguments parsed = allArguments(arguments.strip());
    if (parsed == null) {
      return;
    }
    Rollout rollout = parsed.rollout();
    String rest = parsed.rest();
    String[] words = rest.split("\\s+", 2);
    if (rest.isEmpty()) {
      error(ALL_USAGE);
      return;
    }
    Operation operation = operation(words[0]);
    if (operation == null) {
      return;
    }
    Message request = request(operation, words.length > 1 ? words[1] : "");
    if (request == null) {
      return;
    }
    List<String> targets = rollout.targets(clients);
    if (targets.isEmpty()) {
      out.println(clients.list().isEmpty() ? "no agents connected" : "no connected agent matches --select " + rollout.selector());
      return;
    }
    long start = System.nanoTime();
    FanOut<Message> fanOut = operation.fanOut(request, rollout.options(targets));
    CountDownLatch allPrinted =
        RolloutReport.printProgress(
            fanOut,
            line -> {
              out.println(line);
              out.flush();
            });
    List<Result<Message>> results;
    try {
      results = fanOut.results().get();
      allPrinted.await(PROGRESS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      error(Format.failure(e.getCause()));
      return;
    } catch (InterruptedException e) {
      fanOut.cancel();
      Thread.currentThread().interrupt();
      error("interrupted; the calls were cancelled");
      return;
    }
    table(results);
    int ok = 0;
    for (Result<Message> result : results) {
      ok += result.isOk() ? 1 : 0;
    }
    out.println(ok + " of " + results.size() + " agents answered in " + Format.latency(since(start)));
    String stopped = RolloutReport.stopped(rollout, results);
    if (stopped != null) {
      out.println(stopped);
    }
  }

  /** {@code all}'s options as a rollout, and the method and request after them. */
  private record AllArguments(Rollout rollout, String rest) {}

  /** Reads {@code all}'s options ({@code --batch 2} or {@code --batch=2}); null after an error. */
  private AllArguments allArguments(String arguments) {
    Rollout rollout = Rollout.everyAgent();
    String rest = arguments;
    try {
      while (rollout != null && rest.startsWith("--")) {
        String[] words = rest.split("\\s+", 2);
        String option = words[0];
        rest = words.length > 1 ? words[1] : "";
        String value;
        int equals = option.indexOf('=');
        if (equals > 0) {
          value = option.substring(equals + 1);
          option = option.substring(0, equals);
        } else {
          String[] next = rest.split("\\s+", 2);
          if (rest.isEmpty() || next[0].startsWith("--")) {
            error(option + " needs a value; " + ALL_USAGE);
            return null;
          }
          value = next[0];
          rest = next.length > 1 ? next[1] : "";
        }
        rollout = option(rollout, option, value);
      }
    } catch (IllegalArgumentException e) {
      error(e.getMessage());
      return null;
    }
    return rollout == null ? null : new AllArguments(rollout, rest);
  }

  /** {@code rollout} with one more console option; null (after an error) for an unknown one. */
  private Rollout option(Rollout rollout, String option, String value) {
    switch (option) {
      case "--batch":
        return rollout.batch(value);
      case "--select":
        return rollout.select(value);
      case "--first":
        return rollout.first(value);
      case "--max-failures":
        return rollout.maxFailures(value);
      default:
        error("unknown option '" + option + "'; " + ALL_USAGE);
        return null;
    }
  }

  /** The results, one row per agent in name order. */
  private void table(List<Result<Message>> results) {
    List<Result<Message>> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparing(Result::client));
    TextTable table = new TextTable("AGENT", "STATUS", "LATENCY", "RESULT");
    for (Result<Message> result : sorted) {
      table.addRow(
          result.client(),
          RolloutReport.outcome(result),
          RolloutReport.latency(result),
          result.isOk() ? print(COMPACT, result.value()) : RolloutReport.why(result));
    }
    for (String row : table.lines()) {
      out.println(row);
    }
  }

  private Operation operation(String name) {
    Operation operation = operations.get(name.toLowerCase(Locale.ROOT));
    if (operation == null) {
      List<String> names = new ArrayList<>();
      for (Operation known : operations.values()) {
        names.add(known.name());
      }
      error("unknown method '" + name + "'; methods: " + String.join(", ", names));
    }
    return operation;
  }

  private Message request(Operation operation, String json) {
    String text = json.isBlank() ? "{}" : json.strip();
    Message.Builder builder = operation.requestPrototype().newBuilderForType();
    try {
      PARSER.merge(text, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      error(
          "bad JSON for "
              + operation.requestTypeName()
              + ": "
              + oneLine(e.getMessage())
              + "; e.g. "
              + operation.name()
              + " "
              + operation.example());
      return null;
    }
    return builder.build();
  }

  /** The agents connected now, to this controller or (for a cluster replica) to any other. */
  private String connected() {
    List<String> names = clients.list().stream().map(ClientInfo::name).toList();
    return names.isEmpty() ? "no agents are connected" : "connected: " + String.join(", ", names);
  }

  private void announce(String event) {
    if (prompt) {
      // over the waiting prompt, then the prompt again below
      out.print("\r* " + event + System.lineSeparator() + "> ");
    } else {
      out.println("* " + event);
    }
    out.flush();
  }

  private void error(String message) {
    out.println("error: " + message);
  }

  private static String print(JsonFormat.Printer printer, Message message) {
    try {
      return printer.print(message);
    } catch (InvalidProtocolBufferException e) {
      return message.toString();
    }
  }

  /** An exception's message on one line, without the class names of wrapped exceptions. */
  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    return text.replaceAll("\\s*\\R\\s*", " ")
        .replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ", "");
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

}
