package dev.agentrpc.server.spi;

import dev.agentrpc.internal.ClientsAccess;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.server.Clients;
import io.grpc.StatusException;

/** Where a transport admits the clients that dial in. */
public final class Sessions {
  private Sessions() {}

  /**
   * Admits a client that said {@code hello}, as {@code identity} (what the transport's join
   * policy established), on a connection whose outbound half is {@code sink}. A connection
   * already joined under the same name with the same identity is closed as replaced and its
   * pending calls fail at once; one with another identity stays, and this one is refused.
   *
   * @throws StatusException INVALID_ARGUMENT for a bad name; PERMISSION_DENIED when the name
   *     is connected with another identity; UNAVAILABLE once {@code clients} is closed
   */
  public static ClientSession join(
      Clients clients, ClientToServer.Hello hello, String identity, ClientSink sink)
      throws StatusException {
    return ClientsAccess.join(clients, hello, identity, sink);
  }

  /** Runs {@code task} once {@code clients} is closed (at once if it already is), on the closing thread. */
  public static void whenClosed(Clients clients, Runnable task) {
    ClientsAccess.whenClosed(clients, task);
  }
}
