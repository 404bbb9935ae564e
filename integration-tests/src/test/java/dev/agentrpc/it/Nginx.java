package dev.agentrpc.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx as an HTTP/1.1 reverse proxy on 127.0.0.1, in a directory of its own, with a
 * short read timeout: what agents meet behind a corporate proxy or load balancer.
 */
final class Nginx implements AutoCloseable {
  /** On PATH, or where Debian puts it (a path users' PATH often leaves out). */
  private static final Path BINARY = find();

  private final Process process;
  private final int port;

  private Nginx(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static boolean installed() {
    return BINARY != null;
  }

  private static Path find() {
    List<Path> places = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        places.add(Path.of(dir, "nginx"));
      }
    }
    places.add(Path.of("/usr/sbin/nginx"));
    return places.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  /** Proxies 127.0.0.1:{@code upstreamPort} over HTTP/1.1, cutting reads idle for {@code readTimeout}. */
  static Nginx start(Path dir, int upstreamPort, Duration readTimeout) throws IOException, InterruptedException {
    if (BINARY == null) {
      throw new IOException("nginx is not installed: apt-get install nginx-light (.ci/run does)");
    }
    int port = freePort();
    String config =
        String.join(
            "\n",
            "daemon off;",
            "master_process off;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("error.log") + " warn;",
            "events { worker_connections 256; }",
            "http {",
            "  access_log off;",
            "  client_body_temp_path " + dir.resolve("body") + ";",
            "  proxy_temp_path " + dir.resolve("proxy") + ";",
            "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
            "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
            "  scgi_temp_path " + dir.resolve("scgi") + ";",
            "  server {",
            "    listen 127.0.0.1:" + port + ";",
            "    location / {",
            "      proxy_pass http://127.0.0.1:" + upstreamPort + ";",
            "      proxy_http_version 1.1;",
            "      proxy_set_header Connection \"\";",
            "      proxy_read_timeout " + readTimeout.toSeconds() + "s;",
            "    }",
            "  }",
            "}",
            "");
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, config);
    Process process =
        new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    Nginx nginx = new Nginx(process, port);
    nginx.awaitListening(Controller.WAIT);
    return nginx;
  }

  int port() {
    return port;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private void awaitListening(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("nginx exited with " + process.exitValue() + "; see its error.log");
      }
      try (Socket probe = new Socket("127.0.0.1", port)) {
        if (probe.isConnected()) {
          return;
        }
      } catch (IOException notYet) {
        process.waitFor(20, TimeUnit.MILLISECONDS); // or until nginx exits
      }
    }
    close();
    throw new IOException("nginx did not listen on " + port + " within " + timeout);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(Controller.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(Controller.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
