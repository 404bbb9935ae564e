package dev.agentrpc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.reliability.harness.Agents;
import dev.agentrpc.reliability.harness.Await;
import dev.agentrpc.reliability.harness.CallTracker;
import dev.agentrpc.reliability.harness.Controller;
import dev.agentrpc.reliability.harness.Figures;
import dev.agentrpc.reliability.harness.Form;
import dev.agentrpc.reliability.harness.Handlers;
import dev.agentrpc.reliability.harness.Load;
import dev.agentrpc.reliability.harness.Probe;
import dev.agentrpc.reliability.harness.RawAgent;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Promise: every call ends (with a value or a status) within its timeout plus 1 s, nothing
 * stays pending, and threads and heap stay flat, while agents are killed and restarted at
 * random; callers mix calls, call-alls and cancels, some attach blocking stages, and one agent
 * stops reading its stream. The controller and the agents share this JVM.
 */
class ChaosKeepsEveryCallWithinItsTimeoutTest {
  private static final int AGENTS = Form.pick(20, 200);
  private static final Duration RUN = Form.seconds(60, 600);
  /** Threads and heap are taken after this, then at the end of the run, both under load. */
  private static final Duration WARM_UP = Form.seconds(15, 60);
  private static final int CALLERS = 4;
  private static final Duration LATE = Duration.ofSeconds(1);
  private static final Duration SHORT = Duration.ofSeconds(1);
  private static final Duration LONG = Duration.ofSeconds(2);
  /**
   * Live threads may differ by this much between the two snapshots (gRPC's executor threads
   * come and go with load); a leak of one per restart (hundreds of restarts) is far above it.
   */
  private static final int THREAD_TOLERANCE = 16;
  /**
   * The agents in this JVM share one handler pool, as a process hosting many agents would.
   * (Each agent's own default pool would start a thread per request up to 128: see
   * AgentThreadsFollowConcurrencyTest.)
   */
  private static final int HANDLER_THREADS = 128;
  /**
   * Heap after GC may differ by this much: the stalled agent's queue alone moves between 0 and
   * its 8 MiB bound, and the calls in flight at the moment of the snapshot vary.
   */
  private static final long HEAP_TOLERANCE = 24L << 20;

  private final Handlers handlers = new Handlers();
  private final CallTracker tracker = new CallTracker(LATE);
  private final AtomicInteger handlerThreadIds = new AtomicInteger();
  private final ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService handlerPool =
      Executors.newFixedThreadPool(
          HANDLER_THREADS, task -> new Thread(task, "chaos-handler-" + handlerThreadIds.incrementAndGet()));
  private volatile boolean stop;

  /** One agent name, alive or killed. */
  private final class Slot {
    final String name;
    final int port;
    ManagedChannel channel; // guarded by this
    StreamClient client; // guarded by this

    Slot(String name, int port) {
      this.name = name;
      this.port = port;
    }

    synchronized boolean alive() {
      return client != null;
    }

    synchronized void start() {
      channel = Agents.channel(port);
      client =
          StreamClient.newBuilder(channel, name, handlers.registry(name))
              .executor(handlerPool)
              .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
              .start();
    }

    synchronized void kill() {
      if (client != null) {
        Agents.stop(client, channel);
        client = null;
        channel = null;
      }
    }
  }

