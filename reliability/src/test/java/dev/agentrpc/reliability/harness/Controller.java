package dev.agentrpc.reliability.harness;

import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A controller as the README recommends it: {@link Clients} served by the stream transport
 * on Netty with {@link StreamServer#configure} (keepalive) and {@code directExecutor()}, on
 * 127.0.0.1.
 */
public final class Controller implements AutoCloseable {
  private static final Duration BIND_RETRY = Duration.ofSeconds(10);

  private final Clients clients;
  private final Server server;

  private Controller(Clients clients, Server server) {
    this.clients = clients;
    this.server = server;
  }

  /** Serves {@code clients} on 127.0.0.1:{@code port}; port 0 picks a free one. */
  public static Controller start(Clients clients, int port) throws IOException {
    return new Controller(clients, bind(clients, port));
  }

  public static Controller start(Clients clients) throws IOException {
    return start(clients, 0);
  }

  public Clients clients() {
    return clients;
  }

  public int port() {
    return server.getPort();
  }

  /** Closes Clients first (so the server's streams end), then the server. */
  @Override
  public void close() throws InterruptedException {
    clients.close();
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }

  /**
   * Binds, retrying for a bounded time: a port just given up by a killed controller may
   * take a moment to be free again.
   */
  private static Server bind(Clients clients, int port) throws IOException {
    long deadline = System.nanoTime() + BIND_RETRY.toNanos();
    while (true) {
      try {
        return StreamServer.configure(
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)))
            .directExecutor()
            .addService(StreamServer.newBuilder(clients).build())
            .build()
            .start();
      } catch (IOException e) {
        if (port == 0 || System.nanoTime() - deadline > 0) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }
}
