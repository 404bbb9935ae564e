package dev.agentrpc.it;

import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.http.PollServlet;
import dev.agentrpc.transport.poll.PollSessions;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A controller under test: one Clients, one set of poll sessions, served over gRPC (Connect
 * and Poll) on Netty and over HTTP/1.1 (the poll servlet) on Jetty, both at 127.0.0.1, port 0.
 */
final class Controller implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final String POLL_PATH = "/agentrpc/poll";
  /** How often binding a port just released is tried before giving up. */
  private static final int BIND_ATTEMPTS = 50;

  final Clients clients;
  final PollSessions sessions;
  private final Consumer<PollSessions.Builder> pollOptions;
  private final Server grpc;
  private final org.eclipse.jetty.server.Server http;

  private Controller(
      Clients clients,
      PollSessions sessions,
      Consumer<PollSessions.Builder> pollOptions,
      Server grpc,
      org.eclipse.jetty.server.Server http) {
    this.clients = clients;
    this.sessions = sessions;
    this.pollOptions = pollOptions;
    this.grpc = grpc;
    this.http = http;
  }

  /** A controller with short poll waits (the tests' agents repoll at once anyway). */
  static Controller start(Clients clients, Consumer<PollSessions.Builder> pollOptions) throws Exception {
    return start(clients, pollOptions, 0, 0);
  }

  private static Controller start(
      Clients clients, Consumer<PollSessions.Builder> pollOptions, int grpcPort, int httpPort) throws Exception {
    PollSessions.Builder builder = PollSessions.newBuilder(clients).maxWait(Duration.ofSeconds(2));
    pollOptions.accept(builder);
    PollSessions sessions = builder.build();
    Server grpc = null;
    org.eclipse.jetty.server.Server http = null;
    for (int attempt = 1; http == null; attempt++) {
      try {
        if (grpc == null) {
          grpc = grpcServer(clients, sessions, grpcPort);
        }
        http = httpServer(sessions, httpPort);
      } catch (IOException e) {
        // A port just released by a restarted controller may linger briefly: retry, bounded.
        if (attempt == BIND_ATTEMPTS) {
          if (grpc != null) {
            grpc.shutdownNow();
          }
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
    return new Controller(clients, sessions, pollOptions, grpc, http);
  }

  private static Server grpcServer(Clients clients, PollSessions sessions, int port) throws IOException {
    return StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)))
        .addService(StreamServer.newBuilder(clients).pollSessions(sessions).build())
        .build()
        .start();
  }

  private static org.eclipse.jetty.server.Server httpServer(PollSessions sessions, int port) throws Exception {
    org.eclipse.jetty.server.Server http = new org.eclipse.jetty.server.Server();
    ServerConnector connector = new ServerConnector(http);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    http.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    ServletHolder poll = new ServletHolder(new PollServlet(sessions));
    poll.setAsyncSupported(true);
    context.addServlet(poll, POLL_PATH);
    http.setHandler(context);
    try {
      http.start();
    } catch (IOException e) {
      http.stop();
      throw e;
    }
    return http;
  }

  /**
   * Stops this controller, as a process that exits, and starts a new one on the same ports
   * with {@code fresh} clients and new poll sessions: its agents must find it again.
   */
  Controller restart(Clients fresh) throws Exception {
    int grpcPort = grpcPort();
    int httpPort = httpPort();
    close();
    return start(fresh, pollOptions, grpcPort, httpPort);
  }

  int grpcPort() {
    return grpc.getPort();
  }

  private int httpPort() {
    return ((ServerConnector) http.getConnectors()[0]).getLocalPort();
  }

  /** The poll servlet's address. */
  URI pollUri() {
    return URI.create("http://127.0.0.1:" + httpPort() + POLL_PATH);
  }

  /** Waits until every one of {@code names} is connected. */
  void awaitJoined(String... names) throws Exception {
    clients.awaitConnected(List.of(names), WAIT);
  }

  @Override
  public void close() {
    clients.close();
    try {
      grpc.shutdownNow().awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      http.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }
}
