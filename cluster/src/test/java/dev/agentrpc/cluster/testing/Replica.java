package dev.agentrpc.cluster.testing;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.cluster.ClusterReplica;
import dev.agentrpc.cluster.redis.RedisDirectory;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** One controller replica over Netty on 127.0.0.1, an ephemeral port, and the agents dialing it. */
public final class Replica implements AutoCloseable {
  private final ClusterReplica replica;
  private final Server server;
  private final List<StreamClient> agents = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  private Replica(ClusterReplica replica, Server server) {
    this.replica = replica;
    this.server = server;
  }

  /** A replica named {@code id} in the cluster {@code prefix} of {@code redis}, with a short lease. */
  public static Replica start(RedisProcess redis, String prefix, String id) {
    return start(redis.uri(), prefix, id, Duration.ofMillis(1500));
  }

  /** A replica as {@link #start(RedisProcess, String, String)} starts, its Clients built by {@code clients}. */
  public static Replica start(RedisProcess redis, String prefix, String id, Clients.Builder clients) {
    return start(redis.uri(), prefix, id, Duration.ofMillis(1500), clients);
  }

  /** A replica as {@link #start(RedisProcess, String, String)} starts, its agents' transport configured by {@code server}. */
  public static Replica start(RedisProcess redis, String prefix, String id, UnaryOperator<StreamServer.Builder> server) {
    return start(redis.uri(), prefix, id, Duration.ofMillis(1500), Clients.newBuilder().defaultTimeout(Duration.ofSeconds(10)), server);
  }

  /** A replica named {@code id} in the cluster {@code prefix} of the Redis at {@code redisUri}. */
  public static Replica start(String redisUri, String prefix, String id, Duration lease) {
    return start(redisUri, prefix, id, lease, Clients.newBuilder().defaultTimeout(Duration.ofSeconds(10)));
  }

  private static Replica start(String redisUri, String prefix, String id, Duration lease, Clients.Builder clients) {
    return start(redisUri, prefix, id, lease, clients, UnaryOperator.identity());
  }

  private static Replica start(
      String redisUri,
      String prefix,
      String id,
      Duration lease,
      Clients.Builder clients,
      UnaryOperator<StreamServer.Builder> transport) {
    RedisDirectory directory =
        RedisDirectory.newBuilder(redisUri)
            .keyPrefix(prefix)
            .lease(lease)
            .commandTimeout(Duration.ofSeconds(1))
            .maxReconnectDelay(Duration.ofMillis(200))
            .build();
    ClusterReplica replica =
        ClusterReplica.newBuilder(directory).id(id).clients(clients).build();
    Server server;
    try {
      server =
          ClusterReplica.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
              .addService(transport.apply(StreamServer.newBuilder(replica.clients())).build())
              .addService(replica.peerService())
              .build()
              .start();
    } catch (IOException e) {
      replica.close();
      throw new UncheckedIOException(e);
    }
    replica.start("127.0.0.1:" + server.getPort());
    return new Replica(replica, server);
  }

  public ClusterReplica replica() {
    return replica;
  }

  public Clients clients() {
    return replica.clients();
  }

  public int port() {
    return server.getPort();
  }

  /** Starts an agent named {@code name} dialing this replica and waits until it joined here. */
  public StreamClient agent(String name, HandlerRegistry registry) {
    return agent(name, registry, UnaryOperator.identity());
  }

  public StreamClient agent(String name, HandlerRegistry registry, UnaryOperator<StreamClient.Builder> options) {
    StreamClient agent = dial(name, registry, options);
    try {
      clients().awaitConnected(List.of(name), Waits.WAIT);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return agent;
  }

  /** Starts an agent named {@code name} dialing this replica, without waiting for it to join. */
  public StreamClient dial(String name, HandlerRegistry registry, UnaryOperator<StreamClient.Builder> options) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
    channels.add(channel);
    StreamClient agent =
        options
            .apply(
                StreamClient.newBuilder(channel, name, registry)
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                    .labels(Map.of("replica", replica.id())))
            .start();
    agents.add(agent);
    return agent;
  }

  /** Starts agents named {@code names} dialing this replica, each on a channel of its own, and waits until all joined. */
  public void agents(List<String> names, HandlerRegistry registry, UnaryOperator<StreamClient.Builder> options) {
    for (String name : names) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
      channels.add(channel);
      agents.add(options.apply(StreamClient.newBuilder(channel, name, registry)).start());
    }
    try {
      clients().awaitConnected(names, Waits.WAIT.multipliedBy(4));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until this replica lists every one of {@code names} (here or elsewhere). */
  public void awaitListed(List<String> names) {
    Waits.until(
        replica.id() + " listing " + names,
        Waits.WAIT,
        () -> clients().list().stream().map(c -> c.name()).toList().containsAll(names),
        () -> "listed: " + clients().list().stream().map(c -> c.name()).toList());
  }

  @Override
  public void close() throws InterruptedException {
    for (StreamClient agent : agents) {
      agent.close();
    }
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
    }
    replica.close();
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }
}
