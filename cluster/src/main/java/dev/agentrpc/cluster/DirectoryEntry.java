package dev.agentrpc.cluster;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One client as the cluster directory knows it: which replica holds it, under which fencing
 * epoch, and what it joined with.
 *
 * @param name the client's name
 * @param replica the id of the replica holding its connection
 * @param epoch the fencing epoch the directory gave this connection: of two entries for one
 *     name, the one with the higher epoch is the newer connection and wins; 0 before the
 *     directory gave one
 * @param identity the identity the client joined as
 * @param labels the labels it declared
 * @param joinedAt when it joined its replica
 */
public record DirectoryEntry(
    String name, String replica, long epoch, String identity, Map<String, String> labels, Instant joinedAt) {
  /** Checks the fields and copies the labels. */
  public DirectoryEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(replica, "replica");
    Objects.requireNonNull(identity, "identity");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(joinedAt, "joinedAt");
  }

  /** This entry under {@code newEpoch}. */
  public DirectoryEntry withEpoch(long newEpoch) {
    return new DirectoryEntry(name, replica, newEpoch, identity, labels, joinedAt);
  }
}
