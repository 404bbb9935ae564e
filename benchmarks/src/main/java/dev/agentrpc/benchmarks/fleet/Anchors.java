package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plain grpc-java anchors of the out-of-process figures ({@link OutOfProcess}'s phases
 * {@code grpc-callall} and {@code grpc-storm}), with the agents' process layout: a fan-out to N
 * plain servers in child JVMs, and a reconnect storm of N plain channels in child JVMs.
 */
final class Anchors {
  private final int perJvm;
  private final int rounds;
  private final String backoffMs;
  private final EchoRequest request;
  private final Duration callTimeout;
  private final RoundTimer timer;
  private final StringBuilder fanOuts = new StringBuilder();
  private final StringBuilder storms = new StringBuilder();

  /** {@code rounds}: storms per configuration; {@code backoffMs}: the channels' redial schedule, "INITIAL,MAX". */
  Anchors(int perJvm, int rounds, String backoffMs, EchoRequest request, Duration callTimeout, RoundTimer timer) {
    this.perJvm = perJvm;
    this.rounds = rounds;
    this.backoffMs = backoffMs;
    this.request = request;
    this.callTimeout = callTimeout;
    this.timer = timer;
  }

  /**
   * The fan-out anchor: N plain servers in child JVMs ({@link ServerFleet}), one channel to
   * each here ({@link PlainFanOut}), timed as call-all is.
   */
  void fanOut(String config, boolean tuned, int count) throws Exception {
    Duration timeout = Duration.ofSeconds(60 + count / 50);
    long launched = System.nanoTime();
    try (AgentProcesses servers = AgentProcesses.launch(count, perJvm, (first, size) -> fleetCommand(
        ServerFleet.class, tuned, Integer.toString(size)))) {
      servers.awaitReady(timeout);
      List<Integer> ports = new ArrayList<>(count);
      for (int j = 0; j < servers.jvms(); j++) {
        for (String port : servers.nextReply(j, ServerFleet.PORTS, timeout).words()) {
          ports.add(Integer.parseInt(port));
        }
      }
      if (ports.size() != count) {
        throw new IllegalStateException("the server JVMs listed " + ports.size() + " ports, not " + count);
      }
      System.out.printf(Locale.ROOT, "%,d plain gRPC servers in %d JVMs listening %.1f s after launch%n",
          count, servers.jvms(), (System.nanoTime() - launched) / 1e9);
      try (PlainFanOut fanOut = new PlainFanOut(ports, tuned)) {
        fanOuts.append(timer.time(config + ", unary", count, () -> {
          String problem = fanOut.echoAll(request, callTimeout);
          if (problem != null) {
            servers.checkAlive();
            throw new IllegalStateException("plain gRPC fan-out: " + problem);
          }
        })).append('\n');
        fanOut.openStreams();
        fanOuts.append(timer.time(config + ", bidi stream", count, () -> {
          String problem = fanOut.echoAllOnStreams(request, callTimeout);
          if (problem != null) {
            servers.checkAlive();
            throw new IllegalStateException("plain gRPC fan-out over standing streams: " + problem);
          }
        })).append('\n');
      }
    }
  }

