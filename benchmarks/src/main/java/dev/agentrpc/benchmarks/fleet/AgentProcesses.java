package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Agent JVMs ({@link AgentFleet}) started as child processes of this one, with the same java
 * and class path: {@code count} agents named {@code <prefix>-0} ... {@code <prefix>-<count-1>},
 * split over as few JVMs as {@code perJvm} allows (every connection is a socket in both
 * processes, and the open-file limit is per process). Closing stops them all: their standard
 * input is closed so they close their agents, then whatever is left after a grace period is
 * destroyed. A shutdown hook does the same if this JVM exits first. The plain-gRPC anchors'
 * child JVMs ({@link ServerFleet}, {@link ChannelFleet}) are started and stopped the same way.
 */
public final class AgentProcesses implements AutoCloseable {
  /** Agents per JVM unless told: 5,000 sockets stay well under an open-file limit of 20,000. */
  public static final int DEFAULT_PER_JVM = 5000;

  /**
   * The first word of every other line a child prints for its parent to read ({@link
   * #nextReply}), rather than to show.
   */
  static final String REPLY = "FLEET-";

  private final List<Process> processes = new ArrayList<>();
  private final List<BlockingQueue<Reply>> replies = new ArrayList<>();
  private final CountDownLatch ready;
  private final BlockingQueue<long[]> stats = new LinkedBlockingQueue<>();
  private final Thread hook = new Thread(this::destroyAll, "agent-processes-destroy");
  private boolean closed;

  private AgentProcesses(int jvms) {
    ready = new CountDownLatch(jvms);
  }

  /**
   * Starts the agent JVMs dialing 127.0.0.1:{@code port}; {@code fleetOptions} are passed to
   * each {@link AgentFleet} after its positional arguments.
   */
  public static AgentProcesses launch(int port, int count, String prefix, int perJvm, List<String> fleetOptions)
      throws IOException, InterruptedException {
    return launch(count, perJvm, (first, size) -> {
      List<String> main = new ArrayList<>(List.of(
          AgentFleet.class.getName(), "127.0.0.1", Integer.toString(port), Integer.toString(size), prefix,
          "--first", Integer.toString(first)));
      main.addAll(fleetOptions);
      return main;
    });
  }

