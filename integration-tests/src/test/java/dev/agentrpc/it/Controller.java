package dev.agentrpc.it;

import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.poll.PollSessions;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A controller under test: one Clients, one set of poll sessions, served over gRPC (Connect
 * and Poll) on Netty at 127.0.0.1, port 0.
 */
final class Controller implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  final Clients clients;
  final PollSessions sessions;
  private final Server grpc;

  private Controller(Clients clients, PollSessions sessions, Server grpc) {
    this.clients = clients;
    this.sessions = sessions;
    this.grpc = grpc;
  }

  /** A controller with short poll waits (the tests' agents repoll at once anyway). */
  static Controller start(Clients clients, Consumer<PollSessions.Builder> pollOptions) throws IOException {
    PollSessions.Builder builder = PollSessions.newBuilder(clients).maxWait(Duration.ofSeconds(2));
    pollOptions.accept(builder);
    PollSessions sessions = builder.build();
    Server grpc =
        StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
            .addService(StreamServer.newBuilder(clients).pollSessions(sessions).build())
            .build()
            .start();
    return new Controller(clients, sessions, grpc);
  }

  static Controller start() throws IOException {
    return start(Clients.create(), options -> {});
  }

  int grpcPort() {
    return grpc.getPort();
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
