package dev.agentrpc.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.cluster.Directory;
import dev.agentrpc.cluster.DirectoryEntry;
import dev.agentrpc.cluster.DirectorySnapshot;
import dev.agentrpc.cluster.testing.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis directory's operations against a real redis-server, as two replicas see them. */
@Timeout(60)
class RedisDirectoryTest {
  @RegisterExtension static final RedisExtension server = new RedisExtension();

  private static RedisDirectory directory(String prefix) {
    return RedisDirectory.newBuilder(server.process().uri()).keyPrefix(prefix).lease(Duration.ofSeconds(5)).build();
  }

  private static DirectoryEntry entry(String name) {
    return new DirectoryEntry(name, "ignored", 0, "id-" + name, Map.of("k", "v"), Instant.ofEpochMilli(1234));
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Records what another replica hears. */
  private static final class Heard implements Directory.Listener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void onRegistered(DirectoryEntry entry, String address) {
      events.add("registered " + entry.name() + "@" + entry.replica() + "#" + entry.epoch() + " " + address
          + " " + entry.identity() + " " + entry.labels() + " " + entry.joinedAt().toEpochMilli());
    }

    @Override
    public void onReleased(String replica, String name, long epoch) {
      events.add("released " + name + "@" + replica + "#" + epoch);
    }

    @Override
    public void onReconnected() {}

    String next() throws InterruptedException {
      return events.poll(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void epochsGrowPerNameAndAReleaseRemovesOnlyTheEpochItNames() throws Exception {
    Heard byA = new Heard();
    try (RedisDirectory a = directory("epochs"); RedisDirectory b = directory("epochs")) {
      a.start("a", "host-a:1", byA);
      b.start("b", "host-b:2", new Heard());
      assertThat(get(a.renew())).as("a fresh lease").isFalse();
      assertThat(get(a.renew())).as("a renewed one").isTrue();
      assertThat(get(b.renew())).isFalse();

      assertThat(get(b.register(List.of(entry("x"), entry("y"))))).containsExactly(1L, 1L);
      assertThat(get(b.register(List.of(entry("x"))))).containsExactly(2L);
      assertThat(byA.next()).isEqualTo("registered x@b#1 host-b:2 id-x {k=v} 1234");
      assertThat(byA.next()).isEqualTo("registered y@b#1 host-b:2 id-y {k=v} 1234");
      assertThat(byA.next()).isEqualTo("registered x@b#2 host-b:2 id-x {k=v} 1234");

      assertThat(get(b.release("x", 1))).as("an older epoch").isFalse();
      assertThat(get(b.release("x", 2))).isTrue();
      assertThat(byA.next()).isEqualTo("released x@b#2");

      DirectorySnapshot snapshot = get(a.snapshot());
      assertThat(snapshot.replicas()).isEqualTo(Map.of("a", "host-a:1", "b", "host-b:2"));
      assertThat(snapshot.entries()).extracting(e -> e.name() + "@" + e.replica() + "#" + e.epoch())
          .containsExactly("y@b#1");
      assertThat(a.isAvailable()).isTrue();
    }
  }

  @Test
  void aReplicaThatClosesLeavesTheDirectory() throws Exception {
    try (RedisDirectory a = directory("closing")) {
      a.start("a", "host-a:1", new Heard());
      get(a.renew());
      RedisDirectory b = directory("closing");
      b.start("b", "host-b:2", new Heard());
      get(b.renew());
      get(b.register(List.of(entry("x"))));

      b.close();

      DirectorySnapshot snapshot = get(a.snapshot());
      assertThat(snapshot.replicas()).containsOnlyKeys("a");
      assertThat(snapshot.entries()).isEmpty();
      assertThat(b.isAvailable()).isFalse();
    }
  }
}
