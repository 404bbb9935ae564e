package dev.agentrpc.transport.stream;

import dev.agentrpc.client.Dispatcher;
import dev.agentrpc.client.ResponseSink;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.ClientInterceptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client end of one Connect stream, with its own Dispatcher. */
final class ClientConnection
    implements ClientResponseObserver<ClientToServer, ServerToClient>, ResponseSink {
  private static final Logger logger = LoggerFactory.getLogger(ClientConnection.class);

  /** What the connection tells its StreamClient; called on the transport's threads. */
  interface Events {
    void connected(ClientConnection connection);

    void ended(ClientConnection connection, Status status);
  }

  private final Dispatcher dispatcher;
  private final Events events;
  private final OutboundQueue<ClientToServer> outbound;
  private final long startNanos = System.nanoTime();
  private volatile boolean commandReceived;
  private volatile boolean acknowledged;
  private boolean connected; // onReady thread only
  private volatile boolean warnedFull;
  private volatile long retryAfterNanos;

  ClientConnection(
      Function<ResponseSink, Dispatcher> dispatchers, long maxOutboundBytes, Events events) {
    this.dispatcher = dispatchers.apply(this);
    this.events = events;
    this.outbound = new OutboundQueue<>(maxOutboundBytes);
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ClientToServer> stream) {
    outbound.attach(stream);
    stream.setOnReadyHandler(
        () -> {
          if (!connected) {
            connected = true;
            events.connected(this);
          }
          outbound.drain();
        });
  }

  void sayHello(ClientToServer.Hello hello) {
    // The first message: queued until the stream is ready, like any other.
    outbound.send(ClientToServer.newBuilder().setHello(hello).build());
  }

  /** The interceptor that notices the server's acknowledgement of the Hello. */
  ClientInterceptor acknowledgementWatcher() {
    return JoinAcknowledgement.watcher(() -> acknowledged = true);
  }

  /** Whether the server showed it accepted this connection: it acknowledged the Hello or sent a command. */
  boolean wasAccepted() {
    return acknowledged || commandReceived;
  }

  /**
   * How soon the server asked to be dialed again when it refused this stream for being busy
   * ({@link RetryHint}), in nanoseconds; 0 if it did not.
   */
  long retryAfterNanos() {
    return retryAfterNanos;
  }

  /** How long ago the stream was opened. */
  long ageNanos() {
    return System.nanoTime() - startNanos;
  }

  @Override
  public void send(Response response) {
    if (!outbound.send(ClientToServer.newBuilder().setResponse(response).build()) && !warnedFull) {
      warnedFull = true;
      logger.warn(
          "the server is not reading this connection's responses; dropping response {} (and"
              + " others while it stays full): its call will time out on the server",
          response.getId());
    }
  }

  @Override
  public void onNext(ServerToClient command) {
    commandReceived = true;
    dispatcher.onCommand(command);
  }

  @Override
  public void onError(Throwable t) {
    retryAfterNanos = RetryHint.delayNanos(t);
    end(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end(Status.UNAVAILABLE.withDescription("the server closed the stream"));
  }

  /** Cancels the stream from this side; the transport then reports it ended. */
  void cancel(String reason) {
    outbound.close(
        stream -> ((ClientCallStreamObserver<ClientToServer>) stream).cancel(reason, null));
    dispatcher.close();
  }

  private void end(Status status) {
    outbound.close(null);
    dispatcher.close();
    events.ended(this, status);
  }
}
