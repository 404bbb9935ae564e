package dev.agentrpc.client;

import io.grpc.StatusException;
import java.util.concurrent.CompletionStage;

/**
 * Serves one request type by returning a stage that completes later.
 *
 * <p>{@code handle} runs on the dispatcher's executor inside the request's
 * {@link io.grpc.Context}; when that Context is cancelled the returned stage is cancelled
 * too (when it is a {@link java.util.concurrent.CompletableFuture}).
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
@FunctionalInterface
public interface AsyncHandler<Q, R> {
  /**
   * Starts answering {@code request}.
   *
   * @throws StatusException to fail the call with that status at once
   */
  CompletionStage<R> handle(Q request) throws StatusException;
}
