package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import dev.agentrpc.server.Clients;
import dev.agentrpc.testing.Fleet;
import dev.agentrpc.testing.Outcomes;
import dev.agentrpc.testing.StalledAgent;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that stops reading its stream: the controller's queue for it stays within its
 * byte cap, calls fail with their own status, and nothing whose call ended is written later.
 * {@code -Dagentrpc.soakSeconds=30} runs the load for longer and prints the heap.
 */
@Timeout(120)
class OutboundBoundTest {
  private static final long SOAK_SECONDS = Long.getLong("agentrpc.soakSeconds", 3);
  private static final int PAYLOAD_BYTES = 4096;
  private static final long CAP_BYTES = 256 * 1024;
  /** Bytes gRPC itself may hold for a stream that is not read: the client's window, and some. */
  private static final long TRANSPORT_BYTES = 2 * 1024 * 1024;

  @Test
  void aClientThatStopsReadingGetsNoMoreThanItsCapQueuedAndNoRequestWhoseCallEnded()
      throws Exception {
    try (Fleet fleet =
        Fleet.start(
            Clients.newBuilder()
                .maxInFlightPerClient(64)
                .maxRequestBytes(64 * 1024)
                .maxQueuedBytesPerClient(CAP_BYTES)
                .build())) {
      Clients clients = fleet.clients();
      StalledAgent agent = new StalledAgent(fleet.channel(), "stalled");
      fleet.awaitJoin("stalled");
      BytesValue request = BytesValue.of(ByteString.copyFrom(new byte[PAYLOAD_BYTES]));

      Map<Status.Code, Integer> outcomes = new EnumMap<>(Status.Code.class);
      ArrayDeque<CompletableFuture<BytesValue>> inFlight = new ArrayDeque<>();
      long maxQueued = 0;
      long calls = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SOAK_SECONDS);
      while (System.nanoTime() < end) {
        while (inFlight.size() < 64) {
          inFlight.add(clients.call("stalled", request, BytesValue.parser(), Duration.ofMillis(50)));
          calls++;
        }
        maxQueued = Math.max(maxQueued, clients.queuedBytes());
        outcomes.merge(Outcomes.statusOf(inFlight.poll()).getCode(), 1, Integer::sum);
      }
      while (!inFlight.isEmpty()) {
        outcomes.merge(Outcomes.statusOf(inFlight.poll()).getCode(), 1, Integer::sum);
      }
      long written = fleet.wire().requestIds().size();
      agent.resume();
      // A last call, queued behind everything else: once it arrives, nothing queued before it
      // can still be on its way.
      CompletableFuture<BytesValue> last =
          clients.call("stalled", BytesValue.of(ByteString.copyFromUtf8("last")), BytesValue.parser(), Duration.ofSeconds(30));
      agent.awaitRequestOfSize(BytesValue.of(ByteString.copyFromUtf8("last")).getSerializedSize());
      last.cancel(true);

      assertThat(maxQueued).as("bytes queued for the stalled client").isLessThanOrEqualTo(CAP_BYTES);
      assertThat(outcomes.keySet())
          .as("outcomes of %s calls", calls)
          .isSubsetOf(Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED);
      assertThat(written * PAYLOAD_BYTES)
          .as("request bytes written to a stream that is not read")
          .isLessThanOrEqualTo(CAP_BYTES + TRANSPORT_BYTES);
      assertThat((agent.requests() - 1L) * PAYLOAD_BYTES)
          .as("request bytes the client received once it read again, all of them for calls long over")
          .isLessThanOrEqualTo(CAP_BYTES + TRANSPORT_BYTES);
      assertThat(clients.pendingCalls()).isZero();
      assertThat(clients.queuedBytes()).isZero();
      if (SOAK_SECONDS > 3) {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        System.out.printf(
            "soak %d s: %d calls %s; max queued %d B; %d requests written; heap used after GC %d KiB%n",
            SOAK_SECONDS,
            calls,
            outcomes,
            maxQueued,
            written,
            (runtime.totalMemory() - runtime.freeMemory()) / 1024);
      }
      agent.cancel();
    }
  }
}
