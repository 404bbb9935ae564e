package dev.agentrpc.example.demo;

import dev.agentrpc.example.AgentFunctions;
import dev.agentrpc.example.AgentFunctionsProxy;
import dev.agentrpc.example.agent.AgentRunner;
import dev.agentrpc.example.agent.SandboxRoot;
import dev.agentrpc.example.agent.SleepEvent;
import dev.agentrpc.example.controller.FleetController;
import dev.agentrpc.example.controller.Format;
import dev.agentrpc.example.controller.Rollout;
import dev.agentrpc.example.controller.RolloutReport;
import dev.agentrpc.example.controller.TextTable;
import dev.agentrpc.example.v1.DirEntry;
import dev.agentrpc.example.v1.EchoRequest;
import dev.agentrpc.example.v1.EchoResponse;
import dev.agentrpc.example.v1.HostInfo;
import dev.agentrpc.example.v1.HostInfoRequest;
import dev.agentrpc.example.v1.ListDirRequest;
import dev.agentrpc.example.v1.ListDirResponse;
import dev.agentrpc.example.v1.SleepRequest;
import dev.agentrpc.example.v1.SleepResponse;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOut;
import dev.agentrpc.server.FanOutOptions;
import dev.agentrpc.server.Result;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The embedded demo: a controller on an ephemeral 127.0.0.1 port and six labelled agents in
 * this JVM, talking real gRPC over loopback. It calls each operation on one agent, calls the
 * whole fleet, runs a batched rollout that stops at its first failure, lets a deadline expire
 * and cancels a sleep, and says whether everything behaved.
 */
public final class Demo {
  /** The agents the demo starts. */
  public static final List<String> AGENTS = List.of("agent-1", "agent-2", "agent-3", "agent-4", "agent-5", "agent-6");

  /** The agent whose root lacks the release the rollout looks for, so that its call fails. */
  public static final String BROKEN_AGENT = "agent-3";

  /** The directory the rollout lists on every web agent. */
  static final String RELEASE = "releases/v2";

  /** The wait between a call's end and the next start in the rollout: it keeps its batches apart. */
  private static final Duration ROLLOUT_PAUSE = Duration.ofMillis(400);

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final PrintWriter out;
  private final List<String> problems = new ArrayList<>();

  private Demo(PrintWriter out) {
    this.out = out;
  }

  /**
   * Runs the demo, printing to {@code out}.
   *
   * @return 0 when every step behaved as it should, 1 otherwise
   */
  public static int run(PrintWriter out) {
    return new Demo(out).run();
  }

