package dev.agentrpc.transport.poll;

import dev.agentrpc.internal.ClientNames;
import dev.agentrpc.internal.Durations;
import dev.agentrpc.internal.RateLimitedLog;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.identity.JoinDecision;
import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.server.identity.JoinPolicy;
import dev.agentrpc.server.identity.JoinRequest;
import dev.agentrpc.server.spi.ClientSession;
import dev.agentrpc.server.spi.Sessions;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's poll session core, shared by every binding of the poll transports (the
 * {@code Poll} rpc, the HTTP/1.1 servlet): admits clients into {@link Clients} on their first
 * poll and keeps their sessions between polls.
 *
 * <ul>
 *   <li>The first poll carries Hello; the join policy decides the identity, as for a stream,
 *       and the answer carries an unguessable session token. Every later poll carries the
 *       token, and the policy must admit the poll's peer as that same identity again.
 *   <li>A session with no poll for {@link Builder#liveness} ends: the client leaves and its
 *       pending calls fail UNAVAILABLE at once. A poll with {@code leave} ends it at once.
 *   <li>A poll asking for {@code max_wait} and carrying no responses is held until a command
 *       is queued, a newer poll arrives, or the wait ({@link Builder#maxWait} at most) ends;
 *       any other poll is answered at once.
 *   <li>Commands are numbered and sent again in every answer until acknowledged; responses
 *       are applied once each, in order, however often they arrive.
 * </ul>
 *
 * <p>Never blocks and runs no user code but the join policy; thread-safe.
 */
public final class PollSessions {
  private static final Logger logger = LoggerFactory.getLogger(PollSessions.class);
  private static final RateLimitedLog rateLimited = new RateLimitedLog(logger);

  /** What a binding calls when the peer of a poll went away before its answer. */
  @FunctionalInterface
  public interface Pending {
    /** The poll will never be read: the session stops holding it. Idempotent. */
    void abandon();
  }

  private static final Pending NONE = () -> {};

  private final Clients clients;
  private final JoinPolicy joinPolicy;
  private final long maxWaitNanos;
  private final long livenessNanos;
  private final int maxSessions;
  private final long maxAnswerBytes;
  private final SessionTokens tokens = new SessionTokens();
  private final ConcurrentHashMap<String, PollSession> sessions = new ConcurrentHashMap<>();

  private PollSessions(Builder builder) {
    this.clients = builder.clients;
    this.joinPolicy = builder.joinPolicy;
    this.maxWaitNanos = Durations.toNanos(builder.maxWait);
    this.livenessNanos = Durations.toNanos(builder.liveness);
    this.maxSessions = builder.maxSessions;
    this.maxAnswerBytes = builder.maxAnswerBytes;
  }

  /** A builder of the poll sessions of clients joining {@code clients}. */
  public static Builder newBuilder(Clients clients) {
    return new Builder(clients);
  }

  /** The join policy polls are admitted by. */
  public JoinPolicy joinPolicy() {
    return joinPolicy;
  }

  /** Sessions open now. */
  public int size() {
    return sessions.size();
  }

  /**
   * Takes one poll. The answer (or the failure) goes to {@code exchange}, at once or once the
   * poll is no longer held.
   *
   * @param peer what the binding knows of the poll's peer (address, TLS session, headers), as
   *     the join request for a given client name
   * @return what to call if the peer goes away before the answer
   */
  public Pending poll(PollRequest request, Function<String, JoinRequest> peer, PollExchange exchange) {
    if (request.hasHello()) {
      if (!request.getSession().isEmpty()) {
        exchange.fail(
            Status.INVALID_ARGUMENT.withDescription(
                "a poll carries Hello (the first of a session) or a session token, not both"));
        return NONE;
      }
      return join(request, peer, exchange);
    }
    if (request.getSession().isEmpty()) {
      exchange.fail(
          Status.INVALID_ARGUMENT.withDescription(
              "the first poll of a session carries Hello; every later one its session token"));
      return NONE;
    }
    PollSession session = sessions.get(request.getSession());
    if (session == null) {
      exchange.fail(unknownSession());
      return NONE;
    }
    Status refused = checkIdentity(session, peer);
    if (refused != null) {
      rateLimited.warn(
          "identity", "refused a poll for client '" + session.name() + "': " + refused.getDescription());
      exchange.fail(refused);
      return NONE;
    }
    return session.onPoll(request, exchange);
  }

  private Pending join(PollRequest request, Function<String, JoinRequest> peer, PollExchange exchange) {
    String name = request.getHello().getName();
    String problem = ClientNames.problem(name);
    if (problem != null) {
      refuse(name, Status.INVALID_ARGUMENT.withDescription(problem), exchange);
      return NONE;
    }
    JoinDecision decision = decide(peer.apply(name));
    if (!decision.isAdmitted()) {
      rateLimited.warn(
          "denied",
          "denied client '" + name + "': " + decision.denial().getCode() + " " + decision.denial().getDescription());
      refuse(name, decision.denial(), exchange);
      return NONE;
    }
    if (sessions.size() >= maxSessions) {
      refuse(
          name,
          Status.RESOURCE_EXHAUSTED.withDescription(
              maxSessions + " poll sessions are already open; retry later (PollSessions.Builder.maxSessions)"),
          exchange);
      return NONE;
    }
    String token = tokens.next();
    PollSession session = new PollSession(this, token, name, decision.identity());
    sessions.put(token, session);
    ClientSession joined;
    try {
      joined = Sessions.join(clients, request.getHello(), decision.identity(), session);
    } catch (StatusException e) {
      sessions.remove(token, session);
      rateLimited.info("refused", "refused a client: " + e.getStatus().getDescription());
      exchange.fail(e.getStatus());
      return NONE;
    }
    session.joined(joined);
    return session.onPoll(request, exchange);
  }

  /** Null if the poll's peer is the identity that joined the session, else why not. */
  private Status checkIdentity(PollSession session, Function<String, JoinRequest> peer) {
    JoinDecision decision = decide(peer.apply(session.name()));
    if (!decision.isAdmitted()) {
      return decision.denial();
    }
    if (!decision.identity().equals(session.identity())) {
      return Status.PERMISSION_DENIED.withDescription(
          "this session token belongs to another identity; a session is polled only by the"
              + " identity that joined it");
    }
    return null;
  }

  private void refuse(String name, Status status, PollExchange exchange) {
    Sessions.refused(clients, name, status);
    exchange.fail(status);
  }

  private JoinDecision decide(JoinRequest request) {
    try {
      return joinPolicy.decide(request);
    } catch (RuntimeException e) {
      logger.error("the join policy {} threw", joinPolicy, e);
      return JoinDecision.deny(Status.INTERNAL.withDescription("the server's join policy failed"));
    }
  }

  static Status unknownSession() {
    return Status.NOT_FOUND.withDescription(
        "no poll session with this token: it expired, was replaced or the server restarted;"
            + " poll with Hello to start a new one");
  }

  void remove(String token, PollSession session) {
    sessions.remove(token, session);
  }

  long maxWaitNanos() {
    return maxWaitNanos;
  }

  long livenessNanos() {
    return livenessNanos;
  }

  long livenessMillis() {
    return TimeUnit.NANOSECONDS.toMillis(livenessNanos);
  }

  long maxAnswerBytes() {
    return maxAnswerBytes;
  }

  /** Options of {@link PollSessions}. */
  public static final class Builder {
    private final Clients clients;
    private JoinPolicy joinPolicy = JoinPolicies.anyName();
    private Duration maxWait = Duration.ofSeconds(25);
    private Duration liveness = Duration.ofSeconds(15);
    private int maxSessions = 65_536;
    private long maxAnswerBytes = 1024 * 1024;

    private Builder(Clients clients) {
      this.clients = Objects.requireNonNull(clients, "clients");
    }

    /** Who may join, and as which identity, as {@code StreamServer.Builder.joinPolicy}. */
    public Builder joinPolicy(JoinPolicy policy) {
      this.joinPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The longest a poll is held waiting for a command; keep it below the idle timeouts of
     * the proxies on the way (often 30 to 100 s). 25 s unless set.
     */
    public Builder maxWait(Duration max) {
      this.maxWait = positive(max, "maxWait");
      return this;
    }

    /**
     * How long a session lives without a poll (counted from its last answer); then the client
     * leaves and its pending calls fail UNAVAILABLE. Keep it above a heartbeat client's
     * interval plus a round trip. 15 s unless set.
     */
    public Builder liveness(Duration liveness) {
      this.liveness = positive(liveness, "liveness");
      return this;
    }

    /** How many sessions may be open at once; a Hello beyond is refused RESOURCE_EXHAUSTED. 65,536 unless set. */
    public Builder maxSessions(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxSessions must be at least 1, was " + max);
      }
      this.maxSessions = max;
      return this;
    }

    /**
     * How many bytes of commands one answer carries (one command always fits); the rest wait
     * in the client's command queue, bounded as for a stream. 1 MiB unless set.
     */
    public Builder maxAnswerBytes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxAnswerBytes must be at least 1, was " + max);
      }
      this.maxAnswerBytes = max;
      return this;
    }

    /**
     * The sessions core. With {@link JoinPolicies#anyName()} names are self-asserted:
     * anyone who can reach a binding can join as, and replace, any agent.
     */
    public PollSessions build() {
      return new PollSessions(this);
    }

    private static Duration positive(Duration value, String what) {
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
      return value;
    }
  }
}
