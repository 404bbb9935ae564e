package dev.agentrpc.client;

import dev.agentrpc.proto.v1.Response;

/**
 * Transport SPI: where a {@link Dispatcher} writes responses for the server.
 *
 * <p>Implementations are thread-safe, never block, respect the connection's flow control,
 * and bound what they buffer (the stream transport drops a response beyond its byte cap:
 * its call then times out on the server).
 */
@FunctionalInterface
public interface ResponseSink {
  /** Sends one response; ignored once the connection is closed. */
  void send(Response response);
}
