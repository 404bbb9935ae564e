package dev.agentrpc.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A cluster-wide directory of controller replicas and of the clients each holds, kept in a
 * shared store (Redis: {@link dev.agentrpc.cluster.redis.RedisDirectory}). The cluster
 * module drives it from one thread; implementations are nonetheless thread-safe.
 *
 * <p>Everything a replica writes lives under a lease: if the replica stops renewing it (it
 * died), its membership and its clients' entries disappear within {@link #lease()}. Every
 * method returns at once; the work completes the returned stage, on any thread, and fails it
 * when the store cannot be reached.
 */
public interface Directory extends AutoCloseable {
  /** How long an entry outlives the last renewal of its replica's lease. */
  Duration lease();

  /** What the directory is, for error messages ("Redis at 10.0.0.7:6379"). */
  String describe();

  /**
   * Connects, and tells {@code listener} from now on what other replicas change. Called once,
   * before any other method but {@link #lease()} and {@link #describe()}.
   */
  void start(String replicaId, String address, Listener listener);

  /**
   * Records this replica (its peer service at the address given to {@link #start}) under a
   * fresh lease, or renews the lease. Completes with false when the lease had been lost (the
   * store restarted, or the lease ran out while it was unreachable): the replica's entries
   * are gone and the caller registers its clients again.
   */
  CompletionStage<Boolean> renew();

  /**
   * Records {@code entries} as held by this replica, each under a new fencing epoch (greater
   * than any given before for its name), replacing this replica's earlier entries of the same
   * names, and tells the other replicas. Completes with the epochs, in order.
   */
  CompletionStage<List<Long>> register(List<DirectoryEntry> entries);

  /**
   * Removes this replica's entry of {@code name} if it still has {@code epoch}, and tells the
   * other replicas. Completes with whether it was removed.
   */
  CompletionStage<Boolean> release(String name, long epoch);

  /** Reads the whole directory: the live replicas and their entries. */
  CompletionStage<DirectorySnapshot> snapshot();

  /** Whether the store is reachable now, as last seen; never blocks. */
  boolean isAvailable();

  /** Removes this replica's membership and entries if the store is reachable, and disconnects. */
  @Override
  void close();

  /**
   * Hears what other replicas change, on any thread; it must not block. Events may be lost
   * while the store is unreachable: the cluster reads a {@link #snapshot()} when it returns.
   */
  interface Listener {
    /** A replica, whose peer service is at {@code replicaAddress}, registered {@code entry}. */
    void onRegistered(DirectoryEntry entry, String replicaAddress);

    /** The replica {@code replica} released its entry of {@code name} with {@code epoch}. */
    void onReleased(String replica, String name, long epoch);

    /** The store became reachable again after it was not. */
    void onReconnected();
  }
}
