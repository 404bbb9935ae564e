package dev.agentrpc.benchmarks.fleet;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The controller's side of the plain-gRPC reconnect-storm anchor: a plain grpc-java server on
 * 127.0.0.1 with the unary echo, NettyServerBuilder's defaults (grpc's shared event loops and
 * executor), {@code tuned} adding {@code directExecutor()}, as {@link Controller}'s server.
 */
final class PlainServer implements AutoCloseable {
  private final Server server;

  private PlainServer(Server server) {
    this.server = server;
  }

  /** Starts a server on {@code port} (0: any free port). */
  static PlainServer start(boolean tuned, int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
              .addService(new PlainEcho());
      if (tuned) {
        builder.directExecutor();
      }
      try {
        return new PlainServer(builder.build().start());
      } catch (IOException e) {
        // Rebinding the port of a server just stopped: retry briefly if the OS still holds it.
        if (!(e.getCause() instanceof BindException || e instanceof BindException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(10);
      }
    }
  }

  int port() {
    return server.getPort();
  }

  /**
   * Drops every connection and unbinds the port, as {@link Controller#close} does to its
   * server ({@code shutdownNow}: GOAWAY, then each connection closed; there is no call in
   * flight to fail here).
   */
  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the plain server did not terminate within 30 s");
    }
  }
}
