package dev.agentrpc.transport.stream;

import dev.agentrpc.client.Dispatcher;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.client.ResponseSink;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/** The client end of one Connect stream, with its own Dispatcher. */
final class ClientConnection
    implements ClientResponseObserver<ClientToServer, ServerToClient>, ResponseSink {
  private final Dispatcher dispatcher;
  private final Runnable onConnected;
  private final BiConsumer<ClientConnection, Status> onEnded;
  private OutboundQueue<ClientToServer> outbound; // set in beforeStart, before any callback
  private boolean connected; // inbound thread only

  ClientConnection(
      HandlerRegistry registry,
      Executor executor,
      int maxResponseBytes,
      Runnable onConnected,
      BiConsumer<ClientConnection, Status> onEnded) {
    this.dispatcher = new Dispatcher(registry, executor, this, maxResponseBytes);
    this.onConnected = onConnected;
    this.onEnded = onEnded;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ClientToServer> stream) {
    outbound = new OutboundQueue<>(stream);
    stream.setOnReadyHandler(
        () -> {
          if (!connected) {
            connected = true;
            onConnected.run();
          }
          outbound.drain();
        });
  }

  void sayHello(String name) {
    // The first message: queued until the stream is ready, like any other.
    outbound.send(
        ClientToServer.newBuilder()
            .setHello(ClientToServer.Hello.newBuilder().setName(name).setNextId(0))
            .build());
  }

  @Override
  public void send(Response response) {
    outbound.send(ClientToServer.newBuilder().setResponse(response).build());
  }

  @Override
  public void onNext(ServerToClient command) {
    dispatcher.onCommand(command);
  }

  @Override
  public void onError(Throwable t) {
    end(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end(Status.UNAVAILABLE.withDescription("the server closed the stream"));
  }

  /** Cancels the stream from this side; the transport then reports it ended. */
  void cancel(String reason) {
    outbound.close(stream -> ((ClientCallStreamObserver<ClientToServer>) stream).cancel(reason, null));
    dispatcher.close();
  }

  private void end(Status status) {
    outbound.close(null);
    dispatcher.close();
    onEnded.accept(this, status);
  }
}
