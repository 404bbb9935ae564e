package dev.agentrpc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.reliability.harness.Agents;
import dev.agentrpc.reliability.harness.Await;
import dev.agentrpc.reliability.harness.BlackholingProxy;
import dev.agentrpc.reliability.harness.Controller;
import dev.agentrpc.reliability.harness.Figures;
import dev.agentrpc.reliability.harness.Handlers;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.ClientListener;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import dev.agentrpc.transport.stream.StreamClient;
import dev.agentrpc.transport.stream.StreamServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Promise: a dead connection is noticed within {@link StreamServer#KEEPALIVE_TIME} +
 * {@link StreamServer#KEEPALIVE_TIMEOUT} (15 s) on both ends with the recommended settings;
 * calls on it then fail UNAVAILABLE, its session leaves {@link Clients}, and the agent
 * redials, callable again once the path is back.
 */
class DeadConnectionIsNoticedTest {
  private static final String AGENT = "agent-behind-proxy";
  /** The stated bound, 15 s, plus slack for a loaded 2-core machine. */
  private static final Duration NOTICED_WITHIN = Duration.ofSeconds(25);
  private static final Duration BACK_WITHIN = Duration.ofSeconds(30);
  private static final Duration HOLD = Duration.ofMinutes(2);

  private record Ended(Status status, long nanos) {}

  @Test
  void aBlackholedConnectionFailsItsCallsWithinTheKeepaliveBoundAndTheAgentComesBack()
      throws Exception {
    Figures figures = new Figures("blackhole");
    Handlers handlers = new Handlers();
    try (Controller controller = Controller.start(Clients.create());
        BlackholingProxy proxy = BlackholingProxy.start(controller.port())) {
      Clients clients = controller.clients();
      AtomicLong sessionLeftAt = new AtomicLong();
      clients.subscribe(
          new ClientListener() {
            @Override
            public void onJoin(String client) {}

            @Override
            public void onLeave(String client) {
              sessionLeftAt.compareAndSet(0, System.nanoTime());
            }
          });
      AtomicLong agentLeftAt = new AtomicLong();
      ManagedChannel channel = Agents.channel(proxy.port());
      StreamClient agent =
          StreamClient.newBuilder(channel, AGENT, handlers.registry(AGENT))
              .onStateChange(
                  state -> {
                    if (state == StreamClient.State.WAITING_TO_RECONNECT) {
                      agentLeftAt.compareAndSet(0, System.nanoTime());
                    }
                  })
              .start();
      try {
        clients.awaitConnected(List.of(AGENT), Duration.ofSeconds(10));
        CompletableFuture<Ended> call =
            ended(clients.call(AGENT, Int64Value.of(HOLD.toMillis()), Int64Value.parser(), HOLD));
        CompletableFuture<List<Result<Int64Value>>> callAll =
            clients.callAll(Int64Value.of(HOLD.toMillis()), Int64Value.parser(), HOLD);
        CompletableFuture<Ended> callAllEnded = ended(callAll);
        Await.until("both holds running on the agent", Duration.ofSeconds(10), () -> handlers.holding() == 2);

        long start = System.nanoTime();
        proxy.blackhole();

        Ended failed = call.get(NOTICED_WITHIN.toNanos(), TimeUnit.NANOSECONDS);
        assertThat(failed.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        long callFailed = failed.nanos() - start;
        assertThat(callFailed).isLessThanOrEqualTo(NOTICED_WITHIN.toNanos());
        Ended allDone = callAllEnded.get(NOTICED_WITHIN.toNanos(), TimeUnit.NANOSECONDS);
        assertThat(allDone.status().isOk()).isTrue();
        assertThat(callAll.join()).singleElement()
            .satisfies(result -> assertThat(result.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        awaitSinceStart(start, "the session to leave Clients", () -> !clients.isConnected(AGENT));
        awaitSinceStart(
            start, "the agent to leave CONNECTED", () -> agent.state() != StreamClient.State.CONNECTED);
        awaitSinceStart(start, "the agent to cancel its handlers", () -> handlers.holding() == 0);
        // The listeners saw the moments; they run a little later on callback threads.
        Await.until("the leave and state events", Duration.ofSeconds(5),
            () -> sessionLeftAt.get() != 0 && agentLeftAt.get() != 0);
        figures.record("call_failed_unavailable_ms", Figures.millis(callFailed));
        figures.record("call_all_ended_ms", Figures.millis(allDone.nanos() - start));
        figures.record("session_left_clients_ms", Figures.millis(sessionLeftAt.get() - start));
        figures.record("agent_left_connected_ms", Figures.millis(agentLeftAt.get() - start));

        long resumed = System.nanoTime();
        proxy.resume();
        long back =
            Await.until(
                "the agent to be callable again through the proxy",
                BACK_WITHIN,
                () -> answersEcho(clients),
                () -> "(agent state " + agent.state() + ")");
        figures.record("callable_again_after_resume_ms", Figures.millis(System.nanoTime() - resumed));
        assertThat(back).isLessThanOrEqualTo(BACK_WITHIN.toNanos());
      } finally {
        Agents.stop(agent, channel);
      }
    }
  }

  /** Waits until {@code condition}, which must hold within the bound counted from {@code start}. */
  private static void awaitSinceStart(long start, String what, BooleanSupplier condition) {
    Duration left = NOTICED_WITHIN.minusNanos(System.nanoTime() - start);
    Await.until(what, left.isNegative() ? Duration.ZERO : left, condition);
  }

  private static boolean answersEcho(Clients clients) {
    if (!clients.isConnected(AGENT)) {
      return false;
    }
    try {
      StringValue reply =
          Calls.await(clients.call(AGENT, StringValue.of("back"), StringValue.parser(), Duration.ofSeconds(2)));
      return reply.getValue().equals(AGENT + ":back");
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  private static CompletableFuture<Ended> ended(CompletableFuture<?> call) {
    return call.handle(
        (value, failure) ->
            new Ended(failure == null ? Status.OK : Calls.statusOf(failure), System.nanoTime()));
  }
}