  @Test
  void everyCallEndsWithinItsTimeoutAndNothingGrowsWhileAgentsComeAndGo() throws Exception {
    Figures figures = new Figures("chaos");
    List<Slot> slots = new ArrayList<>();
    try (Controller controller = Controller.start(Clients.create())) {
      Clients clients = controller.clients();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < AGENTS; i++) {
        Slot slot = new Slot(String.format("chaos-%03d", i), controller.port());
        slots.add(slot);
        names.add(slot.name);
        slot.start();
      }
      clients.awaitConnected(names, Duration.ofSeconds(30));
      ManagedChannel stalledChannel = Agents.channel(controller.port());
      RawAgent stalled = RawAgent.connectNotReading(stalledChannel, "chaos-stalled");
      clients.awaitConnected(List.of("chaos-stalled"), Duration.ofSeconds(10));

      AtomicInteger restarts = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      threads.add(Load.whileTrue(() -> !stop, "monkey", Duration.ofMillis(50), () -> monkey(slots, restarts)));
      for (int c = 0; c < CALLERS; c++) {
        threads.add(Load.whileTrue(() -> !stop, "caller-" + c, Duration.ofMillis(2), () -> callSomething(clients, slots, false)));
      }
      // Attaches a stage that blocks for 10 ms to each call; paced so the callback pool keeps up.
      threads.add(Load.whileTrue(() -> !stop, "blocking-stages", Duration.ofMillis(20), () -> callSomething(clients, slots, true)));

      long start = System.nanoTime();
      // The run itself: load for WARM_UP, snapshot, load until RUN, snapshot.
      LockSupport.parkNanos(WARM_UP.toNanos());
      int threadsWarm = Probe.liveThreads();
      long heapWarm = Probe.heapAfterGc();
      LockSupport.parkNanos(RUN.toNanos() - (System.nanoTime() - start));
      Map<String, Integer> threadKinds = Probe.threadsByKind();
      int threadsEnd = Probe.liveThreads();
      long heapEnd = Probe.heapAfterGc();
      stop = true;
      for (Thread thread : threads) {
        thread.join(30_000);
        assertThat(thread.isAlive()).as(thread.getName() + " stopped").isFalse();
      }
      Await.until(
          "every call to end",
          LONG.plus(LATE).plusSeconds(5),
          () -> tracker.outstanding() == 0,
          () -> tracker.outstanding() + " outstanding");
      Await.until(
          "Clients.pendingCalls() to be 0",
          Duration.ofSeconds(10),
          () -> clients.pendingCalls() == 0,
          () -> clients.pendingCalls() + " pending");

      figures.record("agents", AGENTS);
      figures.record("run_s", RUN.toSeconds());
      figures.record("calls", tracker.started());
      figures.record("outcomes", tracker.outcomes().toString().replace(" ", ""));
      figures.record("restarts", restarts.get());
      figures.record("late_calls", tracker.late());
      figures.record("worst_ms_beyond_timeout", tracker.worstOverTimeoutMillis());
      figures.record("pending_after", clients.pendingCalls());
      figures.record("threads_warm", threadsWarm);
      figures.record("threads_end", threadsEnd);
      figures.record("thread_kinds_end", threadKinds.toString().replace(" ", ""));
      figures.record("heap_after_gc_warm", Figures.mib(heapWarm));
      figures.record("heap_after_gc_end", Figures.mib(heapEnd));

      assertThat(tracker.late()).as("calls that ended more than %s after their timeout", LATE).isZero();
      assertThat(tracker.ended()).isEqualTo(tracker.started()).isPositive();
      assertThat(threadsEnd)
          .as("live threads at the end vs after warm-up (%s)", threadsWarm)
          .isLessThanOrEqualTo(threadsWarm + THREAD_TOLERANCE);
      assertThat(heapEnd).as("heap after GC at the end vs after warm-up (%s)", Figures.mib(heapWarm))
          .isLessThanOrEqualTo(heapWarm + HEAP_TOLERANCE);
      stalled.close();
      stalledChannel.shutdownNow();
    } finally {
      canceller.shutdownNow();
      slots.forEach(Slot::kill);
      handlerPool.shutdownNow();
    }
  }

  /** Kills a random live agent (keeping at least half alive) or restarts a killed one. */
  private void monkey(List<Slot> slots, AtomicInteger restarts) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Slot slot = slots.get(random.nextInt(slots.size()));
    long alive = slots.stream().filter(Slot::alive).count();
    if (!slot.alive()) {
      slot.start();
      restarts.incrementAndGet();
    } else if (random.nextInt(10) == 0) {
      slot.kill(); // and at once again, racing the old session's leave
      slot.start();
      restarts.incrementAndGet();
    } else if (alive > slots.size() / 2) {
      slot.kill();
    }
  }

  private void callSomething(Clients clients, List<Slot> slots, boolean blockingStage) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String agent = slots.get(random.nextInt(slots.size())).name;
    int op = random.nextInt(100);
    CompletableFuture<?> call;
    long start = System.nanoTime();
    if (op < 30) {
      call = tracker.track(clients.call(agent, StringValue.of("x"), StringValue.parser(), SHORT), start, SHORT);
    } else if (op < 45) {
      Int64Value hold = Int64Value.of(random.nextInt(1500));
      call = tracker.track(clients.call(agent, hold, Int64Value.parser(), SHORT), start, SHORT);
    } else if (op < 55) {
      call = tracker.track(clients.callAll(StringValue.of("all"), StringValue.parser(), SHORT), start, SHORT);
    } else if (op < 65) {
      BytesValue bytes = BytesValue.of(ByteString.copyFrom(new byte[1024 + random.nextInt(64 * 1024)]));
      call = tracker.track(clients.call("chaos-stalled", bytes, Int64Value.parser(), SHORT), start, SHORT);
    } else if (op < 80) {
      call = tracker.track(clients.call(agent, Int64Value.of(5000), Int64Value.parser(), LONG), start, LONG);
      cancelLater(call, random.nextInt(300));
    } else if (op < 90) {
      tracker.startBlocking();
      Throwable failure = null;
      try {
        Calls.await(clients.call(agent, StringValue.of("wait"), StringValue.parser(), SHORT));
      } catch (RuntimeException e) {
        failure = e;
      }
      tracker.ended(start, SHORT, failure);
      return;
    } else if (op < 95) {
      call = tracker.track(clients.callAll(Int64Value.of(300), Int64Value.parser(), SHORT), start, SHORT);
      if (random.nextBoolean()) {
        cancelLater(call, random.nextInt(200));
      }
    } else {
      // Cancelled through the caller's Context instead of the future.
      Context.CancellableContext context = Context.current().withCancellation();
      Context previous = context.attach();
      try {
        call = tracker.track(clients.call(agent, Int64Value.of(5000), Int64Value.parser(), LONG), start, LONG);
      } finally {
        context.detach(previous);
      }
      canceller.schedule(() -> context.cancel(null), random.nextInt(100), TimeUnit.MILLISECONDS);
    }
    if (blockingStage) {
      call.whenComplete((value, failure) -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)));
    }
  }

  private void cancelLater(CompletableFuture<?> call, int millis) {
    canceller.schedule(() -> call.cancel(true), millis, TimeUnit.MILLISECONDS);
  }
}
