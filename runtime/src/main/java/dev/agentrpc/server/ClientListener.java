package dev.agentrpc.server;

import io.grpc.Status;

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

  /**
   * A newer connection named {@code client} replaced the one connected under that name; told
   * after that one's {@link #onLeave} and this one's {@link #onJoin}.
   */
  default void onReplaced(String client) {}

  /**
   * A client saying Hello as {@code client} (the name as it said it, perhaps not a valid one)
   * was refused with {@code status}: a bad name or labels, its identity denied by the join
   * policy, the name held by another identity, a transport's limit, or the server closing.
   */
  default void onRefused(String client, Status status) {}
}
