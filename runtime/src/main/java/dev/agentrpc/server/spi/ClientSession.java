package dev.agentrpc.server.spi;

import dev.agentrpc.proto.v1.Response;
import io.grpc.Status;

/**
 * One joined client connection, as the transport that carries it sees it: the transport
 * feeds it responses and tells it when it can write and when the connection ended.
 *
 * <p>Obtained from {@link Sessions#join}. Thread-safe.
 */
public interface ClientSession {
  /** The client's name, as it said in Hello. */
  String name();

  /** Hands a response from the client to the call awaiting it. */
  void onResponse(Response response);

  /** The connection can take commands again (flow control); the session writes what waits. */
  void onReady();

  /**
   * The connection ended: the session leaves and every call pending on it fails at once
   * with UNAVAILABLE. Idempotent.
   *
   * @param cause why it ended, for the failed calls' description
   */
  void onDisconnect(Status cause);
}
