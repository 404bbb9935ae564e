package dev.agentrpc.transport.stream;

import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.RateLimitedLog;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.server.identity.JoinPolicy;
import dev.agentrpc.server.identity.JoinRequest;
import dev.agentrpc.server.spi.Sessions;
import dev.agentrpc.transport.poll.PollExchange;
import dev.agentrpc.transport.poll.PollSessions;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLSession;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of the stream transport: a gRPC service that admits clients dialing in
 * over {@code agentrpc.v1.Coordinator/Connect} into {@link Clients}. The same service serves
 * {@code Coordinator/Poll}, the gRPC binding of the poll transports ({@link PollSessions}),
 * with the same TLS, interceptors and join policy.
 *
 * <p>Add it to any gRPC {@link io.grpc.Server}, best one set up with {@link #configure}: its
 * callbacks never block and run no user code (callers' futures complete on {@link Clients}'
 * callback executor), so it is served without a thread hop. One stream carries every call
 * to an agent, and a thread hand-off per message caps a stream near 10k messages/s.
 *
 * <pre>{@code
 * Clients clients = Clients.create();
 * Server server = StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
 *     .addService(StreamServer.newBuilder(clients).build())
 *     .build().start();
 * }</pre>
 */
public final class StreamServer implements BindableService {
  private static final Logger logger = LoggerFactory.getLogger(StreamServer.class);
  private static final RateLimitedLog rateLimited = new RateLimitedLog(logger);
  private static final Context.Key<Peer<?, ?>> PEER = Context.key("agentrpc-peer");

  private final Clients clients;
  private final long helloTimeoutNanos;
  private final HealthStatusManager health;
  private final StreamAdmission admission;
  private final JoinPolicy joinPolicy;
  private final PollSessions pollSessions;

  private StreamServer(Builder builder) {
    this.clients = builder.clients;
    this.helloTimeoutNanos = Durations.toNanos(builder.helloTimeout);
    this.health = builder.health;
    this.admission = new StreamAdmission(builder.maxStreamsPerConnection, builder.maxStreamsAwaitingHello);
    this.joinPolicy = builder.joinPolicy;
    this.pollSessions =
        builder.pollSessions != null
            ? builder.pollSessions
            : PollSessions.newBuilder(clients).joinPolicy(joinPolicy).build();
    if (JoinPolicies.isAnyName(joinPolicy)) {
      logger.warn(
          "agents' names are self-asserted: anyone who can reach this server can join as, and"
              + " replace, any agent. Set StreamServer.Builder.joinPolicy (mTLS certificate"
              + " names, bearer tokens) unless the network is trusted; see SECURITY.md");
    }
  }

  /** How often the server pings an agent whose connection carried nothing, by default. */
  public static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);
  /** How long the server waits for a ping's answer before closing the connection. */
  public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Applies the stream transport's recommended settings to a gRPC server builder:
   *
   * <ul>
   *   <li>the Connect stream is served without a thread hop per message (its callbacks never
   *       block and run no user code), while the server's other services keep the server's
   *       executor. This sets the builder's {@code callExecutor}; setting it again after
   *       this call replaces it;
   *   <li>keepalive: the server pings an agent whose connection was idle for {@link
   *       #KEEPALIVE_TIME} and closes the connection when no answer comes within {@link
   *       #KEEPALIVE_TIMEOUT}, so a dead agent is noticed within 15 s and its pending calls
   *       fail UNAVAILABLE; and it permits the agents' own pings ({@link
   *       StreamClient#configure});
   *   <li>on grpc-netty-shaded's {@code NettyServerBuilder} (grpc-java 1.85 or newer): the
   *       headers that accept an agent's stream are sent as HPACK never-indexed literals, as
   *       {@code neverIndexMetadataKeys} does. A stream's headers go out once, so indexing
   *       them only kept table entries alive for the connection's life; the server's other
   *       calls (long polls, your services) send those headers a few dozen bytes longer.
   * </ul>
   *
   * <pre>{@code
   * Server server = StreamServer.configure(NettyServerBuilder.forPort(7000))
   *     .addService(StreamServer.newBuilder(clients).build())
   *     .build().start();
   * }</pre>
   *
   * @return {@code builder}
   */
  public static <T extends ServerBuilder<T>> T configure(T builder) {
    HeaderIndexing.offFor(builder);
    return builder
        .callExecutor(new DirectForConnect())
        .keepAliveTime(KEEPALIVE_TIME.toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(KEEPALIVE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)
        .permitKeepAliveTime(StreamClient.KEEPALIVE_TIME.toNanos() / 2, TimeUnit.NANOSECONDS)
        .permitKeepAliveWithoutCalls(true);
  }

  /** Serves the Connect stream on the transport's thread; other calls as the server would. */
  private static final class DirectForConnect implements ServerCallExecutorSupplier {
    private static final Executor DIRECT = Runnable::run;

    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
      return CoordinatorGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())
          ? DIRECT
          : null;
    }
  }

  /** A builder of the service admitting clients into {@code clients}. */
  public static Builder newBuilder(Clients clients) {
    return new Builder(clients);
  }

  @Override
  public ServerServiceDefinition bindService() {
    if (health != null) {
      health.setStatus(CoordinatorGrpc.SERVICE_NAME, ServingStatus.SERVING);
      Sessions.whenClosed(
          clients, () -> health.setStatus(CoordinatorGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING));
    }
    MethodDescriptor<ClientToServer, ServerToClient> connect = CoordinatorGrpc.getConnectMethod();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(CoordinatorGrpc.SERVICE_NAME)
            .addMethod(
                connect.toBuilder(
                        new TolerantMarshaller(connect.getRequestMarshaller()),
                        connect.getResponseMarshaller())
                    .build(),
                ServerCalls.asyncBidiStreamingCall(
                    responses -> open((ServerCallStreamObserver<ServerToClient>) responses)))
            .addMethod(
                CoordinatorGrpc.getPollMethod(),
                ServerCalls.asyncUnaryCall(
                    (request, answer) -> poll(request, (ServerCallStreamObserver<PollResponse>) answer)))
            .build();
    return ServerInterceptors.intercept(service, new PeerInterceptor());
  }

  private StreamObserver<ClientToServer> open(ServerCallStreamObserver<ServerToClient> responses) {
    Peer<?, ?> peer = PEER.get();
    StatusRuntimeException refused = admission.admit(peer.address);
    if (refused != null) {
      rateLimited.warn(
          "admission",
          "refused a Connect stream from " + peer.address + ": " + refused.getStatus().getDescription());
      responses.onError(refused);
      return new Ignored();
    }
    return new ServerConnection(clients, responses, helloTimeoutNanos, admission, joinPolicy, peer);
  }

  /** One poll over gRPC: a unary call answered when its session says so. */
  private void poll(PollRequest request, ServerCallStreamObserver<PollResponse> answer) {
    Peer<?, ?> peer = PEER.get();
    PollSessions.Pending pending =
        pollSessions.poll(
            request,
            peer::joinRequest,
            new PollExchange() {
              @Override
              public void answer(PollResponse response) {
                if (!answer.isCancelled()) {
                  answer.onNext(response);
                  answer.onCompleted();
                }
              }

              @Override
              public void fail(Status status) {
                if (!answer.isCancelled()) {
                  answer.onError(status.asRuntimeException());
                }
              }
            });
    answer.setOnCancelHandler(pending::abandon);
  }

  /**
   * What the transport knows of the client of one stream, for admission and the join policy;
   * also the stream's call, which marks its response headers ({@link JoinAcknowledgement}).
   * One object per stream: a controller holds one per agent.
   */
  static final class Peer<Q, R> extends JoinAcknowledgement.ServerSide<Q, R> {
    final SocketAddress address;
    private volatile SSLSession sslSession;
    private volatile Metadata headers;

    Peer(ServerCall<Q, R> call, Metadata headers) {
      super(call);
      this.address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      this.sslSession = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      this.headers = headers;
    }

    /**
     * What the join policy decides on; called once, at Hello. The headers and TLS session
     * are let go of then: a joined connection holds on only to its address.
     */
    JoinRequest joinRequest(String name) {
      JoinRequest request = new JoinRequest(name, address, sslSession, headers);
      sslSession = null;
      headers = null;
      return request;
    }
  }

  /**
   * Makes the stream's peer visible to {@link #open} and {@link #poll}. A Connect handler
   * runs within {@code startCall}, so the peer is visible only while it starts: the call's
   * listener is not wrapped, and no Context is kept per connection. A Poll handler runs once
   * its request came, in a later callback, so its listener runs in the peer's Context.
   */
  private static final class PeerInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      Peer<Q, R> peer = new Peer<>(call, headers);
      Context withPeer = Context.current().withValue(PEER, peer);
      if (call.getMethodDescriptor().getType().clientSendsOneMessage()) {
        return Contexts.interceptCall(withPeer, peer, headers, next);
      }
      Context previous = withPeer.attach();
      try {
        return next.startCall(peer, headers);
      } finally {
        withPeer.detach(previous);
      }
    }
  }

  /** The inbound half of a refused stream. */
  private static final class Ignored implements StreamObserver<ClientToServer> {
    @Override
    public void onNext(ClientToServer value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  /** How many Connect streams may wait for their Hello at once, unless set. */
  public static final int DEFAULT_MAX_STREAMS_AWAITING_HELLO = 16_384;

  /** Options of a {@link StreamServer}. */
  public static final class Builder {
    private final Clients clients;
    private Duration helloTimeout = Duration.ofSeconds(10);
    private HealthStatusManager health;
    private int maxStreamsPerConnection = 4;
    private int maxStreamsAwaitingHello = DEFAULT_MAX_STREAMS_AWAITING_HELLO;
    private JoinPolicy joinPolicy = JoinPolicies.anyName();
    private PollSessions pollSessions;

    private Builder(Clients clients) {
      this.clients = Objects.requireNonNull(clients, "clients");
    }

    /**
     * How long a new connection may take to say Hello before it is closed with
     * DEADLINE_EXCEEDED; 10 seconds unless set.
     */
    public Builder helloTimeout(Duration timeout) {
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("helloTimeout must be positive, was " + timeout);
      }
      this.helloTimeout = timeout;
      return this;
    }

    /**
     * Who may join, and as which identity: {@link JoinPolicies#certificateNames()} (mTLS),
     * {@link JoinPolicies#bearerTokens}, or your own. {@link JoinPolicies#anyName()} unless
     * set, which trusts every name a client says and logs a WARN when the service is built.
     */
    public Builder joinPolicy(JoinPolicy policy) {
      this.joinPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The poll sessions that {@code Coordinator/Poll} serves, to share them with another
     * binding (the HTTP/1.1 servlet) or to set their options. Unless set, sessions of this
     * builder's Clients with its join policy and the default options.
     */
    public Builder pollSessions(PollSessions sessions) {
      this.pollSessions = Objects.requireNonNull(sessions, "sessions");
      return this;
    }

    /**
     * How many Connect streams one connection (one remote address) may have open at once;
     * a stream beyond is refused with RESOURCE_EXHAUSTED. An agent needs one. 4 unless set.
     */
    public Builder maxStreamsPerConnection(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxStreamsPerConnection must be at least 1, was " + max);
      }
      this.maxStreamsPerConnection = max;
      return this;
    }

    /**
     * How many Connect streams may be open without having said Hello yet, over all
     * connections; a stream beyond is refused with RESOURCE_EXHAUSTED, and its agent told to
     * retry in about 100 ms. {@value StreamServer#DEFAULT_MAX_STREAMS_AWAITING_HELLO} unless set.
     *
     * <p>In a join storm (every agent redialing a restarted controller) streams wait for their
     * Hello while the controller works through the connections ahead of them, so the bound is
     * sized for a fleet of that many agents rejoining at once. A silent stream waiting for its
     * Hello holds about 4 KiB, one that sends an unfinished Hello what it sent (up to the
     * inbound message limit), for at most {@link #helloTimeout}; lower the bound on a
     * controller with little memory, raise it for a larger fleet.
     */
    public Builder maxStreamsAwaitingHello(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxStreamsAwaitingHello must be at least 1, was " + max);
      }
      this.maxStreamsAwaitingHello = max;
      return this;
    }

    /**
     * Marks {@code agentrpc.v1.Coordinator} SERVING in {@code health} once bound, and
     * NOT_SERVING once its Clients is closed.
     */
    public Builder healthStatusManager(HealthStatusManager health) {
      this.health = Objects.requireNonNull(health, "health");
      return this;
    }

    /** The service, ready to add to a server. */
    public StreamServer build() {
      return new StreamServer(this);
    }
  }
}
