package dev.agentrpc.server.spi;

import com.google.protobuf.Any;
import dev.agentrpc.server.ClientInfo;
import io.grpc.Status;
import java.util.List;
import java.util.Map;

/**
 * The clients other controllers hold, for a controller that is one replica of several: how
 * {@link dev.agentrpc.server.Clients} reaches a client that is not connected to it. Set with
 * {@code Clients.Builder.remote}; a cluster module implements it (a directory of who holds
 * which client, and a forwarding channel to each replica).
 *
 * <p>Implementations are thread-safe, and {@link #list} and {@link #call} do no blocking I/O on
 * the calling thread.
 */
public interface RemoteClients {
  /**
   * The clients held by other replicas as last known, never one this replica holds itself
   * (the caller filters those out anyway). A snapshot.
   */
  List<ClientInfo> list();

  /**
   * Forwards a call to {@code client}, held by another replica, and tells {@code listener}
   * its outcome exactly once; returns null, telling nothing, when no other replica is known
   * to hold it. The call's deadline is {@code timeoutNanos} from now, and it carries the
   * caller's {@link io.grpc.Context} (deadline and cancellation) when started within it.
   * {@code metadata} (immutable, often empty) is what this replica's {@link
   * dev.agentrpc.server.CallObserver}s put for the client, such as W3C {@code traceparent}: the
   * holding replica passes it on with {@link LocalCalls#call}.
   */
  RemoteCall call(
      String client, Any payload, Map<String, String> metadata, long timeoutNanos, RemoteCall.Listener listener);

  /**
   * Why a client saying Hello to this replica as {@code client}, verified as {@code identity},
   * must be refused, or null to admit it: as on one controller, a connection with another
   * identity never displaces the one that holds the name, wherever that one is. Called as the
   * client joins, on a transport thread: it must answer from what is known, without blocking.
   */
  default Status refusal(String client, String identity) {
    return null;
  }
}
