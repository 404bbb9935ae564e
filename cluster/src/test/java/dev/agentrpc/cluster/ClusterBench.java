package dev.agentrpc.cluster;

import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.cluster.testing.RedisProcess;
import dev.agentrpc.cluster.testing.Replica;
import dev.agentrpc.cluster.testing.Waits;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The cluster's two benchmarks, in one JVM over 127.0.0.1 with a real redis-server:
 *
 * <ol>
 *   <li>one caller, one call at a time, from replica r1: to an agent connected to r1 (local)
 *       and to one connected to r2 (forwarded), in alternating blocks; p50 and p99 of each;
 *   <li>call-all from one replica over 3 replicas x N agents, against one plain controller
 *       with 3N agents; p50 and p99.
 * </ol>
 *
 * <p>Run (N is the argument; needs redis-server on the PATH):
 *
 * <pre>
 * mvn -q -pl cluster test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath dev.agentrpc.cluster.ClusterBench 300"
 * </pre>
 *
 * <p>Everything shares the machine's cores: on 2 cores run it with nothing else running.
 */
public final class ClusterBench {
  private static final UnaryOperator<StreamClient.Builder> QUICK_HANDLERS = b -> b.executor(Runnable::run);

  private ClusterBench() {}

  public static void main(String[] args) throws Exception {
    int perReplica = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    try (RedisProcess redis = RedisProcess.start()) {
      forwardedAgainstLocal(redis);
      callAllAcrossReplicas(redis, perReplica);
    }
    callAllOnOneController(3 * perReplica);
    System.exit(0);
  }

  private static HandlerRegistry echo() {
    return new HandlerRegistry().register(StringValue.getDefaultInstance(), request -> request);
  }

  private static void forwardedAgainstLocal(RedisProcess redis) throws Exception {
    Replica r1 = Replica.start(redis, "bench-seq", "r1");
    Replica r2 = Replica.start(redis, "bench-seq", "r2");
    try {
      r1.agents(List.of("here"), echo(), QUICK_HANDLERS);
      r2.agents(List.of("there"), echo(), QUICK_HANDLERS);
      r1.awaitListed(List.of("here", "there"));
      int block = 2_000;
      int warmUp = 6; // rounds: the JIT needs some 10,000 calls of each kind
      int rounds = warmUp + 10;
      long[] local = new long[block * (rounds - warmUp)];
      long[] forwarded = new long[block * (rounds - warmUp)];
      for (int round = 0; round < rounds; round++) {
        int at = (round - warmUp) * block;
        sequential(r1.clients(), "here", block, round < warmUp ? null : local, at);
        sequential(r1.clients(), "there", block, round < warmUp ? null : forwarded, at);
      }
      report("sequential call, local      ", local);
      report("sequential call, forwarded  ", forwarded);
      Arrays.sort(local);
      Arrays.sort(forwarded);
      System.out.printf("forwarded / local p50: %.2f%n", (double) forwarded[forwarded.length / 2] / local[local.length / 2]);
    } finally {
      r1.close();
      r2.close();
    }
  }

  private static void sequential(Clients clients, String agent, int count, long[] into, int offset) throws Exception {
    StringValue request = StringValue.of("0123456789".repeat(10));
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      clients.call(agent, request, StringValue.parser(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
      if (into != null) {
        into[offset + i] = System.nanoTime() - start;
      }
    }
  }

  private static void callAllAcrossReplicas(RedisProcess redis, int perReplica) throws Exception {
    List<Replica> replicas = new ArrayList<>();
    List<String> all = new ArrayList<>();
    try {
      for (int r = 0; r < 3; r++) {
        Replica replica = Replica.start(redis, "bench-all", "r" + r);
        replicas.add(replica);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < perReplica; i++) {
          names.add("r" + r + "-agent-" + i);
        }
        replica.agents(names, echo(), QUICK_HANDLERS);
        all.addAll(names);
      }
      replicas.get(0).awaitListed(all);
      report("call-all, 3 replicas x " + perReplica, callAll(replicas.get(0).clients(), all.size()));
    } finally {
      for (Replica replica : replicas) {
        replica.close();
      }
    }
  }

  private static void callAllOnOneController(int agents) throws Exception {
    Clients clients = Clients.create();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(StreamServer.newBuilder(clients).build())
            .build()
            .start();
    List<ManagedChannel> channels = new ArrayList<>();
    List<StreamClient> clientsOfAgents = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try {
      for (int i = 0; i < agents; i++) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        channels.add(channel);
        names.add("agent-" + i);
        clientsOfAgents.add(QUICK_HANDLERS.apply(StreamClient.newBuilder(channel, "agent-" + i, echo())).start());
      }
      clients.awaitConnected(names, Waits.WAIT.multipliedBy(4));
      report("call-all, 1 controller x " + agents, callAll(clients, agents));
    } finally {
      clientsOfAgents.forEach(StreamClient::close);
      channels.forEach(ManagedChannel::shutdownNow);
      clients.close();
      server.shutdownNow();
    }
  }

  private static long[] callAll(Clients clients, int expected) throws Exception {
    int warmUp = 20;
    int measured = 40;
    long[] took = new long[measured];
    StringValue request = StringValue.of("0123456789".repeat(10));
    for (int i = 0; i < warmUp + measured; i++) {
      long start = System.nanoTime();
      List<Result<StringValue>> results =
          clients.callAll(request, StringValue.parser(), Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
      long elapsed = System.nanoTime() - start;
      long answered = results.stream().filter(r -> r.outcome() == Result.Outcome.ANSWERED).count();
      if (answered != expected) {
        throw new AssertionError(answered + " of " + expected + " answered");
      }
      if (i >= warmUp) {
        took[i - warmUp] = elapsed;
      }
    }
    return took;
  }

  private static void report(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf("%s: n=%d p50=%.1f us p99=%.1f us%n",
        what, sorted.length, sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3);
  }
}
