package dev.agentrpc.benchmarks;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * Controller heap per idle connected agent: a harness, not a JMH benchmark.
 *
 * <p>This JVM is the controller only (Clients + StreamServer on Netty, 127.0.0.1, the
 * default server configuration). The agents run in a second JVM that this harness launches
 * with the same class path, so nothing the agents hold is in the heap measured, and each
 * JVM stays under the open-file limit (every connection is one socket on each side). For
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
      Process warmup = launchAgents(server.getPort(), WARMUP_AGENTS);
      awaitJoined(clients, WARMUP_AGENTS, warmup);
      stop(warmup);
      awaitEmpty(clients);

      long before = settledHeap();
      long directBefore = PlatformDependent.usedDirectMemory();
      Map<String, long[]> histoBefore = histo ? histogram() : null;

      long started = System.nanoTime();
      Process agents = launchAgents(server.getPort(), count);
      try {
        awaitJoined(clients, count, agents);
        double joinSeconds = (System.nanoTime() - started) / 1e9;
        Thread.sleep(2000); // let the connections go idle
        long after = settledHeap();
        long directAfter = PlatformDependent.usedDirectMemory();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        if (clients.names().size() != count) {
          throw new IllegalStateException(clients.names().size() + " of " + count + " agents still joined");
        }
        double perAgent = (after - before) / (double) count;
        System.out.printf(
            Locale.ROOT,
            "%d agents joined in %.1f s; controller heap %s -> %s: %.0f bytes per agent%n",
            count, joinSeconds, mib(before), mib(after), perAgent);
        if (histo) {
          printHistogramDiff(histoBefore, histogram(), count);
        }
        return String.format(
            Locale.ROOT,
            "| %,d | %s | %s | %.1f KiB | 16 KiB: %s | %s | %d |",
            count,
            mib(before),
            mib(after),
            perAgent / 1024,
            perAgent <= TARGET_BYTES_PER_AGENT ? "met" : "missed",
            directBefore < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f KiB", (directAfter - directBefore) / 1024.0 / count),
            threads);
      } finally {
        stop(agents);
        awaitEmpty(clients);
      }
    } finally {
      clients.close();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static Process launchAgents(int port, int count) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    long heapMiB = 256 + count / 4L; // ~250 KiB per agent and channel is ample
    return new ProcessBuilder(
            java,
            "-Xmx" + heapMiB + "m",
            "-cp",
            System.getProperty("java.class.path"),
            Agents.class.getName(),
            Integer.toString(port),
            Integer.toString(count))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static void stop(Process agents) throws InterruptedException {
    agents.destroy();
    if (!agents.waitFor(30, TimeUnit.SECONDS)) {
      agents.destroyForcibly().waitFor();
    }
  }

  private static void awaitJoined(Clients clients, int count, Process agents) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + count / 50);
    while (clients.names().size() < count) {
      if (!agents.isAlive()) {
        throw new IllegalStateException("the agents' JVM exited with " + agents.exitValue());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + clients.names().size() + " of " + count + " agents joined in time");
      }
      Thread.sleep(20);
    }
  }

  private static void awaitEmpty(Clients clients) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!clients.names().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** Heap used after full GCs, once two in a row agree within 1%. */
  private static long settledHeap() throws InterruptedException {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(200);
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (Math.abs(used - last) < last / 100) {
        return Math.min(used, last);
      }
      last = used;
    }
    return last;
  }

  /** Class name to {instances, bytes}, from the GC.class_histogram diagnostic command (after a full GC). */
  private static Map<String, long[]> histogram() throws Exception {
    String text =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
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
      System.out.printf(
          Locale.ROOT, "| %s | %.1f | %.0f |%n", e.getKey(), e.getValue()[0] / (double) count, e.getValue()[1] / (double) count);
    }
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
  }

  /**
   * The agents' JVM: {@code count} agents named idle-0..., each with its own channel (so its
   * own connection and stream). The channels share one 2-thread Netty event loop group, and
   * all agents share one handler executor, instead of a pool each: only to fit thousands of
   * agents in one JVM; a real agent is one per process. They stay connected and idle until
   * this JVM is killed.
   */
  public static final class Agents {
    public static void main(String[] args) throws Exception {
      int port = Integer.parseInt(args[0]);
      int count = Integer.parseInt(args[1]);
      NioEventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("agents", true));
      ExecutorService handlers = Executors.newCachedThreadPool(new DefaultThreadFactory("handlers", true));
      HandlerRegistry registry = ReverseSide.registry();
      List<ManagedChannel> channels = new ArrayList<>();
      int batch = 250;
      for (int start = 0; start < count; start += batch) {
        int end = Math.min(count, start + batch);
        CountDownLatch connected = new CountDownLatch(end - start);
        for (int i = start; i < end; i++) {
          ManagedChannel channel =
              NettyChannelBuilder.forAddress("127.0.0.1", port)
                  .usePlaintext()
                  .eventLoopGroup(group)
                  .channelType(NioSocketChannel.class)
                  .build();
          channels.add(channel);
          boolean[] counted = new boolean[1];
          StreamClient.newBuilder(channel, "idle-" + i, registry)
              .executor(handlers)
              .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))
              .onStateChange(
                  state -> {
                    if (state == StreamClient.State.CONNECTED && !counted[0]) {
                      counted[0] = true;
                      connected.countDown();
                    }
                  })
              .start();
        }
        if (!connected.await(60, TimeUnit.SECONDS)) {
          System.err.println("agents " + start + ".." + end + " did not all connect in 60 s");
        }
      }
      Thread.currentThread().join(); // until killed
    }
  }
}
