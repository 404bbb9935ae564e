package dev.agentrpc.client;

import io.grpc.StatusException;

/**
 * Serves one request type synchronously on the dispatcher's executor.
 *
 * <p>{@link io.grpc.Context#current()} carries the request's deadline and is cancelled
 * when the controller cancels the call or the connection drops.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
@FunctionalInterface
public interface UnaryHandler<Q, R> {
  /**
   * Answers {@code request}.
   *
   * @throws StatusException to fail the call with that status (or throw a
   *     StatusRuntimeException); any other exception fails it with UNKNOWN
   */
  R handle(Q request) throws StatusException;
}
