package dev.agentrpc.cluster;

import dev.agentrpc.cluster.peer.PeerChannels;
import dev.agentrpc.cluster.peer.PeerService;
import dev.agentrpc.cluster.proto.v1.PeerGrpc;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.BindableService;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller replica of a cluster: a {@link Clients} through which any client connected to
 * any replica can be called, and the peer service the other replicas forward their calls
 * through.
 *
 * <pre>{@code
 * ClusterReplica replica = ClusterReplica.newBuilder(RedisDirectory.create("redis://redis:6379")).build();
 * Server server = ClusterReplica.configure(NettyServerBuilder.forPort(7000))
 *     .addService(StreamServer.newBuilder(replica.clients()).build())
 *     .addService(replica.peerService())
 *     .build().start();
 * replica.start("10.0.0.5:7000"); // where the other replicas reach this server
 * AgentFunctionsProxy agents = AgentFunctionsProxy.of(replica.clients()); // as with one controller
 * }</pre>
 *
 * <p>A client that joins this replica is recorded in the {@link Directory} under a fencing
 * epoch; if it connects to another replica later, the newer connection wins and this replica
 * closes its own. Calls to clients held elsewhere go to their replica over gRPC, with the
 * caller's deadline and cancellation; call-alls and fan-outs span every replica. When the
 * directory is unreachable, clients connected here stay callable and calls to other
 * replicas' clients fail UNAVAILABLE; when it returns, this replica registers its clients
 * again and rereads the directory.
 *
 * <p>Bounds: a replica renews its lease every third of {@link Directory#lease()} and rereads
 * the whole directory as often; the entries of a replica that died disappear from the store
 * within the lease, and from the other replicas' view within the lease plus one such period.
 * A client of a dead replica is callable again as soon as it has reconnected to another.
 */
public final class ClusterReplica implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ClusterReplica.class);

  private final String id;
  private final Directory directory;
  private final Clients clients;
  private final PeerChannels peers;
  private final PeerService peerService;
  private final ScheduledThreadPoolExecutor thread;
  private final Replication replication;
  private boolean started;

  private ClusterReplica(Builder builder) {
    this.id = builder.id;
    this.directory = builder.directory;
    this.peers = new PeerChannels(builder.credentials, builder.configureChannel);
    this.thread =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread t = new Thread(task, "agentrpc-cluster-" + builder.id);
              t.setDaemon(true);
              return t;
            });
    thread.setRemoveOnCancelPolicy(true);
    Duration tick = directory.lease().dividedBy(3);
    this.replication = new Replication(id, directory, peers, thread, tick);
    this.clients = builder.clients.remote(replication).build();
    replication.bind(clients);
    this.peerService = new PeerService(clients, id);
  }

  /**
   * Configures a replica's server builder for agents and peers: {@link
   * StreamServer#configure}'s keepalive and direct Connect streams, and forwarded calls served
   * on the transport's thread too (the peer service never blocks and runs no user code), while
   * the server's other services keep its executor. Sets the builder's {@code callExecutor}.
   *
   * @return {@code builder}
   */
  public static <T extends ServerBuilder<T>> T configure(T builder) {
    return StreamServer.configure(builder).callExecutor(new DirectForAgentsAndPeers());
  }

  /** Serves the agents' Connect streams and the peers' forwarded calls on the transport's thread. */
  private static final class DirectForAgentsAndPeers implements ServerCallExecutorSupplier {
    private static final Executor DIRECT = Runnable::run;

    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
      String service = call.getMethodDescriptor().getServiceName();
      return CoordinatorGrpc.SERVICE_NAME.equals(service) || PeerGrpc.SERVICE_NAME.equals(service) ? DIRECT : null;
    }
  }

  /** A builder of a replica whose cluster directory is {@code directory}. */
  public static Builder newBuilder(Directory directory) {
    return new Builder(directory);
  }

  /** This replica's id in the directory. */
  public String id() {
    return id;
  }

  /** The Clients to call through: this replica's clients and every other replica's. */
  public Clients clients() {
    return clients;
  }

  /** The service to add to this replica's gRPC server, beside the agents' transport. */
  public BindableService peerService() {
    return peerService;
  }

  /**
   * Joins the cluster: records this replica in the directory, with {@code advertisedAddress}
   * ({@code host:port}, or any gRPC target) as where the other replicas reach its {@link
   * #peerService()}, and registers its clients. Returns at once; while the directory is
   * unreachable the replica keeps trying.
   */
  public synchronized void start(String advertisedAddress) {
    Objects.requireNonNull(advertisedAddress, "advertisedAddress");
    if (advertisedAddress.contains(" ")) {
      throw new IllegalArgumentException("advertisedAddress has no spaces, was '" + advertisedAddress + "'");
    }
    if (started) {
      throw new IllegalStateException("replica " + id + " was already started");
    }
    started = true;
    replication.start(advertisedAddress);
    logger.info("cluster replica {} started at {} with {}", id, advertisedAddress, directory.describe());
  }

  /**
   * Calls {@code listener} on every join and leave anywhere in the cluster from now on, as the
   * directory tells them, until the returned subscription is closed. Clients already connected are
   * not replayed; {@link Clients#list()} lists them.
   */
  public Clients.Subscription subscribe(ClusterListener listener) {
    return replication.subscribe(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Whether the directory is reachable and was read since it last was not: only then are
   * clients of other replicas callable from here.
   */
  public boolean isDirectoryAvailable() {
    return replication.isAvailable();
  }

  /**
   * Leaves the cluster: closes the Clients (its clients' pending calls fail), removes this
   * replica from the directory, and closes the channels to the other replicas.
   */
  @Override
  public void close() {
    clients.close();
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    directory.close();
    peers.close();
  }

  /** Options of a {@link ClusterReplica}. */
  public static final class Builder {
    private final Directory directory;
    private String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private Clients.Builder clients = Clients.newBuilder();
    private ChannelCredentials credentials = InsecureChannelCredentials.create();
    private UnaryOperator<ManagedChannelBuilder<?>> configureChannel = UnaryOperator.identity();

    private Builder(Directory directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** This replica's id in the directory (default: random); unique in the cluster, without spaces. */
    public Builder id(String id) {
      if (id.isEmpty() || id.contains(" ")) {
        throw new IllegalArgumentException("id must be non-empty without spaces, was '" + id + "'");
      }
      this.id = id;
      return this;
    }

    /**
     * The options of the {@link Clients} (timeouts, bounds, executors); {@code remote} is
     * set by the replica.
     */
    public Builder clients(Clients.Builder clients) {
      this.clients = Objects.requireNonNull(clients, "clients");
      return this;
    }

    /**
     * The credentials of the channels to the other replicas' peer services: the same TLS as
     * the agents' (default: plaintext, for tests and private networks only).
     */
    public Builder peerCredentials(ChannelCredentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** Further options of the channels to the other replicas, applied before each is built. */
    public Builder configurePeerChannels(UnaryOperator<ManagedChannelBuilder<?>> configure) {
      this.configureChannel = Objects.requireNonNull(configure, "configure");
      return this;
    }

    /** The replica; it joins the cluster at {@link ClusterReplica#start}. */
    public ClusterReplica build() {
      return new ClusterReplica(this);
    }
  }
}
