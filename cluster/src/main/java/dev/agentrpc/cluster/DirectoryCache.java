package dev.agentrpc.cluster;

import dev.agentrpc.server.ClientInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's copy of the directory: written by the cluster thread only, read from any
 * thread without blocking. For each name, the entry with the highest epoch wins.
 */
final class DirectoryCache {
  /** An entry and what {@code Clients.list()} shows of it. */
  record Known(DirectoryEntry entry, ClientInfo info) {
    static Known of(DirectoryEntry entry) {
      return new Known(entry, ClientInfo.remote(entry.name(), entry.identity(), entry.labels(), entry.joinedAt()));
    }
  }

  private final String self;
  private final ClusterEvents events;
  private final ConcurrentHashMap<String, String> addresses = new ConcurrentHashMap<>();
  /** replica -> name -> entry, as each replica last registered. */
  private final Map<String, Map<String, DirectoryEntry>> held = new HashMap<>();
  private final ConcurrentHashMap<String, Known> winners = new ConcurrentHashMap<>();

  DirectoryCache(String self, ClusterEvents events) {
    this.self = self;
    this.events = events;
  }

  /** Makes {@code entry} the winner of its name, telling the listeners if that changed who wins. */
  private void win(DirectoryEntry entry) {
    Known previous = winners.put(entry.name(), Known.of(entry));
    if (previous == null || !previous.entry().equals(entry)) {
      events.joined(entry);
    }
  }

  private void lose(String name) {
    Known previous = winners.remove(name);
    if (previous != null) {
      events.left(previous.entry());
    }
  }

  /** The winning entry of {@code name}, or null. */
  Known winner(String name) {
    return winners.get(name);
  }

  /** The address of the peer service of {@code replica}, or null if unknown. */
  String address(String replica) {
    return addresses.get(replica);
  }

  Map<String, String> replicas() {
    return Map.copyOf(addresses);
  }

  /** The clients other replicas hold. */
  List<ClientInfo> othersClients() {
    List<ClientInfo> infos = new ArrayList<>(winners.size());
    for (Known known : winners.values()) {
      if (!known.entry().replica().equals(self)) {
        infos.add(known.info());
      }
    }
    return infos;
  }

  /** The highest epoch another replica holds {@code name} under; 0 if none. */
  long othersEpoch(String name) {
    long best = 0;
    for (Map.Entry<String, Map<String, DirectoryEntry>> replica : held.entrySet()) {
      if (!replica.getKey().equals(self)) {
        DirectoryEntry entry = replica.getValue().get(name);
        if (entry != null && entry.epoch() > best) {
          best = entry.epoch();
        }
      }
    }
    return best;
  }

  void put(DirectoryEntry entry, String address) {
    if (address != null) {
      addresses.put(entry.replica(), address);
    }
    held.computeIfAbsent(entry.replica(), r -> new HashMap<>()).put(entry.name(), entry);
    Known current = winners.get(entry.name());
    if (current == null || current.entry().epoch() <= entry.epoch()) {
      win(entry);
    }
  }

  void remove(String replica, String name, long epoch) {
    Map<String, DirectoryEntry> entries = held.get(replica);
    DirectoryEntry entry = entries == null ? null : entries.get(name);
    if (entry != null && entry.epoch() == epoch) {
      entries.remove(name);
      elect(name);
    }
  }

  /** Replaces everything with {@code snapshot}, keeping this replica's own entries as given. */
  void replace(DirectorySnapshot snapshot, Map<String, DirectoryEntry> own, String ownAddress) {
    held.clear();
    for (DirectoryEntry entry : snapshot.entries()) {
      if (!entry.replica().equals(self)) {
        held.computeIfAbsent(entry.replica(), r -> new HashMap<>()).put(entry.name(), entry);
      }
    }
    held.put(self, new HashMap<>(own));
    addresses.keySet().retainAll(snapshot.replicas().keySet());
    addresses.putAll(snapshot.replicas());
    addresses.put(self, ownAddress);
    held.keySet().retainAll(addresses.keySet());
    Map<String, Known> elected = new HashMap<>();
    for (Map<String, DirectoryEntry> entries : held.values()) {
      for (DirectoryEntry entry : entries.values()) {
        Known current = elected.get(entry.name());
        if (current == null || current.entry().epoch() < entry.epoch()) {
          elected.put(entry.name(), Known.of(entry));
        }
      }
    }
    for (String name : List.copyOf(winners.keySet())) {
      if (!elected.containsKey(name)) {
        lose(name);
      }
    }
    for (Map.Entry<String, Known> e : elected.entrySet()) {
      Known current = winners.get(e.getKey());
      if (current == null || !current.entry().equals(e.getValue().entry())) {
        win(e.getValue().entry());
      }
    }
  }

  private void elect(String name) {
    DirectoryEntry best = null;
    for (Map<String, DirectoryEntry> entries : held.values()) {
      DirectoryEntry entry = entries.get(name);
      if (entry != null && (best == null || entry.epoch() > best.epoch())) {
        best = entry;
      }
    }
    if (best == null) {
      lose(name);
    } else {
      Known current = winners.get(name);
      if (current == null || !current.entry().equals(best)) {
        win(best);
      }
    }
  }
}
