package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.fleet.AgentProcesses;
import dev.agentrpc.benchmarks.fleet.Heap;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Controller heap per idle connected agent: a harness, not a JMH benchmark.
 *
 * <p>This JVM is the controller only (Clients + StreamServer on Netty, 127.0.0.1, the
 * default server configuration). The agents run in other JVMs that this harness launches
 * with the same class path ({@link AgentProcesses}), so nothing the agents hold is in the
 * heap measured, and each JVM stays under the open-file limit. For
 * each count N: heap used after full GCs with the server warmed up and no agent connected,
 * then again with N agents joined and idle; the difference over N is the controller's heap
 * per idle agent: its HTTP/2 connection and stream in grpc-java and Netty, and agentrpc's
 * session. Netty's direct (off-heap) buffers are reported beside it.
 *
 * <pre>java -cp agentrpc-benchmarks.jar dev.agentrpc.benchmarks.IdleMemory [-histo] 1000 10000</pre>
 *
 * <p>{@code -histo} also prints the classes whose heap grew most (a class histogram diff),
 * to say where the bytes per agent go. Exits non-zero if the agents do not all join.
 */
public final class IdleMemory {
  static final long TARGET_BYTES_PER_AGENT = 16 * 1024;
  private static final int WARMUP_AGENTS = 50;

  private IdleMemory() {}

  public static void main(String[] args) throws Exception {
    boolean histo = false;
    List<Integer> counts = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("-histo")) {
        histo = true;
      } else {
        counts.add(Integer.parseInt(arg));
      }
    }
    if (counts.isEmpty()) {
      counts = List.of(1000, 10000);
    }
    List<String> rows = new ArrayList<>();
    for (int count : counts) {
      rows.add(measure(count, histo));
    }
    System.out.println();
    System.out.println("| agents | heap before | heap after | heap per agent | target | Netty direct per agent | controller threads |");
    System.out.println("|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static String measure(int count, boolean histo) throws Exception {
    Clients clients = Clients.create();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(StreamServer.newBuilder(clients).build())
            .build()
            .start();
    try {
      // Warm up: load classes, fill static caches and Netty's pools, then let them go.
      try (AgentProcesses warmup = launchAgents(server.getPort(), WARMUP_AGENTS)) {
        warmup.awaitJoined(clients, WARMUP_AGENTS, joinTimeout(WARMUP_AGENTS));
      }
      awaitEmpty(clients);

      long before = Heap.settled();
      long directBefore = PlatformDependent.usedDirectMemory();
      Map<String, long[]> histoBefore = histo ? histogram() : null;

      long started = System.nanoTime();
      AgentProcesses agents = launchAgents(server.getPort(), count);
      try {
        agents.awaitJoined(clients, count, joinTimeout(count));
        double joinSeconds = (System.nanoTime() - started) / 1e9;
        Thread.sleep(2000); // let the connections go idle
        long after = Heap.settled();
        long directAfter = PlatformDependent.usedDirectMemory();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        if (clients.names().size() != count) {
          throw new IllegalStateException(clients.names().size() + " of " + count + " agents still joined");
        }
        double perAgent = (after - before) / (double) count;
        System.out.printf(
            Locale.ROOT,
            "%d agents joined in %.1f s; controller heap %s -> %s: %.0f bytes per agent%n",
            count, joinSeconds, Heap.mib(before), Heap.mib(after), perAgent);
        if (histo) {
          printHistogramDiff(histoBefore, histogram(), count);
        }
        return String.format(
            Locale.ROOT,
            "| %,d | %s | %s | %.1f KiB | 16 KiB: %s | %s | %d |",
            count,
            Heap.mib(before),
            Heap.mib(after),
            perAgent / 1024,
            perAgent <= TARGET_BYTES_PER_AGENT ? "met" : "missed",
            directBefore < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f KiB", (directAfter - directBefore) / 1024.0 / count),
            threads);
      } finally {
        agents.close();
        awaitEmpty(clients);
      }
    } finally {
      clients.close();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** {@code count} agents named idle-0, idle-1, ... in other JVMs, connected and idle until closed. */
  private static AgentProcesses launchAgents(int port, int count) throws Exception {
    return AgentProcesses.launch(
        port, count, "idle", AgentProcesses.DEFAULT_PER_JVM, List.of("--backoff-ms", "100,5000"));
  }

  private static Duration joinTimeout(int count) {
    return Duration.ofSeconds(60 + count / 50);
  }

  private static void awaitEmpty(Clients clients) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!clients.names().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** Class name to {instances, bytes}, from the GC.class_histogram diagnostic command (after a full GC). */
  private static Map<String, long[]> histogram() throws Exception {
    String text = Heap.histogram();
    Map<String, long[]> map = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        map.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return map;
  }

  private static void printHistogramDiff(Map<String, long[]> before, Map<String, long[]> after, int count) {
    List<Map.Entry<String, long[]>> grown = new ArrayList<>();
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      grown.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]}));
    }
    grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
    System.out.println("| class | instances per agent | bytes per agent |");
    System.out.println("|---|---|---|");
    for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(25, grown.size()))) {
      printRow(e, count);
    }
    // The runtime's own objects, which rarely make the top of the list.
    long ownBytes = 0;
    for (Map.Entry<String, long[]> e : grown) {
      if (e.getKey().startsWith("dev.agentrpc.") && e.getValue()[0] >= count / 2) {
        printRow(e, count);
        ownBytes += e.getValue()[1];
      }
    }
    System.out.printf(Locale.ROOT, "| all dev.agentrpc classes above | | %.0f |%n", ownBytes / (double) count);
  }

  private static void printRow(Map.Entry<String, long[]> e, int count) {
    System.out.printf(
        Locale.ROOT, "| %s | %.1f | %.0f |%n", e.getKey(), e.getValue()[0] / (double) count, e.getValue()[1] / (double) count);
  }
}
