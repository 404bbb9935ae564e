package dev.agentrpc.it;

import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.poll.PollSessions;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import dev.agentrpc.transport.http.PollServlet;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ServerConnector;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A controller under test: one Clients, one set of poll sessions, served over gRPC (Connect
 * and Poll) on Netty and over HTTP/1.1 (the poll servlet) on Jetty, both at 127.0.0.1, port 0.
 */
final class Controller implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final String POLL_PATH = "/agentrpc/poll";

  final Clients clients;
  final PollSessions sessions;
  private final Server grpc;
  private final org.eclipse.jetty.server.Server http;

  private Controller(Clients clients, PollSessions sessions, Server grpc, org.eclipse.jetty.server.Server http) {
    this.clients = clients;
    this.sessions = sessions;
    this.grpc = grpc;
    this.http = http;
  }

  /** A controller with short poll waits (the tests' agents repoll at once anyway). */
  static Controller start(Clients clients, Consumer<PollSessions.Builder> pollOptions) throws Exception {
    PollSessions.Builder builder = PollSessions.newBuilder(clients).maxWait(Duration.ofSeconds(2));
    pollOptions.accept(builder);
    PollSessions sessions = builder.build();
    Server grpc =
        StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
            .addService(StreamServer.newBuilder(clients).pollSessions(sessions).build())
            .build()
            .start();
    org.eclipse.jetty.server.Server http = new org.eclipse.jetty.server.Server();
    ServerConnector connector = new ServerConnector(http);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    http.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    ServletHolder poll = new ServletHolder(new PollServlet(sessions));
    poll.setAsyncSupported(true);
    context.addServlet(poll, POLL_PATH);
    http.setHandler(context);
    http.start();
    return new Controller(clients, sessions, grpc, http);
  }

  int grpcPort() {
    return grpc.getPort();
  }

  /** The poll servlet's address. */
  URI pollUri() {
    int port = ((ServerConnector) http.getConnectors()[0]).getLocalPort();
    return URI.create("http://127.0.0.1:" + port + POLL_PATH);
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
