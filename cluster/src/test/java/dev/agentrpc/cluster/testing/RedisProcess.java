package dev.agentrpc.cluster.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;

/**
 * A real redis-server on 127.0.0.1, a free port, without persistence, started and stopped by
 * the test. Without redis-server on the PATH the test is skipped, unless {@code CI=true} or
 * {@code AGENTRPC_REQUIRE_REDIS=1}: then it fails.
 */
public final class RedisProcess implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final String executable;
  private final int port;
  private Process process;

  private RedisProcess(String executable, int port) {
    this.executable = executable;
    this.port = port;
  }

  /** Starts one, or skips (fails under CI) the test when redis-server is not installed. */
  public static RedisProcess start() {
    String executable = find();
    if (executable == null) {
      String why = "redis-server is not on the PATH (Debian: apt-get install -y redis-server)";
      if ("true".equals(System.getenv("CI")) || "1".equals(System.getenv("AGENTRPC_REQUIRE_REDIS"))) {
        throw new AssertionError(why + "; CI or AGENTRPC_REQUIRE_REDIS=1 requires it");
      }
      Assumptions.abort(why + "; skipped (set AGENTRPC_REQUIRE_REDIS=1 to fail instead)");
    }
    RedisProcess redis = new RedisProcess(executable, freePort());
    redis.restart();
    Runtime.getRuntime().addShutdownHook(new Thread(redis::stop, "stop-redis-server")); // if the JVM exits first
    return redis;
  }

  private static String find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(dir, "redis-server");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      File candidate = new File(dir, "redis-server");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return null;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again, empty: nothing is persisted) on its port and waits until it answers PING. */
  public synchronized void restart() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    try {
      process =
          new ProcessBuilder(
                  executable, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!answersPing()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("redis-server on port " + port + " did not answer PING within " + WAIT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int n = in.read(reply);
      return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** Restarts the server if it is not running. */
  public synchronized void ensureRunning() {
    if (process == null || !process.isAlive()) {
      restart();
    }
  }

  /** Stops the server (SIGKILL) and waits until it is gone. */
  public synchronized void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("redis-server did not stop within " + WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
