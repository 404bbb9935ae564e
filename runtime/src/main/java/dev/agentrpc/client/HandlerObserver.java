package dev.agentrpc.client;

import io.grpc.Status;
import java.util.Map;

/**
 * Observes the handlers an agent runs, for metrics and tracing; installed with {@link
 * HandlerRegistry#observe}. Every request whose handler runs is observed once, from just
 * before the handler is invoked to the end of the call.
 *
 * <p>Observers run inside the runtime, on the handler's thread or whichever thread ends the
 * call (a handler's stage, the timer): they must be quick, never block and never throw.
 */
@FunctionalInterface
public interface HandlerObserver {
  /**
   * The handler of {@code method} (the full protobuf name of the request type) is about to be
   * invoked, on its thread, with the request's {@link io.grpc.Context} current; {@code
   * metadata} is what the controller sent with the request (e.g. W3C {@code traceparent}).
   *
   * @return what hears the handling's progress, or null
   */
  Handling onStart(String method, Map<String, String> metadata);

  /** Hears how one observed handling went. */
  interface Handling {
    /**
     * The handler returned (for an asynchronous handler: returned its stage), on the thread
     * that invoked it: the place to undo what {@link #onStart} made current on that thread.
     * For a handler that answers at once it comes after {@link #onEnd}. Observers hear it in
     * the reverse of the order they were added, so that what each made current is undone in turn.
     */
    default void onInvoked() {}

    /**
     * The call ended with {@code status}: OK when the response was sent, the status sent
     * otherwise, or CANCELLED / DEADLINE_EXCEEDED when it ended with nothing sent. Called once.
     */
    void onEnd(Status status);
  }
}
