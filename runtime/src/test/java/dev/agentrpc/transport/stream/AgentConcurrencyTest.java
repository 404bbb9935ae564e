package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.server.Clients;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.Outcomes;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An agent runs at most its bound of handlers at once, whatever the controller sends. */
@Timeout(60)
class AgentConcurrencyTest {
  private static final int BOUND = 8;

  @Test
  void handlersThatIgnoreTheirContextStayAtTheBoundAndTheRestAreRefusedAtOnce()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    HandlerRegistry stubborn =
        new HandlerRegistry()
            .register(
                Int64Value.getDefaultInstance(),
                request -> {
                  mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                  try {
                    release.await(Fleet.WAIT.toSeconds() * 3, TimeUnit.SECONDS); // ignores its Context
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } finally {
                    running.decrementAndGet();
                  }
                  return request;
                })
            .register(StringValue.getDefaultInstance(), request -> request);
    try (Fleet fleet = Fleet.start(Clients.newBuilder().maxInFlightPerClient(64).build())) {
      fleet.agent("a", stubborn, agent -> agent.maxConcurrentHandlers(BOUND));

      Map<Status.Code, Integer> outcomes = new EnumMap<>(Status.Code.class);
      for (int round = 0; round < 10; round++) {
        List<CompletableFuture<Int64Value>> calls = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          calls.add(fleet.clients().call("a", Int64Value.of(i), Int64Value.parser(), Duration.ofMillis(100)));
        }
        for (CompletableFuture<Int64Value> call : calls) {
          outcomes.merge(Outcomes.statusOf(call).getCode(), 1, Integer::sum);
        }
      }

      assertThat(mostRunning.get()).isEqualTo(BOUND);
      assertThat(handlerThreads("a")).isLessThanOrEqualTo(BOUND);
      // Which of the two each call gets depends on timing (a loaded machine may time out all of
      // them before the agent refuses any); no other outcome is allowed, and the call below
      // shows the refusal itself.
      assertThat(outcomes.keySet()).isSubsetOf(Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED);
      CompletableFuture<Int64Value> refused =
          fleet.clients().call("a", Int64Value.of(0), Int64Value.parser(), Duration.ofSeconds(10));
      Outcomes.assertFails(refused, Status.Code.RESOURCE_EXHAUSTED, "already running 8 handlers");

      release.countDown();
      // The held handlers return now; until the last has, a call may still be refused.
      long deadline = System.nanoTime() + Fleet.WAIT.toNanos();
      Status echo;
      do {
        echo =
            Outcomes.statusOf(
                fleet.clients().call("a", StringValue.of("free again"), StringValue.parser(), Duration.ofSeconds(10)));
      } while (echo.getCode() == Status.Code.RESOURCE_EXHAUSTED && System.nanoTime() < deadline);
      assertThat(echo.getCode()).isEqualTo(Status.Code.OK);
    }
  }

  private static long handlerThreads(String agent) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("agentrpc-handler-" + agent + "-"))
        .filter(Thread::isAlive)
        .count();
  }
}
