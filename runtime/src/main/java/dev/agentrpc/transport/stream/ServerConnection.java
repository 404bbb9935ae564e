package dev.agentrpc.transport.stream;

import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.ServerToClient;
import dev.agentrpc.server.ClientSession;
import dev.agentrpc.server.ClientSink;
import dev.agentrpc.server.Clients;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server end of one Connect stream: admits the client on Hello, then relays responses. */
final class ServerConnection implements StreamObserver<ClientToServer>, ClientSink {
  private static final Logger logger = LoggerFactory.getLogger(ServerConnection.class);

  private final Clients clients;
  private final OutboundQueue<ServerToClient> outbound;
  private volatile ScheduledFuture<?> helloTimer; // null once Hello came or the stream ended
  private volatile ClientSession session;

  ServerConnection(
      Clients clients, ServerCallStreamObserver<ServerToClient> stream, long helloTimeoutNanos) {
    this.clients = clients;
    this.outbound = new OutboundQueue<>(stream);
    stream.setOnReadyHandler(outbound::drain);
    stream.setOnCancelHandler(() -> onGone(Status.CANCELLED.withDescription("the client went away")));
    this.helloTimer =
        SharedTimer.get()
            .schedule(
                () -> {
                  if (session == null) {
                    close(
                        Status.DEADLINE_EXCEEDED.withDescription(
                            "no Hello within "
                                + TimeUnit.NANOSECONDS.toMillis(helloTimeoutNanos)
                                + " ms; a client must say Hello first"));
                  }
                },
                helloTimeoutNanos,
                TimeUnit.NANOSECONDS);
  }

  @Override
  public void onNext(ClientToServer message) {
    if (outbound.isClosed()) {
      return;
    }
    ClientSession current = session;
    switch (message.getMsgCase()) {
      case HELLO:
        if (current != null) {
          violation("a second Hello on one connection; Hello is sent once, first");
        } else {
          onHello(message.getHello());
        }
        break;
      case RESPONSE:
        if (current == null) {
          violation("the first message on a connection must be Hello");
        } else {
          current.onResponse(message.getResponse());
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

  /** Cancels the Hello timeout and drops it, so an idle connection does not keep it. */
  private void stopHelloTimer() {
    ScheduledFuture<?> timer = helloTimer;
    if (timer != null) {
      helloTimer = null;
      timer.cancel(false);
    }
  }

  @Override
  public void onError(Throwable t) {
    onGone(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    close(Status.UNAVAILABLE.withDescription("the client closed its stream"));
  }

  @Override
  public void send(ServerToClient command) {
    outbound.send(command);
  }

  /** Ends the stream with {@code status} and takes the client out of Clients. */
  @Override
  public void close(Status status) {
    stopHelloTimer();
    outbound.close(
        stream -> {
          if (status.isOk()) {
            stream.onCompleted();
          } else {
            stream.onError(status.asRuntimeException());
          }
        });
    disconnect(status);
  }

  private void onHello(ClientToServer.Hello hello) {
    stopHelloTimer();
    ClientSession joined;
    try {
      joined = clients.join(hello, this);
    } catch (StatusException e) {
      logger.info("refused a client: {}", e.getStatus().getDescription());
      close(e.getStatus());
      return;
    }
    session = joined;
    if (outbound.isClosed()) {
      // Closed (Hello timeout, cancel) while joining: leave at once.
      joined.onDisconnect(Status.CANCELLED.withDescription("the stream closed while joining"));
    }
  }

  private void violation(String description) {
    ClientSession current = session;
    logger.warn(
        "protocol violation by {}: {}",
        current == null ? "a client that has not said Hello" : "client '" + current.name() + "'",
        description);
    close(Status.INVALID_ARGUMENT.withDescription(description));
  }

  private void onGone(Status status) {
    stopHelloTimer();
    outbound.close(null);
    disconnect(status);
  }

  private void disconnect(Status status) {
    ClientSession current = session;
    if (current != null) {
      current.onDisconnect(status);
    }
  }
}
