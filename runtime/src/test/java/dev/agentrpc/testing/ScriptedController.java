package dev.agentrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A hand-driven controller over real gRPC: the test sends each command a server would,
 * right or wrong, and reads what the agent answers.
 */
public final class ScriptedController implements AutoCloseable {
  private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
  private final Server server;
  private final ManagedChannel channel;

  public ScriptedController() throws IOException {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(
                new CoordinatorGrpc.CoordinatorImplBase() {
                  @Override
                  public StreamObserver<ClientToServer> connect(StreamObserver<ServerToClient> out) {
                    Connection connection = new Connection(out);
                    connections.add(connection);
                    return connection;
                  }
                })
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  /** A channel to this controller, for the agent under test. */
  public ManagedChannel channel() {
    return channel;
  }

  /** The next connection an agent opened, waiting a bounded time. */
  public Connection nextConnection() throws InterruptedException {
    Connection connection = connections.poll(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(connection).as("an agent connection in time").isNotNull();
    return connection;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** One agent's stream. */
  public static final class Connection implements StreamObserver<ClientToServer> {
    private final StreamObserver<ServerToClient> out;
    private final BlockingQueue<ClientToServer> received = new LinkedBlockingQueue<>();

    Connection(StreamObserver<ServerToClient> out) {
      this.out = out;
    }

    public synchronized void send(ServerToClient command) {
      out.onNext(command);
    }

    /** Closes the stream from the controller's side. */
    public synchronized void hangUp() {
      out.onCompleted();
    }

    /** The next message from the agent, waiting a bounded time. */
    public ClientToServer next() throws InterruptedException {
      ClientToServer message = received.poll(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(message).as("a message from the agent in time").isNotNull();
      return message;
    }

    /** The next message if one comes within {@code millis}; null otherwise. */
    public ClientToServer poll(long millis) throws InterruptedException {
      return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onNext(ClientToServer message) {
      received.add(message);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
