package dev.agentrpc.server.spi;

import dev.agentrpc.internal.ClientsAccess;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.server.Clients;
import io.grpc.StatusException;

/** Where a transport admits the clients that dial in. */
public final class Sessions {
  private Sessions() {}

  /**
   * Admits a client that said {@code hello} on a connection whose outbound half is {@code
   * sink}. A connection already joined under the same name is closed as replaced and its
   * pending calls fail at once.
   *
   * @throws StatusException INVALID_ARGUMENT for a bad name; UNAVAILABLE once {@code
   *     clients} is closed
   */
  public static ClientSession join(Clients clients, ClientToServer.Hello hello, ClientSink sink)
      throws StatusException {
    return ClientsAccess.join(clients, hello, sink);
  }

  /** Runs {@code task} once {@code clients} is closed (at once if it already is), on the closing thread. */
  public static void whenClosed(Clients clients, Runnable task) {
    ClientsAccess.whenClosed(clients, task);
  }
}