  private int run() {
    long start = System.nanoTime();
    out.println("agentrpc demo: one controller and six agents in this JVM, over gRPC on 127.0.0.1");
    out.println("(the agents dial out to the controller; the controller then calls them)");
    out.println();
    Path sandbox = null;
    List<AgentRunner> runners = new ArrayList<>();
    try (FleetController controller = FleetController.start("127.0.0.1", 0, null)) {
      sandbox = Files.createTempDirectory("agentrpc-demo-");
      DemoSleepWatcher sleeps = new DemoSleepWatcher();
      String target = "127.0.0.1:" + controller.port();
      out.println("controller  listening on " + target);
      try {
        for (String name : AGENTS) {
          Path root = Files.createDirectories(sandbox.resolve(name));
          sampleFiles(root, name);
          runners.add(
              AgentRunner.newBuilder(name, target, SandboxRoot.of(root))
                  .labels(labels(name))
                  .sleepObserver(sleeps)
                  .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                  .start());
        }
        long joining = System.nanoTime();
        if (!controller.awaitAgents(AGENTS, WAIT)) {
          problems.add("only " + controller.clients().names() + " of " + AGENTS + " joined within " + WAIT.toSeconds() + " s");
          return finish(start);
        }
        out.println(
            "agents      "
                + String.join(", ", AGENTS)
                + " dialed in and joined in "
                + Format.latency(Duration.ofNanos(System.nanoTime() - joining)));
        out.println();

        AgentFunctionsProxy agents = controller.agents();
        oneAgent(agents.forClient(AGENTS.get(0)), AGENTS.get(0));
        callAll(agents);
        rollout(controller.clients(), agents);
        deadline(agents, sleeps, AGENTS.get(1));
        cancel(agents, sleeps, AGENTS.get(2));
      } finally {
        // Agents first: a controller closing under them would make them redial.
        for (AgentRunner runner : runners) {
          runner.close();
        }
      }
    } catch (IOException e) {
      problems.add("could not start: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problems.add("interrupted");
    } catch (RuntimeException e) {
      problems.add("unexpected failure: " + e);
    } finally {
      deleteQuietly(sandbox);
    }
    return finish(start);
  }

  /** Each operation once on one agent, through the interface bound to it. */
  private void oneAgent(AgentFunctions agent, String name) throws InterruptedException {
    step("1. hostInfo on " + name + " (AgentFunctions bound to one agent: agents.forClient(\"" + name + "\"))");
    long start = System.nanoTime();
    try {
      HostInfo info = agent.hostInfo(HostInfoRequest.getDefaultInstance());
      detail(name + " runs on '" + info.getHostname() + "': " + info.getOs() + ", Java " + info.getJavaVersion() + took(start));
      detail(
          info.getCores()
              + " cores, load "
              + (info.hasSystemLoad() ? String.format(Locale.ROOT, "%.2f", info.getSystemLoad()) : "n/a")
              + ", "
              + (info.hasSystemFreeMemoryBytes() ? Format.bytes(info.getSystemFreeMemoryBytes()) + " RAM free, " : "")
              + "JVM up "
              + Format.span(Duration.ofSeconds(info.getJvmUptime().getSeconds(), info.getJvmUptime().getNanos()))
              + ", heap "
              + Format.bytes(info.getJvmFreeMemoryBytes())
              + " free of "
              + Format.bytes(info.getJvmMaxMemoryBytes()));
    } catch (StatusRuntimeException e) {
      failed("hostInfo on " + name, e);
    }

    step("2. listDir on " + name + ": its root, then a path that tries to leave it");
    start = System.nanoTime();
    try {
      ListDirResponse listing = agent.listDir(ListDirRequest.newBuilder().setPath(".").build());
      detail("listDir \".\"" + took(start));
      TextTable table = new TextTable("KIND", "SIZE", "NAME");
      for (DirEntry entry : listing.getEntriesList()) {
        boolean dir = entry.getKind() == DirEntry.Kind.DIRECTORY;
        table.addRow(
            entry.getKind().name().toLowerCase(Locale.ROOT),
            dir ? "" : Format.bytes(entry.getSizeBytes()),
            entry.getName() + (dir ? "/" : ""));
      }
      table.lines().forEach(line -> detail("  " + line));
    } catch (StatusException | StatusRuntimeException e) {
      failed("listDir on " + name, e);
    }
    String escape = "../../..";
    try {
      agent.listDir(ListDirRequest.newBuilder().setPath(escape).build());
      problems.add("listDir \"" + escape + "\" was not refused");
      detail("listDir \"" + escape + "\" was NOT refused");
    } catch (StatusException | StatusRuntimeException e) {
      Status status = Status.fromThrowable(e);
      detail("listDir \"" + escape + "\" -> refused, " + Format.status(status));
      if (status.getCode() != Status.Code.PERMISSION_DENIED) {
        problems.add("listDir \"" + escape + "\" failed with " + status.getCode() + ", not PERMISSION_DENIED");
      }
    }

    step("3. echo on " + name);
    start = System.nanoTime();
    try {
      EchoResponse echo = agent.echo(EchoRequest.newBuilder().setText("hello from the controller").build());
      detail(echo.getAgent() + " echoed \"" + echo.getText() + "\"" + took(start));
    } catch (StatusRuntimeException e) {
      failed("echo on " + name, e);
    }

    step("4. sleep 100 ms on " + name + " (an async method: it returns a CompletableFuture)");
    start = System.nanoTime();
    try {
      SleepResponse slept =
          agent.sleep(SleepRequest.newBuilder().setMillis(100).build()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      detail(slept.getAgent() + " slept " + slept.getSleptMillis() + " ms" + took(start));
    } catch (ExecutionException | TimeoutException e) {
      failed("sleep on " + name, e instanceof ExecutionException ? e.getCause() : e);
    }
  }

  /** One call to every agent at once: a row per agent, with its own latency. */
  private void callAll(AgentFunctionsProxy agents) throws InterruptedException {
    step("5. hostInfo on every agent at once (agents.fanOut(FanOutOptions.all()): a Result each, with its latency)");
    List<Result<HostInfo>> results;
    try {
      results =
          agents.fanOut(FanOutOptions.all())
              .hostInfo(HostInfoRequest.getDefaultInstance())
              .results()
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      failed("call-all", e);
      return;
    }
    results = new ArrayList<>(results);
    results.sort(Comparator.comparing(Result::client));
    TextTable table = new TextTable("AGENT", "LATENCY", "RESULT");
    for (Result<HostInfo> result : results) {
      table.addRow(
          result.client(),
          Format.latency(result.latency()),
          result.isOk() ? summary(result.value()) : Format.status(result.status()));
      if (!result.isOk()) {
        problems.add(result.client() + " failed the call-all: " + Format.status(result.status()));
      }
    }
    table.lines().forEach(line -> detail("  " + line));

    long start = System.nanoTime();
    List<Result<EchoResponse>> echoes = agents.all().echo(EchoRequest.newBuilder().setText("ping").build());
    long ok = echoes.stream().filter(Result::isOk).count();
    echoes = new ArrayList<>(echoes);
    echoes.sort(Comparator.comparing(Result::client));
    detail(
        "agents.all().echo(\"ping\"), the generated call-all: "
            + ok
            + " of "
            + echoes.size()
            + " answered ("
            + String.join(", ", echoes.stream().map(r -> r.client() + (r.isOk() ? " ok" : " " + r.status().getCode())).toList())
            + ")"
            + took(start));
    if (ok != AGENTS.size()) {
      problems.add("all().echo: " + ok + " of " + AGENTS.size() + " agents answered");
    }
  }

  /**
   * A rollout: the web agents, two at a time, each pair apart by a pause, stopping at the
   * first failure. One agent lacks the release, so the rollout stops and the agents after it
   * are never called.
   */
  private void rollout(Clients clients, AgentFunctionsProxy agents) throws InterruptedException {
    Rollout rollout = Rollout.everyAgent().select("role=web").batch("2").maxFailures("0");
    step(
        "6. a batched rollout: listDir \""
            + RELEASE
            + "\" on the role=web agents, 2 at a time, "
            + ROLLOUT_PAUSE.toMillis()
            + " ms apart, stopping at the first failure (console: all "
            + rollout
            + " listDir ...)");
    List<String> targets = rollout.targets(clients);
    FanOutOptions options = rollout.options(targets).pauseBetween(ROLLOUT_PAUSE);
    FanOut<ListDirResponse> fanOut = agents.fanOut(options).listDir(ListDirRequest.newBuilder().setPath(RELEASE).build());
    CountDownLatch allPrinted = RolloutReport.printProgress(fanOut, this::detail);
    List<Result<ListDirResponse>> results;
    try {
      results = fanOut.results().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      allPrinted.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      fanOut.cancel();
      failed("the rollout", e);
      return;
    }
    String stopped = RolloutReport.stopped(rollout, results);
    detail(stopped != null ? stopped : "the rollout did not stop");
    List<String> skipped = new ArrayList<>(AGENTS);
    skipped.removeAll(targets);
    detail("not selected: " + String.join(", ", skipped) + " (role=db)");
    for (Result<ListDirResponse> result : results) {
      boolean broken = result.client().equals(BROKEN_AGENT);
      if (broken && result.status().getCode() != Status.Code.NOT_FOUND) {
        problems.add("the rollout on " + BROKEN_AGENT + " gave " + RolloutReport.outcome(result) + ", not NOT_FOUND");
      } else if (!broken && result.outcome() == Result.Outcome.FAILED) {
        problems.add("the rollout failed on " + result.client() + ": " + Format.status(result.status()));
      }
    }
    if (!RolloutReport.neverCalled(results).contains("agent-5")) {
      problems.add("the rollout did not stop before agent-5");
    }
  }

  /** A call whose deadline passes before the agent answers. */
  private void deadline(AgentFunctionsProxy agents, DemoSleepWatcher sleeps, String name)
      throws InterruptedException {
    step("7. a deadline that expires: sleep 5000 ms on " + name + " with a 300 ms timeout");
    long start = System.nanoTime();
    try {
      agents.withTimeout(Duration.ofMillis(300)).sleep(name, SleepRequest.newBuilder().setMillis(5000).build());
      problems.add("the 300 ms deadline on " + name + " did not expire");
      detail("it answered: the deadline did NOT expire");
    } catch (StatusRuntimeException e) {
      detail("the caller got " + Format.status(e.getStatus()) + took(start));
      if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
        problems.add("the deadline on " + name + " gave " + e.getStatus().getCode());
      }
    }
    SleepEvent event =
        sleeps.awaitEnded(name, e -> e.outcome() != SleepEvent.Outcome.COMPLETED, WAIT);
    agentSaw(name, event, SleepEvent.Outcome.DEADLINE_EXCEEDED);
  }

  /** A call the caller cancels while the agent works on it. */
  private void cancel(AgentFunctionsProxy agents, DemoSleepWatcher sleeps, String name)
      throws InterruptedException {
    step("8. a cancelled call: sleep 60000 ms on " + name + ", cancelled once the agent started");
    long start = System.nanoTime();
    CompletableFuture<SleepResponse> sleep =
        agents.async().sleep(name, SleepRequest.newBuilder().setMillis(60_000).build());
    if (!sleeps.awaitStarted(name, WAIT)) {
      problems.add(name + " never started its sleep");
      sleep.cancel(true);
      return;
    }
    sleep.cancel(true);
    detail(
        "the controller cancelled the call "
            + Format.latency(Duration.ofNanos(System.nanoTime() - start))
            + " in (future.cancel); the caller's future is "
            + (sleep.isCancelled() ? "cancelled" : "NOT cancelled"));
    if (!sleep.isCancelled()) {
      problems.add("the sleep on " + name + " could not be cancelled");
    }
    SleepEvent event =
        sleeps.awaitEnded(name, e -> e.outcome() != SleepEvent.Outcome.COMPLETED, WAIT);
    agentSaw(name, event, SleepEvent.Outcome.CANCELLED);
  }

  private void agentSaw(String name, SleepEvent event, SleepEvent.Outcome expected) {
    if (event == null) {
      problems.add(name + " did not stop its sleep within " + WAIT.toSeconds() + " s");
      detail(name + " did NOT stop its sleep");
      return;
    }
    detail(
        name
            + " stopped its "
            + event.requestedMillis()
            + " ms sleep after "
            + event.elapsedMillis()
            + " ms: "
            + event.detail());
    if (event.outcome() != expected) {
      problems.add(name + "'s sleep ended " + event.outcome() + ", expected " + expected);
    }
  }

  private int finish(long startNanos) {
    out.println();
    String elapsed = Format.latency(Duration.ofNanos(System.nanoTime() - startNanos));
    if (problems.isEmpty()) {
      out.println("every step behaved (" + String.join(", ", AGENTS) + "); demo finished OK in " + elapsed);
      out.flush();
      return 0;
    }
    out.println("demo FAILED after " + elapsed + ":");
    problems.forEach(problem -> out.println("  - " + problem));
    out.flush();
    return 1;
  }

  private void failed(String what, Throwable failure) {
    String status = Format.failure(failure);
    problems.add(what + " failed: " + status);
    detail(what + " FAILED: " + status);
  }

  private void step(String title) {
    out.println(title);
  }

  private void detail(String line) {
    out.println("   " + line);
    out.flush();
  }

  private static String took(long startNanos) {
    return "  [" + Format.latency(Duration.ofNanos(System.nanoTime() - startNanos)) + "]";
  }

  private static String summary(HostInfo info) {
    return info.getHostname()
        + ", "
        + info.getCores()
        + " cores"
        + (info.hasSystemLoad() ? String.format(Locale.ROOT, ", load %.2f", info.getSystemLoad()) : "")
        + ", heap "
        + Format.bytes(info.getJvmFreeMemoryBytes())
        + " free";
  }

  /** Labels: agent-6 is the database, the others web servers, in two zones. */
  private static Map<String, String> labels(String agent) {
    int number = AGENTS.indexOf(agent) + 1;
    return Map.of("role", number == AGENTS.size() ? "db" : "web", "zone", number % 2 == 1 ? "eu" : "us");
  }

  private static void sampleFiles(Path root, String agent) throws IOException {
    Files.createDirectories(root.resolve("logs"));
    if (!agent.equals(BROKEN_AGENT)) {
      Files.writeString(Files.createDirectories(root.resolve(RELEASE)).resolve("app.jar"), "release 2 of " + agent + "\n");
    }
    Files.createDirectories(root.resolve("data"));
    Files.writeString(root.resolve("config.yaml"), "agent: " + agent + "\nlog_level: info\n");
    Files.writeString(root.resolve("logs/agent.log"), "started " + agent + "\n");
    Files.writeString(root.resolve("README.txt"), "The files " + agent + " may show.\n");
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // a temporary directory left behind is harmless
    }
  }
}
