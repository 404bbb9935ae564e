package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The controller under test: Clients and a StreamServer on Netty at 127.0.0.1, set up as the
 * README shows ({@link Setup}); {@code tuned} adds {@code directExecutor()} on the server and
 * completes callers' futures without a hand-off.
 */
final class Controller implements AutoCloseable {
  private final Clients clients;
  private final Server server;

  private Controller(Clients clients, Server server) {
    this.clients = clients;
    this.server = server;
  }

  /** Starts a controller on {@code port} (0: any free port). */
  static Controller start(boolean tuned, int port) throws IOException, InterruptedException {
    Clients clients = Setup.clients(tuned);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      NettyServerBuilder builder = Setup.server(new InetSocketAddress("127.0.0.1", port));
      if (tuned) {
        builder.directExecutor();
      }
      try {
        return new Controller(clients, builder.addService(StreamServer.newBuilder(clients).build()).build().start());
      } catch (IOException e) {
        // Rebinding the port of a controller just stopped: retry briefly if the OS still holds it.
        if (!(e.getCause() instanceof BindException || e instanceof BindException)
            || System.nanoTime() > deadline) {
          clients.close();
          throw e;
        }
        Thread.sleep(10);
      }
    }
  }

  Clients clients() {
    return clients;
  }

  int port() {
    return server.getPort();
  }

  /** Fails pending calls, drops every agent's connection and unbinds the port. */
  @Override
  public void close() throws InterruptedException {
    clients.close();
    server.shutdownNow();
    if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the controller's server did not terminate within 30 s");
    }
  }
}
