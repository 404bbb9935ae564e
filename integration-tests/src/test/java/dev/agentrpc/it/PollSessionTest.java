package dev.agentrpc.it;

import static dev.agentrpc.it.TransportConformanceTest.assertStatus;
import static dev.agentrpc.it.TransportConformanceTest.echo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.it.v1.EchoReply;
import dev.agentrpc.it.v1.HangReply;
import dev.agentrpc.it.v1.HangRequest;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.identity.JoinPolicies;
import dev.agentrpc.transport.poll.PollClient;
import dev.agentrpc.transport.poll.PollSessions;
import dev.agentrpc.transport.poll.PollTransport;
import dev.agentrpc.transport.stream.BearerToken;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What only the poll transports promise: sessions that outlive polls, lost answers, expiry, tokens. */
class PollSessionTest {
  private static final Duration WAIT = Controller.WAIT;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Controller controller;
  private AgentFunctionsProxy proxy;

  private void start(Clients clients, Consumer<PollSessions.Builder> options) throws Exception {
    controller = Controller.start(clients, options);
    proxy = AgentFunctionsProxy.of(controller.clients);
  }

  private ManagedChannel channel() {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", controller.grpcPort()).usePlaintext().build();
    resources.add(() -> channel.shutdownNow().awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    return channel;
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    if (controller != null) {
      controller.close();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"LONG_POLL", "HEARTBEAT", "HTTP_LONG_POLL"})
  void aLostAnswerLosesNoCommandAndRunsNoRequestTwice(Transport transport) throws Exception {
    start(Clients.create(), options -> {});
    FakeAgent agent = new FakeAgent("agent-a");
    DroppingTransport[] path = new DroppingTransport[1];
    resources.add(
        transport.start(
            controller,
            "agent-a",
            AgentFunctionsHandlers.register(new HandlerRegistry(), agent),
            real -> path[0] = new DroppingTransport(real)));
    controller.awaitJoined("agent-a");

    EchoReply reply =
        proxy.async().echo("agent-a", echo("once")).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(reply.getText()).isEqualTo("agent-a: once");
    assertThat(path[0].awaitBothDropped(WAIT))
        .as("the request's answer and the response's were both lost")
        .isTrue();
    // The session goes on: the next call follows the resent response in the same session.
    assertThat(proxy.echo("agent-a", echo("twice")).getText()).isEqualTo("agent-a: twice");
    assertThat(agent.echoes()).as("each request ran once, the one delivered twice too").isEqualTo(2);
    assertThat(controller.clients.unknownResponses()).as("the response sent twice was applied once").isZero();
  }

  @Test
  void aSessionWithoutPollsExpiresAndItsPendingCallsFailUnavailableAtOnce() throws Exception {
    start(Clients.create(), options -> options.liveness(Duration.ofMillis(500)));
    FakeAgent agent = new FakeAgent("agent-a");
    Transport.Agent running =
        Transport.LONG_POLL.start(
            controller, "agent-a", AgentFunctionsHandlers.register(new HandlerRegistry(), agent));
    resources.add(running);
    controller.awaitJoined("agent-a");
    CompletableFuture<HangReply> call =
        proxy.withTimeout(Duration.ofSeconds(60)).async().hang("agent-a", HangRequest.getDefaultInstance());
    agent.nextHang();

    CountDownLatch left = new CountDownLatch(1);
    Clients.Subscription leaves =
        controller.clients.subscribe(
            new ClientListener() {
              @Override
              public void onLeave(String client) {
                left.countDown();
              }
            });
    resources.add(leaves);
    long start = System.nanoTime();
    running.vanish();

    assertThatThrownBy(() -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("the session expired");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("within the liveness window and a little, not the call's 60 s")
        .isLessThan(Duration.ofSeconds(5));
    assertThat(left.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the agent left").isTrue();
    assertThat(controller.sessions.size()).isZero();
  }

  @Test
  void anAgentWhoseSessionExpiredStartsANewOne() throws Exception {
    start(Clients.create(), options -> options.liveness(Duration.ofMillis(300)));
    CountDownLatch joinedTwice = new CountDownLatch(2);
    Clients.Subscription joins =
        controller.clients.subscribe(
            new ClientListener() {
              @Override
              public void onJoin(String client) {
                joinedTwice.countDown();
              }
            });
    resources.add(joins);
    PollClient client =
        PollClient.heartbeat(
                channel(), "agent-a", AgentFunctionsHandlers.register(new HandlerRegistry(), new FakeAgent("agent-a")))
            .interval(Duration.ofMillis(800)) // longer than the liveness window: every session expires
            .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
            .start();
    resources.add(client);

    assertThat(joinedTwice.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the agent joined again after its session expired")
        .isTrue();
    assertThat(client.lastEnd().getCode()).as("its heartbeat was told so").isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aSessionTokenServesOnlyTheIdentityThatJoinedWithIt() throws Exception {
    start(
        Clients.create(),
        options ->
            options.joinPolicy(
                JoinPolicies.bearerTokens(
                    Map.of(
                        "token-a", List.of("agent-a"),
                        "token-a-elsewhere", List.of("agent-a"),
                        "token-b", List.of("agent-b")))));
    CoordinatorGrpc.CoordinatorBlockingStub stub =
        CoordinatorGrpc.newBlockingStub(channel()).withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    PollResponse joined =
        stub.withCallCredentials(new BearerToken("token-a"))
            .poll(
                PollRequest.newBuilder()
                    .setHello(ClientToServer.Hello.newBuilder().setName("agent-a"))
                    .build());
    assertThat(joined.getSession()).hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url
    PollRequest next = PollRequest.newBuilder().setSession(joined.getSession()).build();

    assertThat(stub.withCallCredentials(new BearerToken("token-a")).poll(next).getSession())
        .isEqualTo(joined.getSession());
    assertPollFails(stub.withCallCredentials(new BearerToken("token-a-elsewhere")), next, Status.Code.PERMISSION_DENIED);
    assertPollFails(stub.withCallCredentials(new BearerToken("token-b")), next, Status.Code.PERMISSION_DENIED);
    assertPollFails(stub, next, Status.Code.UNAUTHENTICATED);
    assertThat(controller.clients.isConnected("agent-a")).as("refused polls leave the session alone").isTrue();
  }

  @Test
  void aPollWithAnUnknownTokenOrNeitherHelloNorTokenIsRefused() throws Exception {
    start(Clients.create(), options -> {});
    CoordinatorGrpc.CoordinatorBlockingStub stub =
        CoordinatorGrpc.newBlockingStub(channel()).withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertPollFails(stub, PollRequest.newBuilder().setSession("made-up").build(), Status.Code.NOT_FOUND);
    assertPollFails(stub, PollRequest.getDefaultInstance(), Status.Code.INVALID_ARGUMENT);
    assertPollFails(
        stub,
        PollRequest.newBuilder().setHello(ClientToServer.Hello.newBuilder().setName("")).build(),
        Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void commandsBeyondTheQueueBoundBetweenPollsFailResourceExhausted() throws Exception {
    start(Clients.newBuilder().maxRequestBytes(2048).maxQueuedBytesPerClient(4096).build(), options -> {});
    CountDownLatch answered = new CountDownLatch(1);
    PollClient client =
        PollClient.heartbeat(
                channel(), "agent-a", AgentFunctionsHandlers.register(new HandlerRegistry(), new FakeAgent("agent-a")))
            .interval(Duration.ofSeconds(30)) // after its first poll, none during the test
            .onStateChange(state -> {
              if (state == StreamClient.State.CONNECTED) {
                answered.countDown();
              }
            })
            .start();
    resources.add(client);
    assertThat(answered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the first poll was answered").isTrue();
    String kilobyte = "x".repeat(1024);

    List<CompletableFuture<EchoReply>> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(proxy.async().echo("agent-a", echo(kilobyte)));
    }
    assertStatus(proxy.async().echo("agent-a", echo(kilobyte)), Status.Code.RESOURCE_EXHAUSTED, WAIT);
    assertThat(controller.clients.queuedBytes()).isPositive().isLessThanOrEqualTo(4096);
    assertThat(queued).noneMatch(CompletableFuture::isDone);
    queued.forEach(call -> call.cancel(false));
  }

  private static void assertPollFails(
      CoordinatorGrpc.CoordinatorBlockingStub stub, PollRequest poll, Status.Code code) {
    assertThatThrownBy(() -> stub.poll(poll))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }
}
