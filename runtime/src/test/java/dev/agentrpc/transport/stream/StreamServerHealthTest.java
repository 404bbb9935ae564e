package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.server.Clients;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StreamServerHealthTest {
  @Test
  void theCoordinatorServiceIsServingOnceBoundAndNotServingOnceClientsIsClosed() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    Clients clients = Clients.create();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(health.getHealthService())
            .addService(StreamServer.newBuilder(clients).healthStatusManager(health).build())
            .build()
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      ServingStatus status =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().setService(CoordinatorGrpc.SERVICE_NAME).build())
              .getStatus();

      assertThat(status).isEqualTo(ServingStatus.SERVING);

      clients.close();

      assertThat(
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.newBuilder().setService(CoordinatorGrpc.SERVICE_NAME).build())
                  .getStatus())
          .isEqualTo(ServingStatus.NOT_SERVING);
    } finally {
      channel.shutdownNow();
      clients.close();
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
