package dev.agentrpc.it;

import static java.util.Comparator.comparing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.it.v1.EchoReply;
import dev.agentrpc.it.v1.EchoRequest;
import dev.agentrpc.it.v1.HangReply;
import dev.agentrpc.it.v1.HangRequest;
import dev.agentrpc.it.v1.LengthRequest;
import dev.agentrpc.it.v1.SumReply;
import dev.agentrpc.it.v1.SumRequest;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.FanOut;
import dev.agentrpc.server.FanOutOptions;
import dev.agentrpc.server.Result;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated AgentFunctionsProxy and AgentFunctionsHandlers between a controller and two agents
 * (a third joins for the fan-out), over the stream transport on Netty, 127.0.0.1. Every wait is
 * bounded.
 */
class AgentServiceEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Map<String, TestAgent> implementations =
      Map.of("agent-a", new TestAgent("agent-a"), "agent-b", new TestAgent("agent-b"));
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<StreamClient> agents = new ArrayList<>();
  private final CountingExecutor callbacks = new CountingExecutor();
  private Clients clients;
  private Server server;
  private AgentFunctionsProxy proxy;

  @BeforeEach
  void startControllerAndTwoAgents() throws IOException, InterruptedException {
    clients = Clients.newBuilder().callbackExecutor(callbacks).build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .directExecutor()
            .addService(StreamServer.newBuilder(clients).build())
            .build()
            .start();
    CountDownLatch joined = new CountDownLatch(implementations.size());
    Clients.Subscription subscription =
        clients.subscribe(
            new ClientListener() {
              @Override
              public void onJoin(String client) {
                joined.countDown();
              }
            });
    try {
      implementations.forEach(this::startAgent);
      assertThat(joined.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .as("both agents joined within %s", WAIT)
          .isTrue();
    } finally {
      subscription.close();
    }
    proxy = AgentFunctionsProxy.of(clients);
  }

  private void startAgent(String name, TestAgent implementation) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    channels.add(channel);
    HandlerRegistry registry =
        AgentFunctionsHandlers.register(new HandlerRegistry(), implementation);
    agents.add(
        StreamClient.newBuilder(channel, name, registry)
            .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
            .start());
  }

  @AfterEach
  void leaveNoCallPendingAndStop() throws InterruptedException {
    try {
      assertThat(clients.pendingCalls()).as("calls still pending").isZero();
    } finally {
      agents.forEach(StreamClient::close);
      clients.close();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      server.shutdownNow().awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void blockingCallReturnsTheNamedAgentsReply() {
    EchoReply reply = proxy.echo("agent-b", echo("hello"));

    assertThat(reply.getText()).isEqualTo("agent-b: hello");
  }

  @Test
  void asyncCallCompletesWithTheAgentsReply() throws Exception {
    CompletableFuture<SumReply> reply = proxy.async().sum("agent-a", sum(1, 2, 3));

    assertThat(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo(SumReply.newBuilder().setSum(6).setAgent("agent-a").build());
  }

  @Test
  void aMethodReturningACompletionStageIsServedAndCalledLikeAFuture() throws Exception {
    LengthRequest request = LengthRequest.newBuilder().setText("stage").build();

    assertThat(proxy.length("agent-a", request).getLength()).isEqualTo(5);
    assertThat(
            proxy
                .forClient("agent-b")
                .length(request)
                .toCompletableFuture()
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .getLength())
        .isEqualTo(5);
  }

  @Test
  void callAllGetsOneResultFromEachAgent() {
    List<Result<EchoReply>> results = new ArrayList<>(proxy.all().echo(echo("hi")));

    results.sort(comparing(Result::client));
    assertThat(results)
        .containsExactly(
            Result.ok("agent-a", EchoReply.newBuilder().setText("agent-a: hi").build()),
            Result.ok("agent-b", EchoReply.newBuilder().setText("agent-b: hi").build()));
  }

  @Test
  void asyncCallAllCompletesWithOneResultFromEachAgent() throws Exception {
    List<Result<SumReply>> results =
        proxy.allAsync().sum(sum(40, 2)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(results).extracting(Result::client).containsExactlyInAnyOrder("agent-a", "agent-b");
    assertThat(results).extracting(r -> r.value().getSum()).containsExactly(42L, 42L);
  }

  @Test
  void fanOutStreamsOneResultPerAgentThenListsWhatItStreamed() throws Exception {
    startAgent("agent-c", new TestAgent("agent-c"));
    clients.awaitConnected(List.of("agent-a", "agent-b", "agent-c"), WAIT);
    List<Result<SumReply>> streamed = new CopyOnWriteArrayList<>();

    FanOut<SumReply> fanOut =
        proxy.fanOut(FanOutOptions.all()).sum(sum(40, 2)).forEach(streamed::add);
    List<Result<SumReply>> results = fanOut.results().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(streamed).hasSize(3).containsExactlyElementsOf(results);
    assertThat(results)
        .extracting(Result::client)
        .containsExactlyInAnyOrder("agent-a", "agent-b", "agent-c");
    assertThat(results).extracting(r -> r.value().getSum()).containsOnly(42L);
  }

  @Test
  void forClientIsTheInterfaceBoundToOneAgent() throws Exception {
    AgentFunctions agentA = proxy.forClient("agent-a");

    assertThat(agentA.echo(echo("bound")).getText()).isEqualTo("agent-a: bound");
    assertThat(agentA.sum(sum(5)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getAgent())
        .isEqualTo("agent-a");
  }

  @Test
  void methodTimeoutEndsACallTheAgentNeverAnswersWithDeadlineExceeded() throws Exception {
    long start = System.nanoTime();

    assertThatThrownBy(() -> proxy.hang("agent-a", HangRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    // The method's 200 ms applied, not the interface's 5 s.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    assertHangCancelledOn("agent-a");
  }

  @Test
  void withTimeoutOverridesTheMethodTimeoutAndCancellingEndsTheCallOnTheAgent() throws Exception {
    CompletableFuture<HangReply> call =
        proxy
            .withTimeout(Duration.ofSeconds(30))
            .async()
            .hang("agent-b", HangRequest.getDefaultInstance());

    // Well past the method's 200 ms, the call is still waiting for the agent.
    assertThatThrownBy(() -> call.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    call.cancel(false);
    assertHangCancelledOn("agent-b");
  }

  @Test
  void unknownClientFailsWithNotFound() {
    assertThatThrownBy(() -> proxy.echo("agent-z", echo("anyone?")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(
            () ->
                proxy.forClient("agent-z").sum(sum(1)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void forClientThrowsTheStatusExceptionItsInterfaceDeclares() {
    AgentFunctions agentA = proxy.forClient("agent-a");

    assertThatThrownBy(() -> agentA.echo(echo("")))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).isEqualTo("nothing to echo");
            });
  }

  @Test
  void futuresCompleteOnTheClientsCallbackExecutorUnlessTheProxyNamesAnother() throws Exception {
    CountingExecutor mine = new CountingExecutor();
    AgentFunctionsProxy withMine = proxy.withExecutor(mine);

    int before = callbacks.count();
    proxy.async().sum("agent-a", sum(1)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(callbacks.count()).as("the Clients' callback executor ran").isGreaterThan(before);
    assertThat(mine.count()).isZero();

    withMine.async().sum("agent-a", sum(2)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    int afterOne = mine.count();
    assertThat(afterOne).as("a call's future completed on the proxy's executor").isPositive();
    withMine.allAsync().sum(sum(3)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(mine.count()).as("a call-all's too").isGreaterThan(afterOne);
  }

  @Test
  void statusExceptionThrownByTheAgentReachesTheCaller() {
    assertThatThrownBy(() -> proxy.echo("agent-a", echo("")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).isEqualTo("nothing to echo");
            });
  }

  /** Asserts {@code agent} received a hang call and saw its work cancelled. */
  private void assertHangCancelledOn(String agent) throws InterruptedException {
    CompletableFuture<HangReply> onAgent =
        implementations.get(agent).hanging().poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(onAgent).as("%s received the call", agent).isNotNull();
    assertThatThrownBy(() -> onAgent.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("%s's work is cancelled", agent)
        .isInstanceOf(CancellationException.class);
  }

  /** Runs each task at once, counting them. */
  private static final class CountingExecutor implements Executor {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
      count.incrementAndGet();
      task.run();
    }

    int count() {
      return count.get();
    }
  }

  private static EchoRequest echo(String text) {
    return EchoRequest.newBuilder().setText(text).build();
  }

  private static SumRequest sum(long... values) {
    SumRequest.Builder request = SumRequest.newBuilder();
    for (long value : values) {
      request.addValues(value);
    }
    return request.build();
  }
}
