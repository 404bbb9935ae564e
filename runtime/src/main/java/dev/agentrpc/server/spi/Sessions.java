package dev.agentrpc.server.spi;

import dev.agentrpc.internal.ClientsAccess;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.server.Clients;
import io.grpc.Status;
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

  /**
   * Reports a client the transport refused before {@link #join} (a bad name, its join policy's
   * denial, a transport limit), so that {@link dev.agentrpc.server.ClientListener#onRefused}
   * hears of it; {@code client} is the name as the client said it. Refusals by {@link #join}
   * itself are reported already.
   */
  public static void refused(Clients clients, String client, Status status) {
    ClientsAccess.refused(clients, client, status);
  }

  /** Runs {@code task} once {@code clients} is closed (at once if it already is), on the closing thread. */
  public static void whenClosed(Clients clients, Runnable task) {
    ClientsAccess.whenClosed(clients, task);
  }
}
