package dev.agentrpc.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.cluster.testing.AddressList;
import dev.agentrpc.cluster.testing.Agent;
import dev.agentrpc.cluster.testing.RedisProcess;
import dev.agentrpc.cluster.testing.ReplicaProcess;
import dev.agentrpc.cluster.testing.Waits;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The acceptance scenario: a real redis-server, three controller JVMs, nine agents in this JVM
 * spread over them (each agent's channel knows every replica's address and dials the first
 * that accepts, its own first). The steps run in order on the same cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class ClusterProcessesTest {
  /** The directory lease of the replicas here: the bound on stale entries of a dead replica. */
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final int AGENTS = 9;

  private RedisProcess redis;
  private final List<ReplicaProcess> replicas = new ArrayList<>();
  private final List<StreamClient> agents = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final Map<String, Agent> handlers = new HashMap<>();

  @BeforeAll
  void startCluster() {
    redis = RedisProcess.start();
    for (int i = 0; i < 3; i++) {
      replicas.add(ReplicaProcess.start(redis.uri(), "acceptance", "r" + i, LEASE));
    }
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (ReplicaProcess replica : replicas) {
      addresses.add(new InetSocketAddress("127.0.0.1", replica.port()));
    }
    for (int i = 0; i < AGENTS; i++) {
      List<InetSocketAddress> ownFirst = new ArrayList<>(addresses);
      java.util.Collections.rotate(ownFirst, -(i % 3));
      String name = "agent-" + i;
      names.add(name);
      handlers.put(name, new Agent(name));
      agent(name, handlers.get(name).registry(), ownFirst, Duration.ofSeconds(1));
    }
  }

  private StreamClient agent(String name, HandlerRegistry registry, List<InetSocketAddress> addresses, Duration maxBackoff) {
    ManagedChannel channel =
        NettyChannelBuilder.forTarget("replicas:///cluster")
            .nameResolverFactory(new AddressList(addresses))
            .usePlaintext()
            .build();
    channels.add(channel);
    StreamClient agent =
        StreamClient.newBuilder(channel, name, registry).backoff(Duration.ofMillis(100), maxBackoff).start();
    agents.add(agent);
    return agent;
  }

  @AfterAll
  void stopCluster() throws InterruptedException {
    for (StreamClient agent : agents) {
      agent.close();
    }
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    for (ReplicaProcess replica : replicas) {
      replica.close();
    }
    if (redis != null) {
      redis.stop();
    }
  }

  @Test
  @Order(1)
  void everyReplicaCallsEveryAgentAndCallAllSpansThemAll() {
    for (int i = 0; i < 3; i++) {
      ReplicaProcess replica = replicas.get(i);
      String own = "LOCAL agent-" + i + ",agent-" + (i + 3) + ",agent-" + (i + 6);
      Waits.until("agents joining their own replica " + replica.id() + " first", () -> replica.ask("LOCAL").equals(own));
    }
    for (ReplicaProcess replica : replicas) {
      Waits.until(replica.id() + " listing every agent", () -> replica.ask("LIST").equals("LIST " + String.join(",", names)));
      for (String name : names) {
        assertThat(replica.ask("CALL " + name)).isEqualTo("OK " + name + ":hi");
      }
      assertThat(replica.ask("CALLALL")).isEqualTo("ALL " + String.join(",", names) + " 0");
    }
  }

  @Test
  @Order(2)
  void theSameNameOnTwoReplicasLeavesOneConnectionAndCallsGoToIt() {
    InetSocketAddress r0 = new InetSocketAddress("127.0.0.1", replicas.get(0).port());
    InetSocketAddress r1 = new InetSocketAddress("127.0.0.1", replicas.get(1).port());
    agent("twin", new Agent("first").registry(), List.of(r0), Duration.ofMinutes(1));
    Waits.until("twin on r0", () -> replicas.get(0).ask("LOCAL").contains("twin"));
    Waits.until("r1 knowing twin", () -> replicas.get(1).ask("CALL twin").equals("OK first:hi"));

    agent("twin", new Agent("second").registry(), List.of(r1), Duration.ofMinutes(1));

    Waits.until("r0 closing its older connection", () -> !replicas.get(0).ask("LOCAL").contains("twin"));
    assertThat(replicas.get(1).ask("LOCAL")).contains("twin");
    assertThat(replicas.get(2).ask("LOCAL")).doesNotContain("twin");
    for (ReplicaProcess replica : replicas) {
      Waits.until(replica.id() + " calling the newer twin", () -> replica.ask("CALL twin").equals("OK second:hi"));
    }
  }

  @Test
  @Order(3)
  void aKilledReplicasAgentsAreCallableAgainViaEveryReplicaAndNoCallHangs() throws Exception {
    ReplicaProcess doomed = replicas.get(2);
    List<CompletableFuture<String>> inFlight = new ArrayList<>();
    for (String name : List.of("agent-2", "agent-5")) {
      inFlight.add(replicas.get(0).send("HOLD " + name + " 60000 30000"));
    }
    handlers.get("agent-2").awaitHolding();
    handlers.get("agent-5").awaitHolding();

    Probe probe = new Probe(redis.uri()); // before the clock starts: Lettuce takes a while to start
    long killed = System.nanoTime();
    doomed.kill();
    replicas.remove(doomed); // the tests after this one run on the survivors, even if this one fails

    for (CompletableFuture<String> hold : inFlight) {
      String done = hold.get(10, TimeUnit.SECONDS);
      assertThat(done).matches("DONE (UNAVAILABLE|CANCELLED) \\d+");
    }
    long failedAfter = System.nanoTime() - killed;
    assertThat(Duration.ofNanos(failedAfter)).as("in-flight forwarded calls failing").isLessThan(Duration.ofSeconds(5));

    List<String> moved = List.of("agent-2", "agent-5", "agent-8");
    Duration bound = LEASE.plus(Duration.ofSeconds(5));
    for (ReplicaProcess survivor : replicas.subList(0, 2)) {
      for (String name : moved) {
        Waits.until(survivor.id() + " calling " + name + " again", bound,
            () -> survivor.ask("CALL " + name).equals("OK " + name + ":hi"));
      }
    }
    Duration failover = Duration.ofNanos(System.nanoTime() - killed);
    System.out.println("failover: every agent of the killed replica callable from both survivors after " + failover.toMillis() + " ms");

    try (probe) {
      // The lease was renewed at most a third of it before the kill: gone within the lease.
      Duration left = LEASE.plusSeconds(1).minusNanos(System.nanoTime() - killed);
      // Both keys: the clients' entries are renewed just after the replica's own, so they can
      // outlive it by that much.
      Waits.until("the killed replica's lease running out", left.isNegative() ? Duration.ZERO : left,
          () -> !probe.exists("acceptance:replica:r2") && !probe.exists("acceptance:clients:r2"));
      System.out.println("expiry: the killed replica's entries gone from Redis "
          + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms after SIGKILL");
    }
    for (ReplicaProcess survivor : replicas.subList(0, 2)) {
      assertThat(survivor.ask("CALLALL")).isEqualTo("ALL " + String.join(",", names) + ",twin 0");
    }
  }

  @Test
  @Order(4)
  void afterRedisRestartsTheDirectoryRecovers() {
    redis.stop();
    Waits.until("r0 failing cross-replica calls", () -> replicas.get(0).ask("CALL agent-1").startsWith("ERR UNAVAILABLE"));
    assertThat(replicas.get(0).ask("CALL agent-0")).isEqualTo("OK agent-0:hi");

    redis.restart(); // empty

    for (ReplicaProcess replica : replicas) {
      Waits.until(replica.id() + " calling every agent again", () -> {
        for (String name : names) {
          if (!replica.ask("CALL " + name).equals("OK " + name + ":hi")) {
            return false;
          }
        }
        return true;
      });
      assertThat(replica.ask("CALLALL")).isEqualTo("ALL " + String.join(",", names) + ",twin 0");
    }
  }

  /** Reads Redis directly. */
  private static final class Probe implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    Probe(String uri) {
      client = RedisClient.create(uri);
      connection = client.connect();
      connection.setTimeout(Duration.ofSeconds(2));
    }

    boolean exists(String key) {
      return connection.sync().exists(key) > 0;
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
