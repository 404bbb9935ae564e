package dev.agentrpc.transport.stream;

import dev.agentrpc.internal.ClientNames;
import dev.agentrpc.internal.InlineSerializer;
import dev.agentrpc.internal.RateLimitedLog;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.spi.ClientSession;
import dev.agentrpc.server.spi.ClientSink;
import dev.agentrpc.server.identity.JoinDecision;
import dev.agentrpc.server.identity.JoinPolicy;
import dev.agentrpc.server.spi.Sessions;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of one Connect stream: admits the client on Hello, then relays responses
 * in and commands out. Inbound callbacks arrive serialised by gRPC; writes and closes run on
 * this connection's {@link InlineSerializer}.
 */
final class ServerConnection implements StreamObserver<ClientToServer>, ClientSink {
  private static final Logger logger = LoggerFactory.getLogger(ServerConnection.class);

  private static final RateLimitedLog rateLimited = new RateLimitedLog(logger);

  private final Clients clients;
  private final ServerCallStreamObserver<ServerToClient> stream;
  private final StreamAdmission admission;
  private final JoinPolicy joinPolicy;
  private final StreamServer.Peer<?, ?> peer;
  // Field updaters rather than atomic objects: a controller holds one connection per agent.
  private static final AtomicIntegerFieldUpdater<ServerConnection> AWAITING_HELLO =
      AtomicIntegerFieldUpdater.newUpdater(ServerConnection.class, "awaitingHello");
  private static final AtomicIntegerFieldUpdater<ServerConnection> ADMITTED =
      AtomicIntegerFieldUpdater.newUpdater(ServerConnection.class, "admitted");

  private volatile int awaitingHello = 1; // 1 until Hello came or the stream ended
  private volatile int admitted = 1; // 1 until the stream gave its admission places back
  private final InlineSerializer serializer = new InlineSerializer();
  private volatile ScheduledFuture<?> helloTimer; // null once Hello came or the stream ended
  private volatile ClientSession session;
  private volatile boolean closed; // no more writes, no more inbound
  private boolean streamEnded; // serializer only

  ServerConnection(
      Clients clients,
      ServerCallStreamObserver<ServerToClient> stream,
      long helloTimeoutNanos,
      StreamAdmission admission,
      JoinPolicy joinPolicy,
      StreamServer.Peer<?, ?> peer) {
    this.clients = clients;
    this.stream = stream;
    this.admission = admission;
    this.joinPolicy = joinPolicy;
    this.peer = peer;
    stream.setOnReadyHandler(this::onReady);
    stream.setOnCancelHandler(
        () -> end(Status.CANCELLED.withDescription("the client went away"), false));
    // gRPC ends a call itself, reaching neither onError nor the cancel handler, when a
    // message does not parse or a callback threw: the session must not outlive it.
    stream.setOnCloseHandler(
        () -> end(Status.UNAVAILABLE.withDescription("the stream was closed"), false));
    this.helloTimer =
        SharedTimer.get()
            .schedule(
                () -> {
                  if (session == null) {
                    end(
                        Status.DEADLINE_EXCEEDED.withDescription(
                            "no Hello within "
                                + TimeUnit.NANOSECONDS.toMillis(helloTimeoutNanos)
                                + " ms; a client must say Hello first"),
                        true);
                  }
                },
                helloTimeoutNanos,
                TimeUnit.NANOSECONDS);
  }

  @Override
  public void onNext(ClientToServer message) {
    if (closed) {
      return;
    }
    if (message == TolerantMarshaller.MALFORMED) {
      violation("a message that does not parse as agentrpc.v1.ClientToServer");
      return;
    }
    ClientSession current = session;
    switch (message.getMsgCase()) {
      case RESPONSE:
        if (current == null) {
          violation("the first message on a connection must be Hello");
        } else {
          current.onResponse(message.getResponse());
        }
        break;
      case HELLO:
        if (current != null) {
          violation("a second Hello on one connection; Hello is sent once, first");
        } else {
          onHello(message.getHello());
        }
        break;
      default:
        if (current == null) {
          violation("the first message on a connection must be Hello");
        } else {
          logger.debug("ignoring a ClientToServer message this version does not know");
        }
    }
  }