  /**
   * Starts child JVMs for {@code count} members, at most {@code perJvm} in each: {@code main}
   * gives, for the JVM with members {@code first} to {@code first + size - 1}, its main class
   * and arguments. The main class follows {@link AgentFleet}'s protocol: it prints {@link
   * AgentFleet#READY} once set up, may answer {@code stats}, and exits when its input closes.
   */
  static AgentProcesses launch(int count, int perJvm, MainCommand main) throws IOException, InterruptedException {
    int jvms = Math.max(1, (count + perJvm - 1) / perJvm);
    AgentProcesses agents = new AgentProcesses(jvms);
    Runtime.getRuntime().addShutdownHook(agents.hook);
    try {
      String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
      for (int j = 0; j < jvms; j++) {
        int first = j * count / jvms;
        int size = (j + 1) * count / jvms - first;
        long heapMiB = 256 + size / 4L; // ~250 KiB per agent and channel is ample
        List<String> command = new ArrayList<>(List.of(
            java, "-Xmx" + heapMiB + "m"));
        // -Dfleet.agentJvmOptions="..." adds options to every agent JVM (a JFR recording, say).
        for (String option : System.getProperty("fleet.agentJvmOptions", "").split(" ")) {
          if (!option.isBlank()) {
            command.add(option.replace("%j", Integer.toString(j)));
          }
        }
        command.addAll(List.of(
            // One agent per process logs each redial at INFO; thousands in one JVM would spend
            // the storm writing those lines. Warnings and errors still show.
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", System.getProperty("java.class.path")));
        command.addAll(main.command(first, size));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        agents.processes.add(process);
        BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        agents.replies.add(replies);
        agents.forward(process, replies, "[agents " + j + "] ");
      }
      return agents;
    } catch (IOException | RuntimeException e) {
      agents.close();
      throw e;
    }
  }

  /** Echoes a child's output, counts its ready line and queues its other {@link #REPLY} lines. */
  private void forward(Process process, BlockingQueue<Reply> replies, String tag) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.startsWith(AgentFleet.READY)) {
                    ready.countDown();
                  } else if (line.startsWith(AgentFleet.STATS)) {
                    String[] f = line.split(" ");
                    stats.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
                  } else if (line.startsWith(REPLY)) {
                    replies.add(new Reply(line, System.nanoTime()));
                  } else {
                    System.out.println(tag + line);
                  }
                }
              } catch (IOException e) {
                // the child is gone
              }
            },
            "agent-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The command of one child JVM: its main class, then its arguments. */
  @FunctionalInterface
  interface MainCommand {
    List<String> command(int first, int size);
  }

  /** A {@link #REPLY} line of a child, and when this JVM read it ({@link System#nanoTime()}). */
  record Reply(String line, long nanos) {
    /** The line's words after the first. */
    String[] words() {
      String[] all = line.split(" ");
      return Arrays.copyOfRange(all, 1, all.length);
    }
  }

  /** How many child JVMs there are. */
  int jvms() {
    return processes.size();
  }

  /** Writes {@code line} to every child's standard input. */
  void send(String line) throws IOException {
    for (Process process : processes) {
      process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }
  }

  /**
   * The next {@link #REPLY} line of child {@code jvm}, which must start with {@code word};
   * fails if the child exits or {@code timeout} passes first.
   */
  Reply nextReply(int jvm, String word, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Reply reply = replies.get(jvm).poll(50, TimeUnit.MILLISECONDS);
      if (reply != null) {
        if (!reply.line().startsWith(word + " ") && !reply.line().equals(word)) {
          throw new IllegalStateException("child JVM " + jvm + " said '" + reply.line() + "', expected " + word);
        }
        return reply;
      }
      checkAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("child JVM " + jvm + " did not say " + word + " within " + timeout);
      }
    }
  }

  /** Waits until every JVM reported all its agents connected. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.await(50, TimeUnit.MILLISECONDS)) {
      checkAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(ready.getCount() + " child JVMs not ready within " + timeout);
      }
    }
  }

  /**
   * The dials the agents made so far, the streams that ended and the TCP connections their
   * channels attempted, over all agent JVMs ({@link
   * AgentFleet#STATS}).
   */
  public long[] dialsAndEnds() throws IOException, InterruptedException {
    send("stats");
    long[] total = new long[3];
    for (int i = 0; i < processes.size(); i++) {
      long[] one = stats.poll(30, TimeUnit.SECONDS);
      if (one == null) {
        throw new IllegalStateException("a child JVM did not report its stats within 30 s");
      }
      total[0] += one[0];
      total[1] += one[1];
      total[2] += one[2];
    }
    return total;
  }

  /** The CPU time the agent JVMs used so far, all of them together (-1 if not known). */
  public long cpuNanos() {
    long total = 0;
    for (Process process : processes) {
      Duration cpu = process.info().totalCpuDuration().orElse(null);
      if (cpu == null) {
        return -1;
      }
      total += cpu.toNanos();
    }
    return total;
  }

  /** Throws if a child JVM has exited. */
  public void checkAlive() {
    for (Process process : processes) {
      if (!process.isAlive()) {
        throw new IllegalStateException("a child JVM exited with " + process.exitValue());
      }
    }
  }

  /**
   * Waits until {@code count} clients are connected, failing if an agent JVM exits or {@code
   * timeout} passes first. Joins are counted by a listener, so polling the count costs the
   * controller nothing (listing 10,000 names every few milliseconds would).
   */
  public void awaitJoined(Clients clients, int count, Duration timeout) throws InterruptedException {
    Set<String> joined = ConcurrentHashMap.newKeySet();
    Clients.Subscription subscription =
        clients.subscribe(
            new ClientListener() {
              @Override
              public void onJoin(String client) {
                joined.add(client);
              }

              @Override
              public void onLeave(String client) {
                joined.remove(client);
              }
            });
    try {
      joined.addAll(clients.names()); // those that joined before the listener
      long deadline = System.nanoTime() + timeout.toNanos();
      while (joined.size() < count) {
        checkAlive();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "only " + joined.size() + " of " + count + " agents joined within " + timeout);
        }
        Thread.sleep(2);
      }
    } finally {
      subscription.close();
    }
  }

  /** Stops every child JVM: closes its input, then destroys what is still alive after 30 s. */
  @Override
  public synchronized void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    for (Process process : processes) {
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        // already gone
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (Process process : processes) {
      if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        process.destroy();
      }
    }
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // this JVM is shutting down: the hook runs anyway
    }
  }

  private void destroyAll() {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
