package dev.agentrpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BytesValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.proto.v1.ClientToServer;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.RawStream;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fan-outs over real gRPC on Netty, 127.0.0.1: streaming, targets, policies and windows. */
@Timeout(60)
class FanOutTest {
  private static final StringValue REQUEST = StringValue.of("deploy");

  private Fleet fleet;
  private Agents agents;

  @BeforeEach
  void setUp() {
    fleet = Fleet.start();
    agents = new Agents();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    fleet.close();
  }

  @Test
  void resultsStreamAsTheyArriveAndTheListIsWhatWasStreamed() throws Exception {
    agents.delay("fast", 10).delay("medium", 200).delay("slow", 800);
    join("fast", "medium", "slow");
    List<Result<StringValue>> streamed = Collections.synchronizedList(new ArrayList<>());
    Map<String, Long> seenAt = new ConcurrentHashMap<>();

    long start = System.nanoTime();
    FanOut<StringValue> fanOut = fanOut(FanOutOptions.all());
    fanOut.forEach(
        result -> {
          seenAt.put(result.client(), System.nanoTime() - start);
          streamed.add(result);
        });
    List<Result<StringValue>> all = fanOut.results().get(10, TimeUnit.SECONDS);

    assertThat(clientsOf(all)).containsExactly("fast", "medium", "slow");
    assertThat(all).isEqualTo(streamed);
    assertThat(all).allMatch(r -> r.outcome() == Result.Outcome.ANSWERED);
    // The fast agent's result was delivered well before the slow one answered at all.
    assertThat(seenAt.get("fast")).isLessThan(seenAt.get("slow") - TimeUnit.MILLISECONDS.toNanos(400));
    assertThat(all.get(0).latency()).isLessThan(all.get(2).latency());
    assertThat(all.get(2).latency()).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    assertThat(fanOut.size()).isEqualTo(3);
    assertThat(fanOut.completed()).isEqualTo(3);
  }