  @Override
  public void onError(Throwable t) {
    end(Status.fromThrowable(t), false);
  }

  @Override
  public void onCompleted() {
    end(Status.UNAVAILABLE.withDescription("the client closed its stream"), true);
  }

  @Override
  public Executor serializer() {
    return serializer;
  }

  @Override
  public boolean isReady() {
    return !closed && stream.isReady();
  }

  @Override
  public void write(ServerToClient command) {
    if (!closed) {
      stream.onNext(command);
    }
  }

  @Override
  public void close(Status status) {
    closed = true;
    stopHelloTimer();
    release();
    endStream(status);
  }

  private void onReady() {
    ClientSession current = session;
    if (current != null) {
      current.onReady();
    }
  }

  private void onHello(ClientToServer.Hello hello) {
    stopHelloTimer();
    helloDone();
    String problem = ClientNames.problem(hello.getName());
    if (problem != null) {
      Sessions.refused(clients, hello.getName(), Status.INVALID_ARGUMENT.withDescription(problem));
      violation(problem);
      return;
    }
    JoinDecision decision;
    try {
      decision = joinPolicy.decide(peer.joinRequest(hello.getName()));
    } catch (RuntimeException e) {
      logger.error("the join policy {} threw", joinPolicy, e);
      decision = JoinDecision.deny(Status.INTERNAL.withDescription("the server's join policy failed"));
    }
    if (!decision.isAdmitted()) {
      rateLimited.warn(
          "denied",
          "denied client '"
              + hello.getName()
              + "' from "
              + peer.address
              + ": "
              + decision.denial().getCode()
              + " "
              + decision.denial().getDescription());
      Sessions.refused(clients, hello.getName(), decision.denial());
      end(decision.denial(), true);
      return;
    }
    ClientSession joined;
    try {
      joined = Sessions.join(clients, hello, decision.identity(), this);
    } catch (StatusException e) {
      rateLimited.info("refused", "refused a client: " + e.getStatus().getDescription());
      end(e.getStatus(), true);
      return;
    }
    session = joined;
    if (closed) {
      // Ended (Hello timeout, cancel) while joining: leave at once.
      joined.onDisconnect(Status.CANCELLED.withDescription("the stream closed while joining"));
      return;
    }
    serializer.execute(
        () -> {
          if (!closed && !streamEnded) {
            peer.acknowledge();
          }
        });
  }

  private void violation(String description) {
    ClientSession current = session;
    rateLimited.warn(
        "violation",
        "protocol violation by "
            + (current == null ? "a client that has not said Hello" : "client '" + current.name() + "'")
            + ": "
            + description);
    end(Status.INVALID_ARGUMENT.withDescription(description), true);
  }

  /**
   * The stream is over: stop writing, end it with {@code status} if {@code closeStream}
   * (not when gRPC already ended it), and take the client out of Clients.
   */
  private void end(Status status, boolean closeStream) {
    closed = true;
    stopHelloTimer();
    release();
    if (closeStream) {
      serializer.execute(() -> endStream(status));
    }
    ClientSession current = session;
    if (current != null) {
      current.onDisconnect(status);
    }
  }

  private void endStream(Status status) {
    if (streamEnded) {
      return;
    }
    streamEnded = true;
    if (status.isOk()) {
      stream.onCompleted();
    } else {
      stream.onError(status.asRuntimeException());
    }
  }

  private void helloDone() {
    if (AWAITING_HELLO.compareAndSet(this, 1, 0)) {
      admission.helloDone();
    }
  }

  /** Gives the stream's places back to the admission limits, once. */
  private void release() {
    helloDone();
    if (ADMITTED.compareAndSet(this, 1, 0)) {
      admission.ended(peer.address);
    }
  }

  /** Cancels the Hello timeout and drops it, so an idle connection does not keep it. */
  private void stopHelloTimer() {
    ScheduledFuture<?> timer = helloTimer;
    if (timer != null) {
      helloTimer = null;
      timer.cancel(false);
    }
  }
}
