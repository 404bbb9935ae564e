package dev.agentrpc.reliability.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A controller or agent in a JVM of its own, started from this JVM's classpath. It speaks
 * in lines: the child prints on stdout, the parent writes commands to its stdin. A child's
 * log (stderr), and a copy of its stdout, go to {@code target/reliability-logs/<name>.log}. A child exits when its
 * stdin closes, so none outlives the test JVM.
 */
public final class ChildJvm implements AutoCloseable {
  /** A line the child printed, with the parent's {@link System#nanoTime()} when it was read. */
  public record Line(String text, long nanos) {}

  private final String name;
  private final Process process;
  private final PrintStream stdin;
  private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.stdin = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  PrintStream copy =
                      new PrintStream(
                          Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                          true,
                          StandardCharsets.UTF_8)) {
                String text;
                while ((text = out.readLine()) != null) {
                  lines.add(new Line(text, System.nanoTime()));
                  copy.println("stdout: " + text); // the JVM's own last words go here too
                }
              } catch (IOException e) {
                // the child is gone
              }
            },
            "child-" + name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} with {@code jvmOptions} and {@code args}.
   *
   * @param name names the child's log file
   */
  public static ChildJvm start(String name, List<String> jvmOptions, Class<?> main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    Path logs = Path.of(System.getProperty("reliability.logs", "target/reliability-logs"));
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log");
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new ChildJvm(name, process, log);
  }

  /** The next line starting with {@code prefix}, skipping others, waiting at most {@code timeout}. */
  public Line awaitLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Line line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError(
            "child '" + name + "' printed no line starting with '" + prefix + "' within "
                + timeout + (process.isAlive() ? "" : "; it exited with " + process.exitValue()));
      }
      if (line.text().startsWith(prefix)) {
        return line;
      }
    }
  }

  /** The next line, or null if none within {@code timeout}. */
  public Line nextLine(Duration timeout) throws InterruptedException {
    return lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Writes a command line to the child. */
  public void send(String command) {
    stdin.println(command);
  }

  /** Sends {@code command} and parses the {@code key=value} pairs of its answer line. */
  public Map<String, String> ask(String command, String answerPrefix, Duration timeout)
      throws InterruptedException {
    send(command);
    return pairs(awaitLine(answerPrefix, timeout).text());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the child at once (SIGKILL, as a crash) and waits for it to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("child '" + name + "' did not die within 10 s");
    }
  }

  /** Waits at most {@code timeout} for the child to exit; its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new AssertionError("child '" + name + "' did not exit within " + timeout);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  /** The {@code key=value} pairs of a line. */
  public static Map<String, String> pairs(String line) {
    Map<String, String> pairs = new HashMap<>();
    for (String word : line.split(" ")) {
      int eq = word.indexOf('=');
      if (eq > 0) {
        pairs.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    return pairs;
  }

  /**
   * For a child's main: runs {@code command} for each line the parent writes, and exits the
   * JVM when the parent closes stdin (it died, or closed the child). Returns only by exiting.
   */
  public static void serveParent(java.util.function.Consumer<String> command) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      command.accept(line.trim());
    }
    System.exit(0);
  }
}