  /**
   * The reconnect-storm anchor: N plain channels in child JVMs ({@link ChannelFleet}) kept
   * connected to one plain server here ({@link PlainServer}); the server is stopped and a new
   * one started on the same port, as in a join storm.
   */
  void storm(String config, boolean tuned, int count) throws Exception {
    Duration timeout = Duration.ofSeconds(60 + count / 50);
    PlainServer server = PlainServer.start(tuned, 0);
    int port = server.port();
    long launched = System.nanoTime();
    try (AgentProcesses channels = AgentProcesses.launch(count, perJvm, (first, size) -> fleetCommand(
        ChannelFleet.class, tuned, "127.0.0.1", Integer.toString(port), Integer.toString(size),
        "--backoff-ms", backoffMs))) {
      channels.awaitReady(timeout);
      System.out.printf(Locale.ROOT, "%,d plain gRPC channels in %d JVMs connected and echoed %.1f s after launch%n",
          count, channels.jvms(), (System.nanoTime() - launched) / 1e9);
      double[] connected = new double[rounds];
      double[] callable = new double[rounds];
      double[] cpu = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        channels.send("arm");
        for (int j = 0; j < channels.jvms(); j++) {
          channels.nextReply(j, ChannelFleet.ARMED, timeout);
        }
        long childCpuBefore = channels.cpuNanos();
        long[] statsBefore = channels.dialsAndEnds();
        long controllerCpuBefore = RoundTimer.cpuNanos();
        long stopping = System.nanoTime();
        PlainServer stopped = server;
        server = null;
        stopped.close();
        server = PlainServer.start(tuned, port);
        long start = System.nanoTime();
        connected[round] = (lastReply(channels, ChannelFleet.RECONNECTED, timeout) - start) / 1e9;
        callable[round] = (lastReply(channels, ChannelFleet.CALLABLE, timeout) - start) / 1e9;
        cpu[round] = (channels.cpuNanos() - childCpuBefore) / 1e3 / count;
        long[] statsAfter = channels.dialsAndEnds();
        System.out.printf(Locale.ROOT,
            "plain gRPC reconnect storm %d: stop and restart took %.2f s; then all %,d channels READY in %.2f s,"
                + " callable in %.2f s; CPU per channel, stop to callable: channel JVMs %.0f µs, controller %.0f µs;"
                + " redials per channel %.2f, connections lost per channel %.2f, TCP connections attempted per channel %.2f%n",
            round + 1, (start - stopping) / 1e9, count, connected[round], callable[round], cpu[round],
            (RoundTimer.cpuNanos() - controllerCpuBefore) / 1e3 / count,
            (statsAfter[0] - statsBefore[0]) / (double) count, (statsAfter[1] - statsBefore[1]) / (double) count,
            (statsAfter[2] - statsBefore[2]) / (double) count);
      }
      Stats r = new Stats(connected);
      Stats c = new Stats(callable);
      String row = String.format(Locale.ROOT, "| %s | %,d | %d | %s s | %s–%s s | %s s | %s–%s s | %s µs |",
          config, count, rounds, Stats.number(r.percentile(50)), Stats.number(r.min()), Stats.number(r.max()),
          Stats.number(c.percentile(50)), Stats.number(c.min()), Stats.number(c.max()),
          Stats.number(new Stats(cpu).percentile(50)));
      System.out.println(row);
      storms.append(row).append('\n');
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** A child JVM's main class and arguments, with {@code --tuned} last if {@code tuned}. */
  private static List<String> fleetCommand(Class<?> main, boolean tuned, String... args) {
    List<String> command = new ArrayList<>(List.of(main.getName()));
    command.addAll(List.of(args));
    if (tuned) {
      command.add("--tuned");
    }
    return command;
  }

  /** When the last child JVM said {@code word} ({@link System#nanoTime()}). */
  private static long lastReply(AgentProcesses children, String word, Duration timeout) throws InterruptedException {
    long last = Long.MIN_VALUE;
    for (int j = 0; j < children.jvms(); j++) {
      last = Math.max(last, children.nextReply(j, word, timeout).nanos());
    }
    return last;
  }

  /** Appends the anchors' tables, those with rows. */
  void appendTables(StringBuilder out) {
    OutOfProcess.table(out, fanOuts,
        "Anchor: plain gRPC fan-out, one echo (~100 B) to each of N plain servers in other JVMs, as an async unary call or as one message on a standing bidi stream (latency, lower is better)",
        "config", "servers", "fan-outs", "p50", "p50 95% CI", "p90", "p99", "min", "max", "controller CPU per server");
    OutOfProcess.table(out, storms,
        "Anchor: plain gRPC reconnect storm, server restarted on the same port, channels in other JVMs reconnect (lower is better)",
        "config", "channels", "rounds", "all connected: median", "min–max", "all callable: median", "min–max",
        "channel JVMs' CPU per channel: median");
  }
}
