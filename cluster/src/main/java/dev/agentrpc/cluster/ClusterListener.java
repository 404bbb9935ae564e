package dev.agentrpc.cluster;

/**
 * Told when clients join and leave the cluster, whichever replica holds them (see {@link
 * ClusterReplica#subscribe}). Called on the Clients' callback executor, one event at a time,
 * in the order this replica learnt of them from the directory.
 */
public interface ClusterListener {
  /**
   * A connection named {@code client} is now the one the cluster calls, held by the replica
   * {@code replica}: a client that joined, reconnected, or moved to another replica.
   */
  default void onJoin(String client, String replica) {}

  /** No replica holds a client named {@code client} any more; {@code replica} held it last. */
  default void onLeave(String client, String replica) {}
}
