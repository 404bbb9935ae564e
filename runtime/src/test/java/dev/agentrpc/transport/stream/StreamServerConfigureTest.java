package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.TestAgent;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** StreamServer.configure serves the Connect stream without a hop, on an otherwise default server. */
@Timeout(60)
class StreamServerConfigureTest {
  @Test
  void theConnectStreamRunsOnTheTransportThreadNotOnTheServersExecutor() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    ServerInterceptor recordThreads =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
              @Override
              public void onMessage(Q message) {
                threads.add(Thread.currentThread().getName());
                super.onMessage(message);
              }
            };
          }
        };
    Clients clients = Clients.create();
    Server server =
        StreamServer.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
            .addService(ServerInterceptors.intercept(StreamServer.newBuilder(clients).build(), recordThreads))
            .build()
            .start();
    ManagedChannel channel =
        StreamClient.configure(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()))
            .usePlaintext()
            .build();
    try (StreamClient agent = StreamClient.newBuilder(channel, "a", new TestAgent("a").registry()).start()) {
      clients.awaitConnected(Set.of("a"), Fleet.WAIT);

      for (int i = 0; i < 5; i++) {
        StringValue reply =
            Calls.await(clients.call("a", StringValue.of("x" + i), StringValue.parser(), Duration.ofSeconds(10)));
        assertThat(reply.getValue()).isEqualTo("a:x" + i);
      }

      // The first messages may still run where gRPC looked the method up (its executor keeps
      // running what arrives while it is still at work); once it let go, none does.
      assertThat(threads).hasSizeGreaterThanOrEqualTo(6);
      assertThat(threads.get(threads.size() - 1)).as("the thread of the last message, of %s", threads)
          .doesNotStartWith("grpc-default-executor");
    } finally {
      channel.shutdownNow();
      clients.close();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
