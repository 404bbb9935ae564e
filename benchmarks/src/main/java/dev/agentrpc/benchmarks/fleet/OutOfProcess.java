package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.Echo;
import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The out-of-process benchmarks: this JVM is the controller only; the agents run in child
 * JVMs ({@link AgentFleet}, at most {@code --per-jvm} agents each), as deployed. For each
 * configuration and agent count N it measures, after a warm-up:
 *
 * <ol>
 *   <li>call-all latency over N agents, ~100 B each, one call-all after the other; every
 *       result must be OK; and this JVM's CPU time per agent per call-all;
 *   <li>throughput of 64 calls in flight to one agent (the others connected and idle), over
 *       timed windows;
 *   <li>controller heap per idle agent: heap after full GCs with the controller restarted and
 *       no agent connected, then again once all N rejoined and sat idle;
 *   <li>join storms: the controller (Clients and server) stops and a new one starts on the
 *       same port; the time from its start until all N are connected ({@code names().size()
 *       == N}), and until a call-all first comes back all OK. The agents redial after their
 *       backoff ({@link AgentFleet}'s {@code --backoff-ms}, 100 ms then up to 2 s unless set),
 *       not the runtime's default 1 s. How long the stop took is printed too: agents that
 *       redial while no server listens back off further, so a slow stop lengthens the storm.
 * </ol>
 *
 * <p>Beside them, only when asked for ({@code --phases}: they would lengthen the default run,
 * which the sitting repeats on an older commit, and they measure grpc-java, not a commit), two
 * plain grpc-java anchors with the same process layout, measured the same way:
 *
 * <ul>
 *   <li>{@code grpc-callall}, call-all's mirror image: N plain servers with a unary and a
 *       bidi echo, each on its own port, in child JVMs ({@link ServerFleet}: two event loops
 *       and one executor per JVM, shared as the agents share theirs); this JVM opens one
 *       channel to each ({@link PlainFanOut}, on grpc's default event loop group, the one the
 *       controller's server has) and times one echo (~100 B) to all N, every answer checked,
 *       with call-all's warm-up and counts: first as an async unary call each, then as one
 *       message on a bidi stream each channel keeps open (the shape of an agent's connection);
 *   <li>{@code grpc-storm}, the join storm's mirror image: N plain channels in child JVMs
 *       ({@link ChannelFleet}), each kept connected to one plain server in this JVM ({@link
 *       PlainServer}) and redialing on the agents' backoff ({@link KeptChannel}); the server is
 *       stopped ({@code shutdownNow}) and a new one started on the same port, and the time from
 *       its start until every channel is READY again, and until each has echoed once after
 *       that, is taken, with the child JVMs' CPU per channel.
 * </ul>
 *
 * <p>{@code default} is the README's set-up ({@link Setup}) with nothing added, and the agents
 * run handlers on their JVM's shared pool; {@code tuned} adds {@code directExecutor()} on the
 * server and the agents' channels, completes callers' futures without a hand-off, and runs
 * the agents' handlers on the transport thread. For the anchors, {@code default} is grpc's
 * default executors on every server and channel, {@code tuned} {@code directExecutor()} on all.
 *
 * <p>Prints markdown tables (and writes them to {@code --report FILE}); exits non-zero on any
 * failed call, timeout or child JVM that died.
 *
 * <pre>java -Xmx2g -cp agentrpc-benchmarks.jar dev.agentrpc.benchmarks.fleet.OutOfProcess
 *     [--quick] [--agents 1000,10000] [--configs default,tuned] [--phases callall,inflight,heap,storm,grpc-callall,grpc-storm]
 *     [--per-jvm 5000] [--call-alls N] [--storms N] [--backoff-ms INITIAL,MAX] [--report FILE]</pre>
 */
public final class OutOfProcess {
  private static final int IN_FLIGHT = 64;
  private static final String PREFIX = "agent";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
  /** The phases that measure agentrpc, the default set. */
  private static final Set<String> AGENTRPC_PHASES = Set.of("callall", "inflight", "heap", "storm");
  /** The plain-gRPC anchors' phases, run only when asked for. */
  private static final Set<String> ANCHOR_PHASES = Set.of("grpc-callall", "grpc-storm");

  private final boolean quick;
  private final int perJvm;
  private final int storms;
  private final Set<String> phases;
  private final String backoffMs;
  private final EchoRequest request = Echo.request(100);

  private final StringBuilder callAll = new StringBuilder();
  private final StringBuilder inFlight = new StringBuilder();
  private final StringBuilder heap = new StringBuilder();
  private final StringBuilder storm = new StringBuilder();
  private final RoundTimer timer;
  private final Anchors anchors;
  /** The controller under test now; replaced on every restart. */
  private Controller controller;

  private OutOfProcess(boolean quick, int perJvm, Integer callAlls, int storms, Set<String> phases, String backoffMs) {
    this.quick = quick;
    this.perJvm = perJvm;
    this.storms = storms;
    this.phases = phases;
    this.backoffMs = backoffMs;
    this.timer = new RoundTimer(quick, callAlls);
    this.anchors = new Anchors(perJvm, storms, backoffMs, request, CALL_TIMEOUT, timer);
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    List<Integer> counts = null;
    List<String> configs = List.of("default", "tuned");
    Set<String> phases = AGENTRPC_PHASES;
    int perJvm = AgentProcesses.DEFAULT_PER_JVM;
    Integer callAlls = null;
    Integer storms = null;
    String backoff = "100,2000";
    Path report = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--agents" -> {
          counts = new ArrayList<>();
          for (String n : args[++i].split(",")) {
            counts.add(Integer.parseInt(n));
          }
        }
        case "--configs" -> configs = List.of(args[++i].split(","));
        case "--phases" -> {
          phases = Set.of(args[++i].split(","));
          for (String phase : phases) {
            if (!AGENTRPC_PHASES.contains(phase) && !ANCHOR_PHASES.contains(phase)) {
              System.err.println("unknown phase " + phase + "; see the class's javadoc");
              System.exit(2);
            }
          }
        }
        case "--per-jvm" -> perJvm = Integer.parseInt(args[++i]);
        case "--call-alls" -> callAlls = Integer.parseInt(args[++i]);
        case "--storms" -> storms = Integer.parseInt(args[++i]);
        case "--backoff-ms" -> backoff = args[++i];
        case "--report" -> report = Path.of(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i] + "; see the class's javadoc");
          System.exit(2);
        }
      }
    }
    if (counts == null) {
      counts = quick ? List.of(200) : List.of(1000, 10000);
    }
    OutOfProcess bench =
        new OutOfProcess(quick, perJvm, callAlls, storms != null ? storms : quick ? 1 : 3, phases, backoff);
    int status = 0;
    try {
      for (int count : counts) {
        for (String config : configs) {
          bench.run(config, count);
        }
      }
    } catch (Exception | Error e) {
      System.err.println("out-of-process benchmark failed: " + e);
      e.printStackTrace();
      status = 1;
    }
    String tables = bench.tables();
    System.out.println();
    System.out.println(tables);
    if (report != null) {
      Files.writeString(report, tables, StandardCharsets.UTF_8);
      System.out.println("report written to " + report.toAbsolutePath());
    }
    System.exit(status);
  }

  private void run(String config, int count) throws Exception {
    boolean tuned = switch (config) {
      case "default" -> false;
      case "tuned" -> true;
      default -> throw new IllegalArgumentException("config is default or tuned, was " + config);
    };
    System.out.printf(Locale.ROOT, "== %s, %,d agents%n", config, count);
    if (phases.stream().anyMatch(AGENTRPC_PHASES::contains)) {
      runAgentrpc(config, tuned, count);
    }
    if (phases.contains("grpc-callall")) {
      anchors.fanOut(config, tuned, count);
    }
    if (phases.contains("grpc-storm")) {
      anchors.storm(config, tuned, count);
    }
  }

  /** The agentrpc phases asked for, over one controller and one launch of the agents. */
  private void runAgentrpc(String config, boolean tuned, int count) throws Exception {
    controller = Controller.start(tuned, 0);
    int port = controller.port();
    List<String> options = new ArrayList<>(List.of("--backoff-ms", backoffMs));
    if (tuned) {
      options.add("--tuned");
    }
    Duration joinTimeout = Duration.ofSeconds(60 + count / 50);
    long launched = System.nanoTime();
    try (AgentProcesses agents = AgentProcesses.launch(port, count, PREFIX, perJvm, options)) {
      agents.awaitReady(joinTimeout);
      agents.awaitJoined(controller.clients(), count, joinTimeout);
      System.out.printf(Locale.ROOT, "%,d agents in %d JVMs joined %.1f s after launch%n",
          count, (count + perJvm - 1) / perJvm, (System.nanoTime() - launched) / 1e9);
      if (phases.contains("callall")) {
        callAll(config, controller.clients(), count);
      }
      if (phases.contains("inflight")) {
        inFlight(config, controller.clients(), count);
      }
      if (phases.contains("heap")) {
        heap(config, tuned, port, count, agents);
      }
      if (phases.contains("storm")) {
        storm(config, tuned, port, count, agents);
      }
    } finally {
      stopController();
    }
  }

  /** Closes the controller and forgets it, so that nothing here keeps it reachable. */
  private void stopController() throws InterruptedException {
    Controller stopping = controller;
    controller = null;
    if (stopping != null) {
      stopping.close();
    }
  }

  // ---- call-all latency ----

  private void callAll(String config, Clients clients, int count) throws Exception {
    callAll.append(timer.time(config, count, () -> oneCallAll(clients, count))).append('\n');
  }

  /** One call-all; throws unless all {@code count} agents answered OK. */
  private void oneCallAll(Clients clients, int count) throws Exception {
    String problem = callAllProblem(clients, count);
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
  }

  /** Null if a call-all reached {@code count} agents and all answered OK, else what went wrong. */
  private String callAllProblem(Clients clients, int count) throws Exception {
    List<Result<EchoResponse>> results =
        clients.callAll(request, EchoResponse.parser()).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (results.size() != count) {
      return "call-all reached " + results.size() + " of " + count + " agents";
    }
    for (Result<EchoResponse> result : results) {
      if (!result.isOk()) {
        return "call-all: " + result.client() + " failed: " + result.status();
      }
      if (result.value().getPayload().size() != request.getPayload().size()) {
        return "call-all: " + result.client() + " echoed " + result.value().getPayload().size() + " bytes";
      }
    }
    return null;
  }

  // ---- 64 calls in flight to one agent ----

  private void inFlight(String config, Clients clients, int count) throws Exception {
    double warmupSeconds = quick ? 1 : 5;
    double windowSeconds = quick ? 0.5 : 2;
    int windows = quick ? 3 : 5;
    String agent = PREFIX + "-0";
    Semaphore permits = new Semaphore(IN_FLIGHT);
    AtomicLong done = new AtomicLong();
    AtomicReference<String> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long[] boundaries = new long[windows + 1];
    for (int w = 0; w <= windows; w++) {
      boundaries[w] = start + (long) ((warmupSeconds + w * windowSeconds) * 1e9);
    }
    long[] completedAt = new long[windows + 1];
    long[] timeAt = new long[windows + 1];
    int next = 0;
    while (next <= windows && failure.get() == null) {
      long now = System.nanoTime();
      if (now >= boundaries[next]) {
        completedAt[next] = done.get();
        timeAt[next] = now;
        next++;
        continue;
      }
      if (!permits.tryAcquire(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("64 calls in flight: no call completed within " + CALL_TIMEOUT);
      }
      clients.call(agent, request, EchoResponse.parser()).whenComplete((response, error) -> {
        if (error != null) {
          failure.compareAndSet(null, "call to " + agent + " failed: " + error);
        } else if (response.getPayload().size() != request.getPayload().size()) {
          failure.compareAndSet(null, agent + " echoed " + response.getPayload().size() + " bytes");
        }
        done.incrementAndGet();
        permits.release();
      });
    }
    if (!permits.tryAcquire(IN_FLIGHT, CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("64 calls in flight: the last calls did not complete within " + CALL_TIMEOUT);
    }
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get());
    }
    double[] perSecond = new double[windows];
    for (int w = 0; w < windows; w++) {
      perSecond[w] = (completedAt[w + 1] - completedAt[w]) / ((timeAt[w + 1] - timeAt[w]) / 1e9);
    }
    Stats s = new Stats(perSecond);
    String row = String.format(Locale.ROOT, "| %s | %,d | %d × %.1f s (+%.0f s warm-up) | %s | ± %s | %s | %s |",
        config, count, windows, windowSeconds, warmupSeconds, Stats.number(s.mean()), Stats.number(s.meanError()),
        Stats.number(s.min()), Stats.number(s.max()));
    System.out.println(row);
    inFlight.append(row).append('\n');
  }

  // ---- heap per idle agent ----

  /** Restarts the controller, reads the heap with no agent, then with all rejoined and idle. */
  private void heap(String config, boolean tuned, int port, int count, AgentProcesses agents)
      throws Exception {
    WeakReference<Clients> old = new WeakReference<>(controller.clients());
    stopController();
    // The baseline must not count the closed controller: wait until it is collected.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (old.get() != null && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(100);
    }
    if (old.get() != null) {
      System.out.println("note: the closed controller's Clients was still reachable 30 s after close");
    }
    long before = Heap.settled();
    long directBefore = PlatformDependent.usedDirectMemory();
    Heap.histogramTo(config + "-" + count + "-before");
    controller = Controller.start(tuned, port);
    agents.awaitJoined(controller.clients(), count, Duration.ofSeconds(60 + count / 50));
    Thread.sleep(quick ? 500 : 2000); // let the connections go idle
    long after = Heap.settled();
    long directAfter = PlatformDependent.usedDirectMemory();
    Heap.histogramTo(config + "-" + count + "-after");
    if (controller.clients().names().size() != count) {
      throw new IllegalStateException(controller.clients().names().size() + " of " + count + " agents still joined");
    }
    String row = String.format(Locale.ROOT, "| %s | %,d | %s | %s | %.1f KiB | %s | %d |",
        config, count, Heap.mib(before), Heap.mib(after), (after - before) / 1024.0 / count,
        directBefore < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f KiB", (directAfter - directBefore) / 1024.0 / count),
        ManagementFactory.getThreadMXBean().getThreadCount());
    System.out.println(row);
    heap.append(row).append('\n');
    // Called once, the agents count this controller as accepted and reset their backoff, as
    // after every storm round: otherwise the next storm would start from a grown backoff.
    oneCallAll(controller.clients(), count);
    // Once called, a connection also holds what its first response headers left (HPACK).
    long called = Heap.settled();
    Heap.histogramTo(config + "-" + count + "-called");
    System.out.printf(Locale.ROOT, "heap per agent once each was called: %.1f KiB%n", (called - before) / 1024.0 / count);
  }

  // ---- join storms ----

  private void storm(String config, boolean tuned, int port, int count, AgentProcesses agents)
      throws Exception {
    double[] joined = new double[storms];
    double[] callable = new double[storms];
    Duration timeout = Duration.ofSeconds(60 + count / 50);
    for (int round = 0; round < storms; round++) {
      long stopping = System.nanoTime();
      long agentCpuBefore = agents.cpuNanos();
      long[] dialsBefore = agents.dialsAndEnds();
      long controllerCpuBefore = RoundTimer.cpuNanos();
      stopController();
      controller = Controller.start(tuned, port);
      long start = System.nanoTime();
      // The first agent and half of them, to tell the agents' backoff from the controller's pace.
      agents.awaitJoined(controller.clients(), 1, timeout);
      double first = (System.nanoTime() - start) / 1e9;
      agents.awaitJoined(controller.clients(), (count + 1) / 2, timeout);
      double half = (System.nanoTime() - start) / 1e9;
      agents.awaitJoined(controller.clients(), count, timeout);
      joined[round] = (System.nanoTime() - start) / 1e9;
      long deadline = start + timeout.toNanos();
      String problem;
      while ((problem = callAllProblem(controller.clients(), count)) != null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("join storm: no call-all all OK within " + timeout + ": " + problem);
        }
        agents.checkAlive();
      }
      callable[round] = (System.nanoTime() - start) / 1e9;
      double agentCpuMicros = (agents.cpuNanos() - agentCpuBefore) / 1e3 / count;
      long[] dialsAfter = agents.dialsAndEnds();
      double controllerCpuMicros = (RoundTimer.cpuNanos() - controllerCpuBefore) / 1e3 / count;
      System.out.printf(Locale.ROOT,
          "join storm %d: stop and restart took %.2f s; then the first agent joined in %.2f s, half in %.2f s,"
              + " all %,d in %.2f s, callable in %.2f s; CPU per agent, stop to callable: agent JVMs"
              + " %.0f µs, controller %.0f µs; dials per agent %.2f, streams ended per agent %.2f, TCP connections attempted per agent %.2f%n",
          round + 1, (start - stopping) / 1e9, first, half, count, joined[round], callable[round],
          agentCpuMicros, controllerCpuMicros, (dialsAfter[0] - dialsBefore[0]) / (double) count,
          (dialsAfter[1] - dialsBefore[1]) / (double) count, (dialsAfter[2] - dialsBefore[2]) / (double) count);
    }
    Stats j = new Stats(joined);
    Stats c = new Stats(callable);
    String row = String.format(Locale.ROOT, "| %s | %,d | %d | %s s | %s–%s s | %s s | %s–%s s |",
        config, count, storms, Stats.number(j.percentile(50)), Stats.number(j.min()), Stats.number(j.max()),
        Stats.number(c.percentile(50)), Stats.number(c.min()), Stats.number(c.max()));
    System.out.println(row);
    storm.append(row).append('\n');
  }

  private String tables() {
    StringBuilder out = new StringBuilder();
    table(out, callAll, "Call-all, ~100 B to every agent, agents in other JVMs (latency, lower is better)",
        "config", "agents", "call-alls", "p50", "p50 95% CI", "p90", "p99", "min", "max", "controller CPU per agent");
    table(out, inFlight, "64 calls in flight to one agent in another JVM (calls/s, higher is better)",
        "config", "agents connected", "windows", "mean", "95% CI", "min", "max");
    table(out, heap, "Controller heap per idle agent (after full GCs)",
        "config", "agents", "heap, no agent", "heap, all idle", "heap per agent", "Netty direct per agent",
        "controller threads");
    table(out, storm, "Join storm: server restarted on the same port, agents redial (lower is better)",
        "config", "agents", "rounds", "all joined: median", "min–max", "first all-OK call-all: median", "min–max");
    anchors.appendTables(out);
    return out.toString();
  }

  /** Appends a markdown table of {@code rows} under {@code title}, if there are rows. */
  static void table(StringBuilder out, StringBuilder rows, String title, String... columns) {
    if (rows.length() == 0) {
      return;
    }
    out.append("### ").append(title).append("\n\n|");
    for (String column : columns) {
      out.append(' ').append(column).append(" |");
    }
    out.append("\n|").append("---|".repeat(columns.length)).append('\n').append(rows).append('\n');
  }
}
