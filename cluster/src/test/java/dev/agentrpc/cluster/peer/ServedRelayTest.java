package dev.agentrpc.cluster.peer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.cluster.proto.v1.ForwardRequest;
import dev.agentrpc.cluster.proto.v1.PeerGrpc;
import dev.agentrpc.cluster.proto.v1.RelayReply;
import dev.agentrpc.cluster.proto.v1.RelayRequest;
import dev.agentrpc.cluster.testing.Agent;
import dev.agentrpc.cluster.testing.Waits;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The serving side of the Relay stream: a replica (Clients, its agents' transport and its peer
 * service over Netty on 127.0.0.1) with one agent, and a raw Relay stream sent to it.
 */
@Timeout(60)
class ServedRelayTest {
  private final Agent agent = new Agent("held");
  private final Clients clients = Clients.newBuilder().defaultTimeout(Duration.ofSeconds(30)).build();
  private Server server;
  private ManagedChannel agentChannel;
  private StreamClient agentClient;
  private ManagedChannel peerChannel;
  private final BlockingQueue<RelayReply> replies = new LinkedBlockingQueue<>();
  private StreamObserver<RelayRequest> relay;

  @BeforeEach
  void start() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(StreamServer.newBuilder(clients).build())
            .addService(new PeerService(clients, "r2"))
            .build()
            .start();
    agentChannel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    agentClient = StreamClient.newBuilder(agentChannel, "held", agent.registry()).start();
    clients.awaitConnected(List.of("held"), Waits.WAIT);
    peerChannel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    relay =
        PeerGrpc.newStub(peerChannel)
            .relay(
                new StreamObserver<>() {
                  @Override
                  public void onNext(RelayReply reply) {
                    replies.add(reply);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
  }

  @AfterEach
  void stop() throws InterruptedException {
    agentClient.close();
    agentChannel.shutdownNow();
    peerChannel.shutdownNow();
    clients.close();
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void aCallAnswersUnderItsIdAndAnUnknownClientIsNotFound() throws Exception {
    relay.onNext(call(7, "held", StringValue.of("hi")));
    relay.onNext(call(8, "nobody", StringValue.of("hi")));

    RelayReply first = next();
    RelayReply second = next();
    RelayReply answered = first.getId() == 7 ? first : second;
    RelayReply notFound = first.getId() == 7 ? second : first;
    assertThat(StringValue.parseFrom(answered.getResponse().getReply())).isEqualTo(StringValue.of("held:hi"));
    assertThat(notFound.getId()).isEqualTo(8);
    assertThat(notFound.getResponse().getError().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
  }

  @Test
  void aCancelEndsItsCallOnTheAgentAndADuplicateIdIsDropped() throws Exception {
    relay.onNext(call(1, "held", Int64Value.of(60_000)));
    agent.awaitHolding();
    relay.onNext(call(1, "held", StringValue.of("again")));
    relay.onNext(RelayRequest.newBuilder().setId(99).setCancel("nothing to cancel").build());

    relay.onNext(RelayRequest.newBuilder().setId(1).setCancel("the caller gave up").build());

    assertThat(agent.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    RelayReply reply = next();
    assertThat(reply.getId()).isEqualTo(1);
    assertThat(reply.getResponse().getError().getCode()).isEqualTo(Status.Code.CANCELLED.value());
    Waits.until("the replica forgetting the call", () -> clients.pendingCalls() == 0);
    assertThat(replies).as("nothing for the duplicate or the unknown id").isEmpty();
  }

  @Test
  void endingTheStreamCancelsItsCallsInFlight() throws Exception {
    relay.onNext(call(3, "held", Int64Value.of(60_000)));
    agent.awaitHolding();

    relay.onCompleted();

    assertThat(agent.nextCancellation().getCode()).isEqualTo(Status.Code.CANCELLED);
    Waits.until("the replica forgetting the call", () -> clients.pendingCalls() == 0);
  }

  private static RelayRequest call(long id, String client, com.google.protobuf.Message request) {
    return RelayRequest.newBuilder()
        .setId(id)
        .setCall(ForwardRequest.newBuilder().setClient(client).setPayload(Any.pack(request)).setTimeoutMicros(30_000_000))
        .build();
  }

  private RelayReply next() throws InterruptedException {
    RelayReply reply = replies.poll(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(reply).as("a reply within %s", Waits.WAIT).isNotNull();
    return reply;
  }
}
