package dev.agentrpc.reliability.harness;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A controller in a JVM of its own under constant load, one of its agents not reading:
 * {@code LoadedControllerMain <seconds> <maxQueuedBytesPerClient>} prints
 * {@code ready port=<port>}, waits for the agents {@code stalled} and {@code good}, then for
 * that many seconds keeps sending 64 KiB requests to {@code stalled} (which never reads them)
 * and echo calls to {@code good}, samples {@link Clients#queuedBytes()}, takes the heap after
 * GC at mid-run and at the end, and prints one {@code result key=value ...} line.
 */
public final class LoadedControllerMain {
  private static final int CALLERS = 4;
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final BytesValue PAYLOAD = BytesValue.of(ByteString.copyFrom(new byte[64 * 1024]));

  private LoadedControllerMain() {}

  public static void main(String[] args) throws Exception {
    Duration run = Duration.ofSeconds(Long.parseLong(args[0]));
    long cap = Long.parseLong(args[1]);
    Clients clients = Clients.newBuilder().maxQueuedBytesPerClient(cap).build();
    Controller controller = Controller.start(clients, 0);
    System.out.println("ready port=" + controller.port());
    clients.awaitConnected(List.of("stalled", "good"), Duration.ofSeconds(30));
    long baseHeap = Probe.heapAfterGc();

    CallTracker stalledCalls = new CallTracker(Duration.ofSeconds(1));
    CallTracker goodCalls = new CallTracker(Duration.ofSeconds(1));
    AtomicLong maxQueued = new AtomicLong();
    long end = System.nanoTime() + run.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      threads.add(
          Load.until(end, "caller-" + i, Duration.ofMillis(1), () -> {
            long start = System.nanoTime();
            stalledCalls.track(clients.call("stalled", PAYLOAD, Int64Value.parser(), TIMEOUT), start, TIMEOUT);
            goodCalls.startBlocking();
            Throwable failure = null;
            try {
              Calls.await(clients.call("good", StringValue.of("x"), StringValue.parser(), TIMEOUT));
            } catch (RuntimeException e) {
              failure = e;
            }
            goodCalls.ended(start, TIMEOUT, failure);
          }));
    }
    threads.add(
        Load.until(end, "sampler", Duration.ofMillis(1), () -> maxQueued.accumulateAndGet(clients.queuedBytes(), Math::max)));
    LockSupport.parkNanos(run.toNanos() / 2);
    long midHeap = Probe.heapAfterGc();
    for (Thread thread : threads) {
      thread.join();
    }
    long endHeap = Probe.heapAfterGc(); // the stalled agent's queue is still full
    long outstandingDeadline = System.nanoTime() + TIMEOUT.plusSeconds(5).toNanos();
    while (stalledCalls.outstanding() + goodCalls.outstanding() > 0 && System.nanoTime() < outstandingDeadline) {
      LockSupport.parkNanos(10_000_000);
    }
    System.out.println(
        "result cap=" + cap
            + " maxQueuedBytes=" + maxQueued.get()
            + " baseHeap=" + baseHeap
            + " midHeap=" + midHeap
            + " endHeap=" + endHeap
            + " stalledCalls=" + stalledCalls.started()
            + " stalledOutcomes=" + stalledCalls.outcomes().toString().replace(" ", "")
            + " goodCalls=" + goodCalls.started()
            + " goodOutcomes=" + goodCalls.outcomes().toString().replace(" ", "")
            + " late=" + (stalledCalls.late() + goodCalls.late())
            + " outstanding=" + (stalledCalls.outstanding() + goodCalls.outstanding())
            + " pending=" + clients.pendingCalls()
            + " threads=" + Probe.liveThreads());
    ChildJvm.serveParent(command -> {});
  }
}
