package dev.agentrpc.server;

import io.grpc.Status;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Observes the controller's calls, for metrics and tracing; installed with {@link
 * Clients.Builder#addObserver}. Every call to one client is observed once, from its start to
 * its end: calls through a proxy or {@link Clients#call}, and each client's call of a call-all
 * or fan-out. Calls that could not start (an unknown client, a request too large) are
 * observed too, ending at once. On a replica of a cluster ({@link Clients.Builder#remote}), a
 * call to a client another replica holds is observed here, where it starts, and again on the
 * replica that sends it to the client; the metadata put here reaches the client.
 *
 * <p>Observers run inside the runtime, on whichever thread starts or ends a call (the caller's,
 * a transport event loop, the timer): they must be quick, never block and never throw.
 */
@FunctionalInterface
public interface CallObserver {
  /**
   * A call of {@code method} (the full protobuf name of the request type) to the client named
   * {@code client} starts, on the thread starting it (for a call through a proxy or {@link
   * Clients#call}, the caller's, with its {@link io.grpc.Context} current). Entries put in
   * {@code metadata} travel with the request to the agent (e.g. W3C {@code traceparent}).
   *
   * @return what hears the call's end, or null
   */
  Call onStart(String client, String method, Map<String, String> metadata);

  /**
   * Captures, on the thread that starts a fan-out, what {@link #onStart} reads from the
   * current thread (such as the current trace), and returns how to run a later start within
   * it: a fan-out with a window starts its later calls on the runtime's threads. Null, the
   * default, when {@code onStart} reads nothing from the thread.
   */
  default UnaryOperator<Runnable> carryContext() {
    return null;
  }

  /** Hears how one observed call ended. */
  @FunctionalInterface
  interface Call {
    /** The call ended with {@code status} (OK when the client answered); called once. */
    void onEnd(Status status);
  }
}
