package dev.agentrpc.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.server.ClientInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache's election of one entry per name, and the cluster events it derives. */
class DirectoryCacheTest {
  private final List<String> events = new ArrayList<>();
  private final ClusterEvents listeners = new ClusterEvents(Runnable::run);
  private final DirectoryCache cache = new DirectoryCache("r1", listeners);

  DirectoryCacheTest() {
    listeners.subscribe(new ClusterListener() {
      @Override
      public void onJoin(String client, String replica) {
        events.add("join " + client + "@" + replica);
      }

      @Override
      public void onLeave(String client, String replica) {
        events.add("leave " + client + "@" + replica);
      }
    });
  }

  private static DirectoryEntry entry(String name, String replica, long epoch) {
    return new DirectoryEntry(name, replica, epoch, name, Map.of("at", replica), Instant.EPOCH);
  }

  @Test
  void theHighestEpochWinsWhateverTheOrderEntriesArriveIn() {
    cache.put(entry("x", "r3", 7), "h3:1");
    cache.put(entry("x", "r2", 5), "h2:1");

    assertThat(cache.winner("x").entry().replica()).isEqualTo("r3");
    assertThat(cache.othersEpoch("x")).isEqualTo(7);
    assertThat(events).containsExactly("join x@r3");
  }

  @Test
  void releasingTheWinnerElectsTheNextAndReleasingTheLastIsALeave() {
    cache.put(entry("x", "r2", 5), "h2:1");
    cache.put(entry("x", "r3", 7), "h3:1");

    cache.remove("r3", "x", 6); // not its epoch: nothing
    cache.remove("r3", "x", 7);
    cache.remove("r2", "x", 5);

    assertThat(events).containsExactly("join x@r2", "join x@r3", "join x@r2", "leave x@r2");
    assertThat(cache.winner("x")).isNull();
  }

  @Test
  void othersClientsLeaveOutThisReplicasOwn() {
    cache.put(entry("mine", "r1", 1), "h1:1");
    cache.put(entry("theirs", "r2", 2), "h2:1");

    assertThat(cache.othersClients()).extracting(ClientInfo::name).containsExactly("theirs");
    assertThat(cache.othersEpoch("mine")).isZero();
  }

  @Test
  void aSnapshotReplacesEverythingAndDropsDeadReplicas() {
    cache.put(entry("x", "r2", 2), "h2:1");
    cache.put(entry("y", "r3", 3), "h3:1");

    cache.replace(
        new DirectorySnapshot(Map.of("r1", "h1:1", "r2", "h2:1"), List.of(entry("x", "r2", 2), entry("z", "r2", 4))),
        Map.of(),
        "h1:1");

    assertThat(cache.address("r3")).isNull();
    assertThat(cache.winner("y")).isNull();
    assertThat(cache.winner("z").entry().epoch()).isEqualTo(4);
    assertThat(events).containsExactly("join x@r2", "join y@r3", "leave y@r3", "join z@r2");
  }
}
