package dev.agentrpc.security.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The JDK's own keytool, run as a process in a directory, a bounded time. */
final class Keytool {
  private static final long TIMEOUT_SECONDS = 60;
  private static final Path EXECUTABLE = Path.of(System.getProperty("java.home"), "bin", "keytool");

  private Keytool() {}

  /**
   * Runs {@code keytool args} in {@code dir}.
   *
   * @throws IllegalStateException with keytool's output if it fails or takes too long
   */
  static void run(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(EXECUTABLE.toString());
    // A short-lived JVM: the quick JIT and the small collector start it about twice as fast.
    command.add("-J-XX:TieredStopAtLevel=1");
    command.add("-J-XX:+UseSerialGC");
    command.addAll(List.of(args));
    try {
      Path log = Files.createTempFile(dir, "keytool", ".log");
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly();
      }
      String output = Files.readString(log, Charset.defaultCharset());
      Files.delete(log);
      if (!exited || process.exitValue() != 0) {
        throw new IllegalStateException(
            (exited ? "failed, exit " + process.exitValue() : "did not finish in " + TIMEOUT_SECONDS + " s")
                + ": "
                + String.join(" ", command)
                + "\n"
                + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + EXECUTABLE, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running keytool", e);
    }
  }
}
