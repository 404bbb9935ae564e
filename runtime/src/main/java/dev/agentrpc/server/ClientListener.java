package dev.agentrpc.server;

/**
 * Told when client connections join and leave {@link Clients}.
 *
 * <p>Called on the {@linkplain Clients.Builder#callbackExecutor callback executor}, one event
 * at a time, in the order the joins and leaves happened; a slow listener delays only the
 * events after it. A client that rejoins under the same name is reported as the old
 * connection leaving, then the new one joining.
 */
public interface ClientListener {
  /** A connection named {@code client} joined and can be called. */
  default void onJoin(String client) {}

  /** The connection named {@code client} left; its pending calls have failed. */
  default void onLeave(String client) {}
}
