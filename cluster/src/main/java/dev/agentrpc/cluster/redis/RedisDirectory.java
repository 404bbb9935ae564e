package dev.agentrpc.cluster.redis;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.agentrpc.cluster.Directory;
import dev.agentrpc.cluster.DirectoryEntry;
import dev.agentrpc.cluster.DirectorySnapshot;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Directory} in one Redis server (standalone, or the primary of a replicated pair),
 * through Lettuce.
 *
 * <p>Under the key prefix (by default {@code agentrpc}) it keeps: a set of replica ids
 * ({@code :replicas}); per replica, its peer address ({@code :replica:<id>}) and a hash of
 * the clients it holds ({@code :clients:<id>}), both expiring after the lease unless renewed;
 * the fencing epoch of every client name ever registered ({@code :epochs}, a hash that
 * grows with the number of distinct names); and a pub/sub channel of joins and leaves
 * ({@code :events}). Registrations, releases and their events are Lua scripts, each atomic.
 * Requests and replies of calls never pass through Redis.
 */
public final class RedisDirectory implements Directory {
  private static final Logger logger = LoggerFactory.getLogger(RedisDirectory.class);
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private static final String RENEW =
      "local alive = redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
          + "if alive == 1 then\n"
          + "  redis.call('PEXPIRE', KEYS[2], ARGV[2])\n"
          + "  return 1\n"
          + "end\n"
          + "redis.call('DEL', KEYS[2])\n"
          + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
          + "redis.call('SADD', KEYS[3], ARGV[3])\n"
          + "return 0\n";

  private static final String REGISTER =
      "local epochs = {}\n"
          + "for i = 5, #ARGV, 2 do\n"
          + "  local epoch = redis.call('HINCRBY', KEYS[2], ARGV[i], 1)\n"
          + "  redis.call('HSET', KEYS[1], ARGV[i], epoch .. ' ' .. ARGV[i + 1])\n"
          + "  redis.call('PUBLISH', ARGV[1], 'J ' .. ARGV[2] .. ' ' .. epoch .. ' ' .. ARGV[3] .. ' ' .. ARGV[i + 1])\n"
          + "  epochs[#epochs + 1] = epoch\n"
          + "end\n"
          + "redis.call('PEXPIRE', KEYS[1], ARGV[4])\n"
          + "return epochs\n";

  private static final String RELEASE =
      "local v = redis.call('HGET', KEYS[1], ARGV[3])\n"
          + "if v and string.sub(v, 1, #ARGV[4] + 1) == ARGV[4] .. ' ' then\n"
          + "  redis.call('HDEL', KEYS[1], ARGV[3])\n"
          + "  redis.call('PUBLISH', ARGV[1], 'L ' .. ARGV[2] .. ' ' .. ARGV[4] .. ' ' .. ARGV[3])\n"
          + "  return 1\n"
          + "end\n"
          + "return 0\n";

  private final RedisURI uri;
  private final String prefix;
  private final Duration lease;
  private final Duration commandTimeout;
  private final RedisClient client;
  private final ClientResources resources;
  private volatile String replicaId;
  private volatile String address;
  private volatile Listener listener;
  private volatile StatefulRedisConnection<String, byte[]> connection;
  private volatile StatefulRedisPubSubConnection<String, byte[]> pubSub;
  private volatile boolean wasDisconnected;
  private CompletableFuture<Void> connecting; // guarded by this
  private volatile boolean closed;

