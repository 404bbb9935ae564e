package dev.agentrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many concurrent calls while agents drop and rejoin: every call completes, none hangs. */
@Timeout(120)
class ChurnConcurrencyTest {
  private static final int AGENTS = 8;
  private static final int CALLS = 2_000;
  private static final int BATCH = 100;

  @Test
  void everyFanOutGivesOneResultPerTargetWhileAgentsDisconnectAndRejoin() throws Exception {
    ScheduledExecutorService work = Executors.newSingleThreadScheduledExecutor();
    Random random = new Random(7);
    try (Fleet fleet = Fleet.start()) {
      HandlerRegistry registry =
          new HandlerRegistry()
              .registerAsync(
                  StringValue.getDefaultInstance(),
                  request -> {
                    CompletableFuture<StringValue> reply = new CompletableFuture<>();
                    work.schedule(() -> reply.complete(request), random.nextInt(3), TimeUnit.MILLISECONDS);
                    return reply;
                  });
      List<StreamClient> agents = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < AGENTS; i++) {
        names.add("agent-" + i);
        agents.add(fleet.agent("agent-" + i, registry));
      }
      FanOutOptions[] shapes = {
        FanOutOptions.all(),
        FanOutOptions.clients(names).window(3),
        FanOutOptions.clients(names).window(2).maxFailures(1),
        FanOutOptions.all().quorum(4),
        FanOutOptions.clients(names).windowPercent(50).stallTimeout(Duration.ofSeconds(5)),
      };
      List<FanOut<StringValue>> fanOuts = new ArrayList<>();
      for (int round = 0; round < 100; round++) {
        for (FanOutOptions shape : shapes) {
          fanOuts.add(
              fleet.clients()
                  .fanOut(StringValue.of("round-" + round), StringValue.parser(), shape, Duration.ofSeconds(20),
                      fleet.clients().callbackExecutor()));
        }
        if (round % 5 == 0) {
          int victim = random.nextInt(AGENTS);
          agents.get(victim).close();
          agents.set(victim, fleet.startAgent("agent-" + victim, registry, UnaryOperator.identity()));
        }
      }

      for (FanOut<StringValue> fanOut : fanOuts) {
        List<Result<StringValue>> results = fanOut.results().get(60, TimeUnit.SECONDS);
        assertThat(results).as(fanOut.toString()).hasSize(fanOut.size());
        assertThat(results.stream().map(Result::client).distinct().count()).isEqualTo(fanOut.size());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (fleet.clients().pendingCalls() != 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
      assertThat(fleet.clients().pendingCalls()).isZero();
    } finally {
      work.shutdownNow();
    }
  }

  @Test
  void everyCallCompletesWithAValueOrAStatusWhileAgentsDisconnectAndRejoin() throws Exception {
    ScheduledExecutorService work = Executors.newSingleThreadScheduledExecutor();
    Random random = new Random(42);
    try (Fleet fleet = Fleet.start()) {
      HandlerRegistry registry =
          new HandlerRegistry()
              .registerAsync(
                  StringValue.getDefaultInstance(),
                  request -> {
                    // Answer after 0-4 ms, so calls overlap with the churn.
                    CompletableFuture<StringValue> reply = new CompletableFuture<>();
                    work.schedule(
                        () -> reply.complete(request),
                        request.getValue().hashCode() & 3,
                        TimeUnit.MILLISECONDS);
                    return reply;
                  });
      List<StreamClient> agents = new ArrayList<>();
      for (int i = 0; i < AGENTS; i++) {
        agents.add(fleet.agent("agent-" + i, registry));
      }

      List<CompletableFuture<StringValue>> calls = new ArrayList<>();
      int churns = 0;
      for (int sent = 0; sent < CALLS; sent += BATCH) {
        for (int i = 0; i < BATCH; i++) {
          String target = "agent-" + random.nextInt(AGENTS);
          calls.add(
              fleet
                  .clients()
                  .call(target, StringValue.of("call-" + (sent + i)), StringValue.parser(), Duration.ofSeconds(20)));
        }
        // Drop one agent and rejoin it under the same name while calls are in flight.
        int victim = random.nextInt(AGENTS);
        agents.get(victim).close();
        agents.set(
            victim, fleet.startAgent("agent-" + victim, registry, UnaryOperator.identity()));
        churns++;
      }

      CompletableFuture.allOf(calls.stream().map(c -> c.handle((v, t) -> null)).toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);

      Map<Status.Code, Integer> outcomes = new EnumMap<>(Status.Code.class);
      for (CompletableFuture<StringValue> call : calls) {
        assertThat(call).isDone();
        Status.Code code =
            call.handle((value, failure) -> failure == null ? Status.Code.OK : Calls.statusOf(failure).getCode())
                .join();
        outcomes.merge(code, 1, Integer::sum);
      }
      assertThat(churns).isEqualTo(CALLS / BATCH);
      assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(CALLS);
      assertThat(outcomes.getOrDefault(Status.Code.OK, 0)).as(outcomes.toString()).isGreaterThan(CALLS / 10);
      // Calls fail only because their agent left or was not there yet: never by hanging.
      assertThat(outcomes.keySet())
          .as(outcomes.toString())
          .isSubsetOf(Status.Code.OK, Status.Code.UNAVAILABLE, Status.Code.NOT_FOUND);
      assertThat(fleet.clients().pendingCalls()).isZero();

      // After the churn every agent is back, once, and answers.
      for (int i = 0; i < AGENTS; i++) {
        fleet.awaitConnected("agent-" + i);
      }
      List<Result<StringValue>> all =
          Calls.await(fleet.clients().callAll(StringValue.of("end"), StringValue.parser()));
      assertThat(all).hasSize(AGENTS).allMatch(Result::isOk);
    } finally {
      work.shutdownNow();
    }
  }
}