  @Test
  void aSelectorCallsOnlyTheMatchingAgents() throws Exception {
    fleet.agent("eu-1", agents.registry("eu-1"), b -> b.labels(Map.of("region", "eu", "tier", "web")));
    fleet.agent("eu-2", agents.registry("eu-2"), b -> b.labels(Map.of("region", "eu")));
    fleet.agent("us-1", agents.registry("us-1"), b -> b.labels(Map.of("region", "us", "tier", "web")));
    fleet.agent("bare", agents.registry("bare"));

    List<Result<StringValue>> eu = fanOut(FanOutOptions.selecting("region=eu")).await();
    assertThat(clientsOf(eu)).containsExactlyInAnyOrder("eu-1", "eu-2");
    assertThat(agents.called()).containsExactlyInAnyOrder("eu-1", "eu-2");

    List<Result<StringValue>> webOutsideEu = fanOut(FanOutOptions.selecting("tier, region!=eu")).await();
    assertThat(clientsOf(webOutsideEu)).containsExactly("us-1");

    List<Result<StringValue>> unlabelled = fanOut(FanOutOptions.selecting("!region")).await();
    assertThat(clientsOf(unlabelled)).containsExactly("bare");

    assertThat(fleet.clients().list())
        .extracting(ClientInfo::name, ClientInfo::labels)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("bare", Map.of()),
            org.assertj.core.groups.Tuple.tuple("eu-1", Map.of("region", "eu", "tier", "web")),
            org.assertj.core.groups.Tuple.tuple("eu-2", Map.of("region", "eu")),
            org.assertj.core.groups.Tuple.tuple("us-1", Map.of("region", "us", "tier", "web")));
    assertThat(fleet.clients().info("eu-2").labels()).containsEntry("region", "eu");
  }

  @Test
  void unknownNamesInAnExplicitSetGetNotFoundResults() throws Exception {
    join("a", "b");

    List<Result<StringValue>> results =
        fanOut(FanOutOptions.clients(List.of("a", "ghost", "b", "a"))).await();

    assertThat(clientsOf(results)).containsExactlyInAnyOrder("a", "ghost", "b");
    Result<StringValue> ghost = resultOf(results, "ghost");
    assertThat(ghost.outcome()).isEqualTo(Result.Outcome.NOT_CALLED);
    assertThat(ghost.status().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ghost.status().getDescription()).contains("ghost");
    assertThat(resultOf(results, "a").value()).isEqualTo(StringValue.of("a"));
    assertThat(agents.called()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aQuorumEndsTheFanOutAndCancelsTheRestOnTheirAgents() throws Exception {
    agents.hold("stuck-1").hold("stuck-2");
    agents.after("quick-1", "stuck-1").after("quick-2", "stuck-2"); // so that the stuck ones are running
    join("quick-1", "quick-2", "stuck-1", "stuck-2");

    List<Result<StringValue>> results = fanOut(FanOutOptions.all().quorum(2)).await();

    assertThat(results).hasSize(4);
    assertThat(resultOf(results, "quick-1").outcome()).isEqualTo(Result.Outcome.ANSWERED);
    assertThat(resultOf(results, "quick-2").outcome()).isEqualTo(Result.Outcome.ANSWERED);
    for (String stuck : List.of("stuck-1", "stuck-2")) {
      Result<StringValue> result = resultOf(results, stuck);
      assertThat(result.outcome()).isEqualTo(Result.Outcome.CANCELLED);
      assertThat(result.status().getDescription()).contains("quorum of 2");
      assertThat(agents.awaitCancelled(stuck).getCode()).isEqualTo(Status.Code.CANCELLED);
    }
    awaitNoPendingCalls();
  }

  @Test
  void tooManyFailuresStopTheRolloutAndSayWhoWasNeverCalled() throws Exception {
    agents.fail("bad");
    join("first", "bad", "third", "fourth");

    List<Result<StringValue>> results =
        fanOut(FanOutOptions.clients(List.of("first", "bad", "third", "fourth")).window(1).maxFailures(0))
            .await();

    assertThat(results)
        .extracting(Result::client, Result::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("first", Result.Outcome.ANSWERED),
            org.assertj.core.groups.Tuple.tuple("bad", Result.Outcome.FAILED),
            org.assertj.core.groups.Tuple.tuple("third", Result.Outcome.NOT_CALLED),
            org.assertj.core.groups.Tuple.tuple("fourth", Result.Outcome.NOT_CALLED));
    assertThat(resultOf(results, "third").status().getDescription()).contains("stopped after 1 failed");
    assertThat(agents.called()).containsExactly("first", "bad");
    awaitNoPendingCalls();
  }

  @Test
  void stoppingCanCancelTheCallsInFlight() throws Exception {
    agents.fail("bad").hold("holder");
    join("bad", "holder", "later");
    agents.after("bad", "holder"); // bad fails only once holder is running

    List<Result<StringValue>> results =
        fanOut(
                FanOutOptions.clients(List.of("holder", "bad", "later"))
                    .window(2)
                    .maxFailures(0)
                    .stopCancelsInFlight(true))
            .await();

    assertThat(resultOf(results, "bad").outcome()).isEqualTo(Result.Outcome.FAILED);
    assertThat(resultOf(results, "holder").outcome()).isEqualTo(Result.Outcome.CANCELLED);
    assertThat(resultOf(results, "later").outcome()).isEqualTo(Result.Outcome.NOT_CALLED);
    assertThat(agents.awaitCancelled("holder").getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(agents.called()).doesNotContain("later");
    awaitNoPendingCalls();
  }

  @Test
  void aWindowBoundsTheCallsInFlightAndCallsEveryAgentOnce() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      names.add("node-" + i);
      agents.delay("node-" + i, 50);
    }
    join(names.toArray(new String[0]));

    List<Result<StringValue>> results = fanOut(FanOutOptions.all().window(3)).await();

    assertThat(results).hasSize(10).allMatch(r -> r.outcome() == Result.Outcome.ANSWERED);
    assertThat(agents.called()).hasSize(10).doesNotHaveDuplicates();
    assertThat(agents.maxRunning()).isLessThanOrEqualTo(3).isGreaterThanOrEqualTo(2);

    agents.reset();
    List<Result<StringValue>> byPercent = fanOut(FanOutOptions.all().windowPercent(20)).await();
    assertThat(byPercent).hasSize(10).allMatch(r -> r.outcome() == Result.Outcome.ANSWERED);
    assertThat(agents.maxRunning()).isLessThanOrEqualTo(2);
  }

  @Test
  void aPauseSeparatesTheStartsOfARollingWindow() throws Exception {
    join("p1", "p2", "p3");

    fanOut(FanOutOptions.clients(List.of("p1", "p2", "p3")).window(1).pauseBetween(Duration.ofMillis(150)))
        .await();

    assertThat(agents.called()).containsExactly("p1", "p2", "p3");
    assertThat(agents.startedAt("p2") - agents.startedAt("p1")).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
    assertThat(agents.startedAt("p3") - agents.startedAt("p2")).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
  }

  @Test
  void aStallEndsTheFanOutWithTheRestMarkedDeadlineExceeded() throws Exception {
    agents.hold("stuck");
    join("quick", "stuck");

    List<Result<StringValue>> results =
        fanOut(FanOutOptions.all().stallTimeout(Duration.ofMillis(300))).await();

    assertThat(resultOf(results, "quick").outcome()).isEqualTo(Result.Outcome.ANSWERED);
    Result<StringValue> stuck = resultOf(results, "stuck");
    assertThat(stuck.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(stuck.outcome()).isEqualTo(Result.Outcome.CANCELLED);
    assertThat(stuck.status().getDescription()).contains("stallTimeout");
    assertThat(agents.awaitCancelled("stuck").getCode()).isEqualTo(Status.Code.CANCELLED);
    awaitNoPendingCalls();
  }

  @Test
  void eachCallOfAWindowHasItsOwnTimeout() throws Exception {
    agents.hold("stuck");
    join("stuck", "after");

    List<Result<StringValue>> results =
        fleet.clients()
            .fanOut(
                REQUEST,
                StringValue.parser(),
                FanOutOptions.clients(List.of("stuck", "after")).window(1),
                Duration.ofMillis(300),
                fleet.clients().callbackExecutor())
            .await();

    assertThat(resultOf(results, "stuck").status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(resultOf(results, "stuck").outcome()).isEqualTo(Result.Outcome.FAILED);
    assertThat(resultOf(results, "after").outcome()).isEqualTo(Result.Outcome.ANSWERED);
  }

  @Test
  void cancellingTheFanOutCancelsItsCallsOnTheAgents() throws Exception {
    agents.hold("h1").hold("h2");
    join("h1", "h2", "waiting");

    FanOut<StringValue> fanOut =
        fanOut(FanOutOptions.clients(List.of("h1", "h2", "waiting")).window(2));
    agents.awaitRunning(2);
    assertThat(fanOut.cancel()).isTrue();
    List<Result<StringValue>> results = fanOut.results().get(10, TimeUnit.SECONDS);

    assertThat(resultOf(results, "h1").outcome()).isEqualTo(Result.Outcome.CANCELLED);
    assertThat(resultOf(results, "h2").outcome()).isEqualTo(Result.Outcome.CANCELLED);
    assertThat(resultOf(results, "waiting").outcome()).isEqualTo(Result.Outcome.NOT_CALLED);
    assertThat(agents.awaitCancelled("h1").getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(agents.awaitCancelled("h2").getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(fanOut.cancel()).isFalse();
    awaitNoPendingCalls();
  }

  @Test
  void theCallersContextCancelsTheFanOut() throws Exception {
    agents.hold("h1");
    join("h1");
    Context.CancellableContext context = Context.current().withCancellation();
    FanOut<StringValue> fanOut = context.call(() -> fanOut(FanOutOptions.all()));
    agents.awaitRunning(1);

    context.cancel(null);

    assertThat(fanOut.await()).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo(Result.Outcome.CANCELLED));
    assertThat(agents.awaitCancelled("h1").getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void aSubscriberGetsResultsAsItsDemandAllowsAndALateOneMissesNothing() throws Exception {
    join("s1", "s2", "s3");
    FanOut<StringValue> fanOut = fanOut(FanOutOptions.all());
    Recorder oneAtATime = new Recorder(1);
    fanOut.subscribe(oneAtATime);
    List<Result<StringValue>> all = fanOut.results().get(10, TimeUnit.SECONDS);

    assertThat(oneAtATime.awaitCompleted()).isEqualTo(all);

    Recorder late = new Recorder(Long.MAX_VALUE);
    fanOut.subscribe(late);
    assertThat(late.awaitCompleted()).isEqualTo(all);
  }

  @Test
  void anActionAttachedAfterTheFanOutEndedGetsEveryResultBeforeForEachReturns() throws Exception {
    join("e1", "e2", "e3");
    FanOut<StringValue> fanOut = fanOut(FanOutOptions.all());
    List<Result<StringValue>> all = fanOut.results().get(10, TimeUnit.SECONDS);
    List<Result<StringValue>> given = new ArrayList<>();
    Set<Thread> threads = new HashSet<>();

    fanOut.forEach(
        result -> {
          given.add(result);
          threads.add(Thread.currentThread());
        });

    assertThat(given).isEqualTo(all);
    assertThat(threads).containsExactly(Thread.currentThread());
  }

  @Test
  void aRequestTooLargeFailsTheWholeFanOutAndSendsNothing() throws Exception {
    Clients small = Clients.newBuilder().maxRequestBytes(1024).maxQueuedBytesPerClient(4096).build();
    try (Fleet limited = Fleet.start(small)) {
      limited.agent("a", agents.registry("a"));
      FanOut<StringValue> fanOut =
          small.fanOut(BytesValue.of(ByteString.copyFrom(new byte[2048])), StringValue.parser(), FanOutOptions.all());

      assertThatThrownBy(fanOut::await)
          .isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
      Recorder subscriber = new Recorder(Long.MAX_VALUE);
      fanOut.subscribe(subscriber);
      assertThat(subscriber.errors.poll(10, TimeUnit.SECONDS)).isInstanceOf(StatusRuntimeException.class);
      assertThat(agents.called()).isEmpty();
    }
  }

  @Test
  void aFanOutOverNoClientsEndsAtOnce() throws Exception {
    assertThat(fanOut(FanOutOptions.selecting("nobody=here")).results().get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void anOriginalProtocolPeerHasNoLabelsAndIsStillSelected() throws Exception {
    RawStream original = new RawStream(fleet.readyChannel()).hello("original");
    fleet.awaitJoin("original");

    assertThat(fleet.clients().info("original").labels()).isEmpty();
    FanOut<StringValue> fanOut = fanOut(FanOutOptions.selecting("!region"));
    assertThat(original.next().getRequest().getPayload().unpack(StringValue.class)).isEqualTo(REQUEST);
    original.cancel();
    assertThat(fanOut.await()).singleElement().satisfies(r -> assertThat(r.client()).isEqualTo("original"));
  }

  @Test
  void helloWithInvalidLabelsIsRefused() throws Exception {
    RawStream bad = new RawStream(fleet.readyChannel());
    bad.send(
        ClientToServer.newBuilder()
            .setHello(ClientToServer.Hello.newBuilder().setName("bad").putLabels("no spaces", "x"))
            .build());

    Status status = bad.awaitClose();
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("label key");
    assertThat(fleet.clients().isConnected("bad")).isFalse();
  }

  // ---- helpers ----

  private FanOut<StringValue> fanOut(FanOutOptions options) {
    return fleet.clients().fanOut(REQUEST, StringValue.parser(), options);
  }

  private void join(String... names) {
    for (String name : names) {
      fleet.agent(name, agents.registry(name));
    }
  }

  private void awaitNoPendingCalls() {
    long deadline = System.nanoTime() + Fleet.WAIT.toNanos();
    while (fleet.clients().pendingCalls() != 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(fleet.clients().pendingCalls() + " calls still pending after " + Fleet.WAIT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private static List<String> clientsOf(List<Result<StringValue>> results) {
    return results.stream().map(Result::client).collect(Collectors.toList());
  }

  private static Result<StringValue> resultOf(List<Result<StringValue>> results, String client) {
    return results.stream()
        .filter(r -> r.client().equals(client))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result for " + client + " in " + results));
  }

  /** A Flow.Subscriber that requests {@code batch} at a time. */
  private static final class Recorder implements Flow.Subscriber<Result<StringValue>> {
    final long batch;
    final List<Result<StringValue>> received = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<List<Result<StringValue>>> completed = new CompletableFuture<>();
    final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    Flow.Subscription subscription;
    long outstanding;

    Recorder(long batch) {
      this.batch = batch;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      outstanding = batch;
      subscription.request(batch);
    }

    @Override
    public void onNext(Result<StringValue> item) {
      received.add(item);
      if (batch != Long.MAX_VALUE && --outstanding == 0) {
        outstanding = batch;
        subscription.request(batch);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      errors.add(throwable);
    }

    @Override
    public void onComplete() {
      completed.complete(new ArrayList<>(received));
    }

    List<Result<StringValue>> awaitCompleted() throws Exception {
      return completed.get(10, TimeUnit.SECONDS);
    }
  }

  /** The agents' side: who was called, when, how many at once, and who saw a cancel. */
  private static final class Agents {
    private final Map<String, Long> delays = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final Set<String> holding = ConcurrentHashMap.newKeySet();
    private final Map<String, String> failAfter = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> called = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Status>> cancelled = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    Agents delay(String name, long millis) {
      delays.put(name, millis);
      return this;
    }

    Agents fail(String name) {
      failing.add(name);
      return this;
    }

    Agents hold(String name) {
      holding.add(name);
      return this;
    }

    /** {@code name} answers or fails only once {@code other} is running. */
    Agents after(String name, String other) {
      failAfter.put(name, other);
      return this;
    }

    HandlerRegistry registry(String name) {
      return new HandlerRegistry().register(StringValue.getDefaultInstance(), request -> serve(name));
    }

    private StringValue serve(String name) throws io.grpc.StatusException {
      called.add(name);
      startedAt.put(name, System.nanoTime());
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      running.computeIfAbsent(name, n -> new CompletableFuture<>()).complete(null);
      try {
        String other = failAfter.get(name);
        if (other != null) {
          awaitQuietly(running.computeIfAbsent(other, n -> new CompletableFuture<>()), Fleet.WAIT.toMillis());
        }
        if (failing.contains(name)) {
          throw Status.INTERNAL.withDescription(name + " failed to deploy").asException();
        }
        Context context = Context.current();
        CompletableFuture<Void> cancel = new CompletableFuture<>();
        context.addListener(c -> cancel.complete(null), Runnable::run);
        long wait = holding.contains(name) ? Fleet.WAIT.toMillis() : delays.getOrDefault(name, 0L);
        if (wait > 0 && awaitQuietly(cancel, wait)) {
          cancelled.computeIfAbsent(name, n -> new CompletableFuture<>()).complete(Contexts.statusFromCancelled(context));
          throw Status.CANCELLED.withDescription("cancelled").asException();
        }
        return StringValue.of(name);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    /** Waits for {@code future} up to {@code millis}; true if it completed. */
    private static boolean awaitQuietly(CompletableFuture<?> future, long millis) {
      try {
        future.get(millis, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      } catch (ExecutionException e) {
        throw new AssertionError(e);
      }
    }

    List<String> called() {
      return new ArrayList<>(called);
    }

    long startedAt(String name) {
      return startedAt.get(name);
    }

    int maxRunning() {
      return maxInFlight.get();
    }

    void reset() {
      called.clear();
      maxInFlight.set(0);
    }

    void awaitRunning(int count) throws Exception {
      long deadline = System.nanoTime() + Fleet.WAIT.toNanos();
      while (inFlight.get() < count) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(inFlight.get() + " of " + count + " handlers running after " + Fleet.WAIT);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
    }

    Status awaitCancelled(String name) throws Exception {
      return cancelled.computeIfAbsent(name, n -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
    }
  }
}
