package dev.agentrpc.example.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.example.TestFleet;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The real {@code controller} command running on a thread of its own, its console typed to
 * through a pipe for standard input. Every wait is bounded.
 */
final class RunningController implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("controller listening on 127\\.0\\.0\\.1:(\\d+)");

  private final CapturedOutput out = new CapturedOutput();
  private final CapturedOutput err = new CapturedOutput();
  private final PrintWriter stdin;
  private final ExecutorService thread = Executors.newSingleThreadExecutor();
  private final Future<Integer> exit;
  private final String banner;

  /** Runs {@code controller} with {@code args} and waits until its console is ready. */
  RunningController(String... args) throws IOException, InterruptedException {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    PipedOutputStream typing = new PipedOutputStream();
    ControllerCommand controller = commandLine.getSubcommands().get("controller").getCommand();
    controller.in = new PipedInputStream(typing, 1 << 16);
    stdin = new PrintWriter(typing, true, Charset.defaultCharset());
    String[] command = new String[args.length + 1];
    command[0] = "controller";
    System.arraycopy(args, 0, command, 1, args.length);
    exit = thread.submit(() -> commandLine.execute(command));
    banner = out.await(text -> text.contains("type 'help'"), TestFleet.WAIT);
  }

  /** What the controller printed before its console was ready. */
  String banner() {
    return banner;
  }

  /** The address agents dial, {@code 127.0.0.1:<port>}, from the banner. */
  String target() {
    Matcher port = LISTENING.matcher(banner);
    assertThat(port.find()).as(banner).isTrue();
    return "127.0.0.1:" + port.group(1);
  }

  /** Types a line on the console. */
  void type(String line) {
    stdin.println(line);
  }

  /** Waits until the output matches {@code condition}. */
  String awaitOutput(Predicate<String> condition) throws InterruptedException {
    return out.await(condition, TestFleet.WAIT);
  }

  /** Types {@code quit} and returns the exit code. */
  int quit() throws Exception {
    type("quit");
    return exit.get(TestFleet.WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  String output() {
    return out.toString();
  }

  String errors() {
    return err.toString();
  }

  @Override
  public void close() throws InterruptedException {
    stdin.close();
    thread.shutdownNow();
    assertThat(thread.awaitTermination(20, TimeUnit.SECONDS)).as("the controller stopped").isTrue();
  }
}
