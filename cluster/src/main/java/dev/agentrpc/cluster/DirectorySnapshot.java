package dev.agentrpc.cluster;

import java.util.List;
import java.util.Map;

/**
 * The whole directory at one moment: the live replicas and the clients they hold.
 *
 * @param replicas the address of each live replica's peer service, by replica id
 * @param entries the clients those replicas hold (a name may appear under two replicas for a
 *     moment; the higher epoch wins)
 */
public record DirectorySnapshot(Map<String, String> replicas, List<DirectoryEntry> entries) {
  /** Copies both. */
  public DirectorySnapshot {
    replicas = Map.copyOf(replicas);
    entries = List.copyOf(entries);
  }
}
