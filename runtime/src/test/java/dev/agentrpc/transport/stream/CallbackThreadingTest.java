package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.Outcomes;
import dev.agentrpc.testing.TestAgent;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where callers' code runs: never on the event loop or the timer thread, so a stage that
 * blocks delays nobody else's call. The server runs on {@code directExecutor()} as the
 * README recommends.
 */
@Timeout(60)
class CallbackThreadingTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  private final CountDownLatch release = new CountDownLatch(1);
  private Fleet fleet;

  @AfterEach
  void tearDown() throws InterruptedException {
    release.countDown();
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void aStageThatBlocksDoesNotStopAnotherCallsDeadline() throws Exception {
    fleet = Fleet.start();
    fleet.agent("a", new TestAgent("a").registry());
    CountDownLatch blocking = new CountDownLatch(1);
    CompletableFuture<Int64Value> first =
        fleet.clients().call("a", Int64Value.of(60_000), Int64Value.parser(), Duration.ofMillis(100));
    first.whenComplete(
        (value, failure) -> {
          blocking.countDown();
          awaitRelease(); // a user stage that blocks, on whatever thread completed `first`
        });
    assertThat(blocking.await(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    CompletableFuture<Int64Value> second =
        fleet.clients().call("a", Int64Value.of(60_000), Int64Value.parser(), Duration.ofMillis(200));

    Outcomes.assertFails(second, Status.Code.DEADLINE_EXCEEDED, "within 200 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void stagesRunOnTheCallbackExecutorNeverOnTheEventLoopOrTheTimer() throws Exception {
    fleet = Fleet.start();
    CountDownLatch stageAttached = new CountDownLatch(1);
    fleet.agent("a", new TestAgent("a").registry());
    fleet.agent(
        "gated",
        new HandlerRegistry()
            .register(
                StringValue.getDefaultInstance(),
                request -> {
                  // Answer only once the stage is attached, so it cannot run on the caller.
                  try {
                    stageAttached.await(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return request;
                }));

    CompletableFuture<String> replyThread =
        fleet.clients()
            .call("gated", StringValue.of("x"), StringValue.parser(), LONG)
            .thenApply(reply -> Thread.currentThread().getName());
    stageAttached.countDown();
    CompletableFuture<String> timeoutThread = new CompletableFuture<>();
    fleet.clients()
        .call("a", Int64Value.of(60_000), Int64Value.parser(), Duration.ofMillis(50))
        .whenComplete((value, failure) -> timeoutThread.complete(Thread.currentThread().getName()));

    assertThat(replyThread.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS))
        .startsWith("agentrpc-callback-");
    assertThat(timeoutThread.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS))
        .startsWith("agentrpc-callback-");
  }

  @Test
  void aStageMayMakeABlockingCallToTheSameAgent() throws Exception {
    fleet = Fleet.start();
    fleet.agent("a", new TestAgent("a").registry());
    Clients clients = fleet.clients();

    long start = System.nanoTime();
    String inner =
        clients
            .call("a", StringValue.of("outer"), StringValue.parser(), LONG)
            .thenApply(
                outer ->
                    Calls.await(clients.call("a", StringValue.of("inner"), StringValue.parser(), LONG))
                        .getValue())
            .get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(inner).isEqualTo("a:inner");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aCallNamesItsOwnExecutor() throws Exception {
    fleet = Fleet.start();
    // The agent answers only once the stage below is attached: attached to a future already
    // complete, it would run on this thread.
    CountDownLatch attached = new CountDownLatch(1);
    fleet.agent(
        "a",
        new HandlerRegistry()
            .register(
                StringValue.getDefaultInstance(),
                request -> {
                  try {
                    attached.await(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw Status.CANCELLED.withDescription("interrupted").asException();
                  }
                  return request;
                }));
    ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "mine"));
    try {
      CompletableFuture<String> thread =
          fleet.clients()
              .call("a", StringValue.of("x"), StringValue.parser(), LONG, mine)
              .thenApply(reply -> Thread.currentThread().getName());
      attached.countDown();

      assertThat(thread.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("mine");
    } finally {
      mine.shutdownNow();
    }
  }

  @Test
  void listenersRunOnTheCallbackExecutor() throws Exception {
    Executor named = command -> new Thread(command, "listener-executor").start();
    fleet = Fleet.start(Clients.newBuilder().callbackExecutor(named).build());
    CompletableFuture<String> joinThread = new CompletableFuture<>();
    fleet.clients()
        .subscribe(
            new dev.agentrpc.server.ClientListener() {
              @Override
              public void onJoin(String client) {
                joinThread.complete(Thread.currentThread().getName());
              }
            });

    fleet.agent("a", new TestAgent("a").registry());

    assertThat(joinThread.get(Fleet.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("listener-executor");
  }

  private void awaitRelease() {
    try {
      release.await(Fleet.WAIT.toSeconds() * 3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
