package dev.agentrpc.cluster.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ReplicaMain} in a child JVM with this test's classpath: ask it commands, kill it
 * (SIGKILL). Its log goes to {@code target/replica-<id>.log}.
 */
public final class ReplicaProcess implements AutoCloseable {
  private final String id;
  private final Process process;
  private final Writer commands;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Map<String, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private ReplicaProcess(String id, Process process) {
    this.id = id;
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::read, "replica-" + id + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts replica {@code id} of the cluster {@code prefix} in the Redis at {@code redisUri}; waits until it serves. */
  public static ReplicaProcess start(String redisUri, String prefix, String id, Duration lease) {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> command =
        List.of(
            java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath,
            ReplicaMain.class.getName(), redisUri, prefix, id, Long.toString(lease.toMillis()));
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(new File("target", "replica-" + id + ".log")))
              .start();
      ReplicaProcess replica = new ReplicaProcess(id, process);
      replica.port.get(Waits.WAIT.toSeconds() * 2, TimeUnit.SECONDS);
      return replica;
    } catch (Exception e) {
      throw new AssertionError("replica " + id + " did not start", e);
    }
  }

  public String id() {
    return id;
  }

  public int port() {
    return port.join();
  }

  private void read() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("PORT ")) {
          port.complete(Integer.parseInt(line.substring(5).trim()));
          continue;
        }
        int space = line.indexOf(' ');
        CompletableFuture<String> answer = space < 0 ? null : answers.remove(line.substring(0, space));
        if (answer != null) {
          answer.complete(line.substring(space + 1));
        }
      }
    } catch (IOException e) {
      // the process died; pending answers fail below
    }
    port.completeExceptionally(new AssertionError("replica " + id + " exited"));
    answers.values().forEach(a -> a.completeExceptionally(new AssertionError("replica " + id + " exited")));
  }

  /** Sends {@code command} and returns its answer's future. */
  public CompletableFuture<String> send(String command) {
    String key = Long.toString(ids.incrementAndGet());
    CompletableFuture<String> answer = new CompletableFuture<>();
    answers.put(key, answer);
    try {
      synchronized (commands) {
        commands.write(key + " " + command + "\n");
        commands.flush();
      }
    } catch (IOException e) {
      answers.remove(key);
      answer.completeExceptionally(e);
    }
    return answer;
  }

  /** Sends {@code command} and waits for its answer, a bounded time. */
  public String ask(String command) {
    try {
      return send(command).get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("replica " + id + " did not answer " + command, e);
    }
  }

  /** SIGKILL: no goodbye to Redis, to the other replicas or to its agents. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(Waits.WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("replica " + id + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      commands.close(); // ends its command loop: it leaves the cluster and exits
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (IOException | InterruptedException e) {
      kill();
    }
  }
}
