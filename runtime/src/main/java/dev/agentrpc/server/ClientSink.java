package dev.agentrpc.server;

import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Status;

/**
 * Transport SPI: the outbound half of one client connection, written to by {@link Clients}.
 *
 * <p>Implementations are thread-safe, never block, and respect the connection's flow
 * control. They need not bound their own buffer: {@link Clients} bounds in-flight calls per
 * client, and so the commands outstanding.
 */
public interface ClientSink {
  /** Sends one command; ignored once the connection is closed. */
  void send(ServerToClient command);

  /** Closes the connection with {@code status}; idempotent. */
  void close(Status status);
}