  private RedisDirectory(Builder builder) {
    this.uri = builder.uri;
    this.prefix = builder.prefix;
    this.lease = builder.lease;
    this.commandTimeout = builder.commandTimeout;
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(1)
            .reconnectDelay(Delay.exponential(Duration.ofMillis(50), builder.maxReconnectDelay, 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(10_000)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(commandTimeout)
                    .keepAlive(true)
                    .build())
            .build());
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress remote) {
            if (handler == connection && wasDisconnected) {
              wasDisconnected = false;
              logger.info("Redis at {} is reachable again", describeUri());
              Listener l = listener;
              if (l != null) {
                l.onReconnected();
              }
            }
          }

          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
            if (handler == connection && !closed) {
              wasDisconnected = true;
              logger.warn("lost the connection to Redis at {}; reconnecting", describeUri());
            }
          }
        });
  }

  /** A directory in the Redis server at {@code uri} ({@code redis://host:port}), with the default options. */
  public static RedisDirectory create(String uri) {
    return newBuilder(uri).build();
  }

  /** A builder of a directory in the Redis server at {@code uri} ({@code redis://host:port}). */
  public static Builder newBuilder(String uri) {
    return new Builder(RedisURI.create(Objects.requireNonNull(uri, "uri")));
  }

  @Override
  public Duration lease() {
    return lease;
  }

  @Override
  public String describe() {
    return "the cluster directory (Redis at " + describeUri() + ")";
  }

  private String describeUri() {
    return uri.getHost() + ":" + uri.getPort();
  }

  @Override
  public void start(String replicaId, String address, Listener listener) {
    this.replicaId = Objects.requireNonNull(replicaId, "replicaId");
    this.address = Objects.requireNonNull(address, "address");
    this.listener = Objects.requireNonNull(listener, "listener");
    connect();
  }

  /** Connects both connections unless connected or connecting; Lettuce reconnects them after. */
  private synchronized CompletableFuture<Void> connect() {
    if (connection != null && pubSub != null) {
      return CompletableFuture.completedFuture(null);
    }
    if (connecting != null) {
      return connecting;
    }
    CompletableFuture<Void> attempt = new CompletableFuture<>();
    connecting = attempt;
    CompletableFuture<StatefulRedisConnection<String, byte[]>> commands =
        connection != null ? CompletableFuture.completedFuture(connection) : client.connectAsync(CODEC, uri).toCompletableFuture();
    commands
        .thenCompose(
            c -> {
              connection = c;
              return pubSub != null ? CompletableFuture.completedFuture(pubSub) : subscribe();
            })
        .whenComplete(
            (p, failure) -> {
              synchronized (this) {
                connecting = null;
              }
              if (failure != null) {
                attempt.completeExceptionally(failure);
              } else {
                pubSub = p;
                attempt.complete(null);
              }
            });
    return attempt;
  }

  private CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> subscribe() {
    return client.connectPubSubAsync(CODEC, uri).toCompletableFuture()
        .thenCompose(
            p -> {
              p.addListener(
                  new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, byte[] message) {
                      onEvent(message);
                    }
                  });
              return p.async().subscribe(key("events")).toCompletableFuture().thenApply(ignored -> p);
            });
  }

  private void onEvent(byte[] message) {
    Listener l = listener;
    try {
      // "J <replica> <epoch> <address> <entry bytes>" or "L <replica> <epoch> <name>"
      int first = indexOf(message, 2);
      int second = indexOf(message, first + 1);
      String replica = new String(message, 2, first - 2, StandardCharsets.UTF_8);
      long epoch = Long.parseLong(new String(message, first + 1, second - first - 1, StandardCharsets.US_ASCII));
      if (replica.equals(replicaId)) {
        return; // this replica's own
      }
      if (message[0] == 'J') {
        int third = indexOf(message, second + 1);
        String at = new String(message, second + 1, third - second - 1, StandardCharsets.UTF_8);
        l.onRegistered(decode(replica, epoch, message, third + 1), at);
      } else if (message[0] == 'L') {
        l.onReleased(replica, new String(message, second + 1, message.length - second - 1, StandardCharsets.UTF_8), epoch);
      }
    } catch (RuntimeException | InvalidProtocolBufferException e) {
      logger.warn("ignored a malformed directory event on {}: {}", key("events"), e.toString());
    }
  }

  private static int indexOf(byte[] message, int from) {
    for (int i = from; i < message.length; i++) {
      if (message[i] == ' ') {
        return i;
      }
    }
    throw new IllegalArgumentException("no separator");
  }

  private static DirectoryEntry decode(String replica, long epoch, byte[] bytes, int offset)
      throws InvalidProtocolBufferException {
    dev.agentrpc.cluster.proto.v1.DirectoryEntry stored =
        dev.agentrpc.cluster.proto.v1.DirectoryEntry.parseFrom(
            com.google.protobuf.ByteString.copyFrom(bytes, offset, bytes.length - offset));
    return new DirectoryEntry(
        stored.getName(),
        replica,
        epoch,
        stored.getIdentity(),
        stored.getLabelsMap(),
        Instant.ofEpochMilli(stored.getJoinedAtMillis()));
  }

  private static byte[] encode(DirectoryEntry entry) {
    return dev.agentrpc.cluster.proto.v1.DirectoryEntry.newBuilder()
        .setName(entry.name())
        .setIdentity(entry.identity())
        .putAllLabels(entry.labels())
        .setJoinedAtMillis(entry.joinedAt().toEpochMilli())
        .build()
        .toByteArray();
  }

  private String key(String suffix) {
    return prefix + ":" + suffix;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The command API, or a stage failed with why there is none. */
  private CompletionStage<RedisAsyncCommands<String, byte[]>> commands() {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the directory is closed"));
    }
    StatefulRedisConnection<String, byte[]> c = connection;
    if (c != null && pubSub != null) {
      return CompletableFuture.completedFuture(c.async());
    }
    return connect().thenApply(ignored -> connection.async());
  }

  @Override
  public CompletionStage<Boolean> renew() {
    String id = replicaId;
    return commands()
        .thenCompose(
            redis ->
                redis.<Long>eval(
                    RENEW,
                    ScriptOutputType.INTEGER,
                    new String[] {key("replica:" + id), key("clients:" + id), key("replicas")},
                    bytes(address),
                    bytes(Long.toString(lease.toMillis())),
                    bytes(id)))
        .thenApply(alive -> alive == 1L);
  }

  @Override
  public CompletionStage<List<Long>> register(List<DirectoryEntry> entries) {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    String id = replicaId;
    byte[][] args = new byte[4 + 2 * entries.size()][];
    args[0] = bytes(key("events"));
    args[1] = bytes(id);
    args[2] = bytes(address);
    args[3] = bytes(Long.toString(lease.toMillis()));
    for (int i = 0; i < entries.size(); i++) {
      args[4 + 2 * i] = bytes(entries.get(i).name());
      args[5 + 2 * i] = encode(entries.get(i));
    }
    return commands()
        .thenCompose(
            redis ->
                redis.<List<Long>>eval(
                    REGISTER,
                    ScriptOutputType.MULTI,
                    new String[] {key("clients:" + id), key("epochs")},
                    args))
        .thenApply(List::copyOf);
  }

  @Override
  public CompletionStage<Boolean> release(String name, long epoch) {
    String id = replicaId;
    return commands()
        .thenCompose(
            redis ->
                redis.<Long>eval(
                    RELEASE,
                    ScriptOutputType.INTEGER,
                    new String[] {key("clients:" + id)},
                    bytes(key("events")),
                    bytes(id),
                    bytes(name),
                    bytes(Long.toString(epoch))))
        .thenApply(removed -> removed == 1L);
  }

  @Override
  public CompletionStage<DirectorySnapshot> snapshot() {
    return commands().thenCompose(this::snapshot);
  }

  private CompletionStage<DirectorySnapshot> snapshot(RedisAsyncCommands<String, byte[]> redis) {
    return redis
        .smembers(key("replicas"))
        .thenCompose(
            members -> {
              List<String> ids = new ArrayList<>();
              for (byte[] member : members) {
                ids.add(new String(member, StandardCharsets.UTF_8));
              }
              Map<String, CompletableFuture<byte[]>> addresses = new HashMap<>();
              Map<String, CompletableFuture<Map<String, byte[]>>> held = new HashMap<>();
              for (String id : ids) {
                addresses.put(id, redis.get(key("replica:" + id)).toCompletableFuture());
                held.put(id, redis.hgetall(key("clients:" + id)).toCompletableFuture());
              }
              List<CompletableFuture<?>> all = new ArrayList<>(addresses.values());
              all.addAll(held.values());
              return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                  .thenApply(ignored -> assemble(redis, ids, addresses, held));
            });
  }

  private DirectorySnapshot assemble(
      RedisAsyncCommands<String, byte[]> redis,
      List<String> ids,
      Map<String, CompletableFuture<byte[]>> addresses,
      Map<String, CompletableFuture<Map<String, byte[]>>> held) {
    Map<String, String> replicas = new HashMap<>();
    List<DirectoryEntry> entries = new ArrayList<>();
    for (String id : ids) {
      byte[] at = addresses.get(id).join();
      if (at == null) {
        redis.srem(key("replicas"), bytes(id)); // its lease ran out: it is gone
        continue;
      }
      replicas.put(id, new String(at, StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> field : held.get(id).join().entrySet()) {
        byte[] value = field.getValue();
        try {
          int space = indexOf(value, 0);
          long epoch = Long.parseLong(new String(value, 0, space, StandardCharsets.US_ASCII));
          entries.add(decode(id, epoch, value, space + 1));
        } catch (RuntimeException | InvalidProtocolBufferException e) {
          logger.warn("ignored a malformed directory entry {} of {}: {}", field.getKey(), key("clients:" + id), e.toString());
        }
      }
    }
    return new DirectorySnapshot(replicas, entries);
  }

  @Override
  public boolean isAvailable() {
    StatefulRedisConnection<String, byte[]> c = connection;
    return !closed && c != null && c.isOpen() && pubSub != null;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    String id = replicaId;
    StatefulRedisConnection<String, byte[]> c = connection;
    if (id != null && c != null && c.isOpen()) {
      try {
        RedisAsyncCommands<String, byte[]> redis = c.async();
        redis.del(key("replica:" + id), key("clients:" + id));
        redis.srem(key("replicas"), bytes(id)).get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        logger.warn("could not remove replica {} from {}: {}", id, describe(), e.toString());
      }
    }
    closed = true;
    client.shutdown(Duration.ZERO, commandTimeout);
    resources.shutdown(0, commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Options of a {@link RedisDirectory}. */
  public static final class Builder {
    private final RedisURI uri;
    private String prefix = "agentrpc";
    private Duration lease = Duration.ofSeconds(10);
    private Duration commandTimeout = Duration.ofSeconds(2);
    private Duration maxReconnectDelay = Duration.ofSeconds(2);

    private Builder(RedisURI uri) {
      this.uri = uri;
    }

    /** The prefix of every key and channel (default {@code agentrpc}): one per cluster sharing a Redis. */
    public Builder keyPrefix(String prefix) {
      if (prefix.isEmpty() || prefix.contains(" ")) {
        throw new IllegalArgumentException("keyPrefix must be non-empty without spaces, was '" + prefix + "'");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * How long a replica's entries outlive its last lease renewal (default 10 s); the cluster
     * renews every third of it. At least 300 ms.
     */
    public Builder lease(Duration lease) {
      if (lease.compareTo(Duration.ofMillis(300)) < 0) {
        throw new IllegalArgumentException("lease must be at least 300 ms, was " + lease);
      }
      this.lease = lease;
      return this;
    }

    /** How long one Redis command or connection attempt may take (default 2 s). */
    public Builder commandTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("commandTimeout must be positive, was " + timeout);
      }
      this.commandTimeout = timeout;
      return this;
    }

    /** The longest wait between two attempts to reconnect to Redis (default 2 s). */
    public Builder maxReconnectDelay(Duration delay) {
      if (delay.isNegative() || delay.isZero()) {
        throw new IllegalArgumentException("maxReconnectDelay must be positive, was " + delay);
      }
      this.maxReconnectDelay = delay;
      return this;
    }

    /** The directory; it connects when the cluster starts it. */
    public RedisDirectory build() {
      return new RedisDirectory(this);
    }
  }
}
