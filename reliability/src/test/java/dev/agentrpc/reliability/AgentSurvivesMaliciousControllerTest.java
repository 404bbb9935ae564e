package dev.agentrpc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.agentrpc.proto.v1.Response;
import dev.agentrpc.reliability.harness.AgentMain;
import dev.agentrpc.reliability.harness.Await;
import dev.agentrpc.reliability.harness.ChildJvm;
import dev.agentrpc.reliability.harness.Figures;
import dev.agentrpc.reliability.harness.Form;
import dev.agentrpc.reliability.harness.MaliciousController;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Promise: an agent built with the defaults stays up, its threads bounded by
 * maxConcurrentHandlers and its heap by maxQueuedRequestBytes, whatever its controller sends.
 * A hand-written controller floods an agent running in a JVM of its own at -Xmx256m.
 */
class AgentSurvivesMaliciousControllerTest {
  private static final List<String> AGENT_JVM = List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError");
  /** StreamClient's default maxConcurrentHandlers. */
  private static final int HANDLERS = 128;
  /** StreamClient's default maxQueuedRequestBytes. */
  private static final long QUEUED_REQUEST_BYTES = 32L << 20;
  /**
   * Heap one admitted payload byte may take: G1 at -Xmx256m has 1 MiB regions, and an array
   * over half a region is "humongous" and takes whole regions, so a 1 MiB payload (plus its
   * array header) occupies two (a live-object histogram counts 1 MiB).
   */
  private static final long HEAP_PER_QUEUED_BYTE = 2;
  /** Requests being read and refused at the moment of the snapshot, and gRPC's buffers. */
  private static final long HEAP_SLACK = 16L << 20;
  /** Threads a JVM may start besides handlers while flooded (GC, JIT, Netty, gRPC executor). */
  private static final int THREAD_SLACK = 16;
  private static final int SLEEPERS = 2000;
  private static final Duration FLOOD = Form.seconds(5, 60);
  private static final ByteString MEBIBYTE = ByteString.copyFrom(new byte[1 << 20]);
  private static final Duration ASK = Duration.ofSeconds(30);

  private final MaliciousController controller = new MaliciousController();
  private Server server;
  private ChildJvm agent;
  private MaliciousController.Session session;
  private Map<String, String> baseline;

  @BeforeEach
  void startAgentUnderMaliciousController(TestInfo test) throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(controller)
            .build()
            .start();
    agent =
        ChildJvm.start(
            "malicious-" + test.getTestMethod().orElseThrow().getName(),
            AGENT_JVM,
            AgentMain.class,
            String.valueOf(server.getPort()),
            "victim");
    session = controller.awaitAgent(Duration.ofSeconds(30));
    baseline = agent.ask("stats", "stats", ASK);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (agent != null) {
      agent.close();
    }
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void threadsStayBoundedUnderTwoThousandRequestsToASleepingHandler() throws Exception {
    Figures figures = new Figures("malicious-sleepers");
    session.send(SLEEPERS, Int64Value.of(3000), Duration.ofSeconds(30));
    Await.until(
        "the agent to refuse what its handlers cannot take",
        Duration.ofSeconds(20),
        () -> session.answered() >= SLEEPERS - HANDLERS,
        () -> session.answers().toString());
    Map<String, String> flooded = agent.ask("stats", "stats", ASK);
    Await.until("every sleeper to be answered", Duration.ofSeconds(30), () -> session.answered() == SLEEPERS);
    assertStillServes();
    Map<String, String> after = agent.ask("stats", "stats", ASK);

    figures.record("requests", SLEEPERS);
    figures.record("answers", session.answers().toString().replace(" ", ""));
    figures.record("threads_before", baseline.get("threads"));
    figures.record("threads_flooded", flooded.get("threads"));
    figures.record("peak_threads", after.get("peakThreads"));
    figures.record("heap_after_gc_after", Figures.mib(Long.parseLong(after.get("heapAfterGc"))));
    assertThat(session.answers(Status.Code.RESOURCE_EXHAUSTED)).isGreaterThanOrEqualTo(SLEEPERS - HANDLERS);
    assertThat(Integer.parseInt(after.get("peakThreads")))
        .as("the agent's peak threads, from %s before the flood", baseline.get("threads"))
        .isLessThanOrEqualTo(Integer.parseInt(baseline.get("threads")) + HANDLERS + THREAD_SLACK);
    assertThat(after).containsEntry("state", "CONNECTED");
  }

  @Test
  void heapStaysBoundedUnderOneMebibyteRequests() throws Exception {
    Figures figures = new Figures("malicious-mebibytes");
    BytesValue big = BytesValue.of(MEBIBYTE);
    long start = System.nanoTime();
    long end = start + FLOOD.toNanos();
    long statsEvery = Math.min(FLOOD.toNanos() / 2, TimeUnit.SECONDS.toNanos(10));
    long nextStats = start + statsEvery;
    long worstHeap = 0;
    int peakThreads = 0;
    // The flood: keep a few 1 MiB requests always waiting to be written, for FLOOD.
    while (System.nanoTime() - end < 0) {
      if (session.queued() < 8) {
        session.send(8, big, Duration.ofSeconds(30));
      }
      if (System.nanoTime() - nextStats >= 0) {
        Map<String, String> flooded = agent.ask("stats", "stats", ASK);
        worstHeap = Math.max(worstHeap, Long.parseLong(flooded.get("heapAfterGc")));
        peakThreads = Math.max(peakThreads, Integer.parseInt(flooded.get("peakThreads")));
        nextStats += statsEvery;
      }
      assertThat(agent.isAlive()).as("the agent is alive").isTrue();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    Await.until(
        "every request written to be answered",
        Duration.ofSeconds(60),
        () -> session.queued() == 0 && session.answered() == session.sent(),
        () -> session.answered() + " of " + session.sent() + " answered, " + session.queued() + " unsent");
    assertStillServes();
    Map<String, String> after = agent.ask("stats", "stats", ASK);

    long baseHeap = Long.parseLong(baseline.get("heapAfterGc"));
    figures.record("flood_s", FLOOD.toSeconds());
    figures.record("requests", session.sent());
    figures.record("mib_sent", session.sent());
    figures.record("answers", session.answers().toString().replace(" ", ""));
    figures.record("heap_after_gc_before", Figures.mib(baseHeap));
    figures.record("heap_after_gc_flooded_worst", Figures.mib(worstHeap));
    figures.record("heap_after_gc_after", Figures.mib(Long.parseLong(after.get("heapAfterGc"))));
    figures.record("peak_threads", Math.max(peakThreads, Integer.parseInt(after.get("peakThreads"))));
    assertThat(session.answers(Status.Code.RESOURCE_EXHAUSTED)).isPositive();
    assertThat(worstHeap)
        .as("heap after GC while flooded, from %s before", Figures.mib(baseHeap))
        .isLessThanOrEqualTo(baseHeap + HEAP_PER_QUEUED_BYTE * QUEUED_REQUEST_BYTES + HEAP_SLACK);
    assertThat(after).containsEntry("state", "CONNECTED");
  }

  /** The agent is alive, its stream open, and it answers a plain request. */
  private void assertStillServes() throws Exception {
    assertThat(agent.isAlive()).as("the agent is alive").isTrue();
    assertThat(session.isOpen()).as("the agent's stream is open").isTrue();
    Response echo = session.call(StringValue.of("still there?"), Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
    assertThat(echo.hasError()).as("the agent answers: %s", echo).isFalse();
  }
}
