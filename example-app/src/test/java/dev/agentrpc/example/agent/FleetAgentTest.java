package dev.agentrpc.example.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrpc.example.v1.EchoRequest;
import dev.agentrpc.example.v1.HostInfo;
import dev.agentrpc.example.v1.HostInfoRequest;
import dev.agentrpc.example.v1.SleepRequest;
import dev.agentrpc.example.v1.SleepResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent's operations, called directly (no transport). */
@Timeout(30)
class FleetAgentTest {
  @TempDir Path root;

  private final LinkedBlockingQueue<SleepEvent> events = new LinkedBlockingQueue<>();
  private FleetAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    agent = new FleetAgent("agent-1", SandboxRoot.of(root), events::add);
  }

  @AfterEach
  void tearDown() {
    agent.close();
  }

  @Test
  void hostInfoDescribesThisMachine() {
    HostInfo info = agent.hostInfo(HostInfoRequest.getDefaultInstance());
    assertThat(info.getAgent()).isEqualTo("agent-1");
    assertThat(info.getHostname()).isNotBlank();
    assertThat(info.getOs()).startsWith(System.getProperty("os.name"));
    assertThat(info.getCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(info.getJvmUptime().getSeconds() * 1000 + info.getJvmUptime().getNanos() / 1_000_000)
        .isPositive();
    assertThat(info.getJvmFreeMemoryBytes()).isPositive();
    assertThat(info.getJvmMaxMemoryBytes()).isGreaterThanOrEqualTo(info.getJvmFreeMemoryBytes());
    assertThat(info.getJavaVersion()).isEqualTo(System.getProperty("java.version"));
    if (info.hasSystemLoad()) {
      assertThat(info.getSystemLoad()).isNotNegative();
    }
  }

  @Test
  void echoAnswersWithTheTextAndItsName() {
    assertThat(agent.echo(EchoRequest.newBuilder().setText("héllo").build()))
        .satisfies(reply -> assertThat(reply.getText()).isEqualTo("héllo"))
        .satisfies(reply -> assertThat(reply.getAgent()).isEqualTo("agent-1"));
  }

  @Test
  void sleepAnswersAfterTheTime() throws Exception {
    long start = System.nanoTime();
    SleepResponse reply =
        agent.sleep(SleepRequest.newBuilder().setMillis(50).build()).get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(50);
    assertThat(reply.getSleptMillis()).isGreaterThanOrEqualTo(50);
    assertThat(reply.getAgent()).isEqualTo("agent-1");
    SleepEvent event = events.poll(10, TimeUnit.SECONDS);
    assertThat(event.outcome()).isEqualTo(SleepEvent.Outcome.COMPLETED);
  }

  @Test
  void sleepStopsAtOnceWhenItsContextIsCancelled() throws Exception {
    Context.CancellableContext context = Context.current().withCancellation();
    CompletableFuture<SleepResponse> sleep =
        context.call(() -> agent.sleep(SleepRequest.newBuilder().setMillis(600_000).build()));
    assertThat(sleep).isNotDone();

    context.cancel(Status.CANCELLED.withDescription("cancelled by the server").asException());

    assertThatThrownBy(() -> sleep.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
    SleepEvent event = events.poll(10, TimeUnit.SECONDS);
    assertThat(event.outcome()).isEqualTo(SleepEvent.Outcome.CANCELLED);
    assertThat(event.detail()).isEqualTo("cancelled by the server");
    assertThat(event.elapsedMillis()).isLessThan(600_000);
  }

  @Test
  void sleepStopsWhenItsDeadlinePasses() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      Context.CancellableContext context =
          Context.current().withDeadlineAfter(50, TimeUnit.MILLISECONDS, scheduler);
      CompletableFuture<SleepResponse> sleep =
          context.call(() -> agent.sleep(SleepRequest.newBuilder().setMillis(600_000).build()));

      assertThatThrownBy(() -> sleep.get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
      SleepEvent event = events.poll(10, TimeUnit.SECONDS);
      assertThat(event.outcome()).isEqualTo(SleepEvent.Outcome.DEADLINE_EXCEEDED);
      assertThat(event.elapsedMillis()).isLessThan(600_000);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void sleepInAnAlreadyCancelledContextStopsAtOnce() throws Exception {
    Context.CancellableContext context = Context.current().withCancellation();
    context.cancel(null);
    CompletableFuture<SleepResponse> sleep =
        context.call(() -> agent.sleep(SleepRequest.newBuilder().setMillis(600_000).build()));
    assertThat(sleep).isCompletedExceptionally();
  }

  @Test
  void sleepRefusesMoreThanTenMinutes() {
    CompletableFuture<SleepResponse> sleep =
        agent.sleep(SleepRequest.newBuilder().setMillis((int) FleetAgent.MAX_SLEEP_MILLIS + 1).build());
    assertThatThrownBy(sleep::join)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    // an unsigned value past Integer.MAX_VALUE is not mistaken for a short sleep
    assertThat(agent.sleep(SleepRequest.newBuilder().setMillis(-1).build())).isCompletedExceptionally();
  }
}
