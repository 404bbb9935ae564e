package dev.agentrpc.client;

import dev.agentrpc.proto.v1.Response;

/**
 * Transport SPI: where a {@link Dispatcher} writes responses for the server.
 *
 * <p>Implementations are thread-safe, never block, and respect the connection's flow
 * control. Their buffer is bounded by the requests the server has in flight.
 */
@FunctionalInterface
public interface ResponseSink {
  /** Sends one response; ignored once the connection is closed. */
  void send(Response response);
}
