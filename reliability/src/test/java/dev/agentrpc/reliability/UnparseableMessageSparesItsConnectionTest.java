package dev.agentrpc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.agentrpc.reliability.harness.Agents;
import dev.agentrpc.reliability.harness.Await;
import dev.agentrpc.reliability.harness.ConnectFuzzer;
import dev.agentrpc.reliability.harness.Controller;
import dev.agentrpc.reliability.harness.Figures;
import dev.agentrpc.reliability.harness.Form;
import dev.agentrpc.reliability.harness.Handlers;
import dev.agentrpc.reliability.harness.Load;
import dev.agentrpc.server.Calls;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.Result;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Promise: a stream that sends bytes the server cannot parse ends alone. An agent and a broken
 * peer share one connection (one ManagedChannel); the broken peer says Hello, then sends a
 * truncated message, again and again, while call-alls keep the controller writing to every
 * stream. The agent's stream must never drop.
 */
class UnparseableMessageSparesItsConnectionTest {
  private static final Duration RUN = Form.seconds(5, 30);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  @Test
  void aStreamClosedForBytesThatDoNotParseTakesNoOtherStreamOnItsConnectionDown() throws Exception {
    Figures figures = new Figures("fuzz-shared-connection");
    Handlers handlers = new Handlers();
    AtomicInteger goodDropped = new AtomicInteger();
    try (Controller controller = Controller.start(Clients.create())) {
      Clients clients = controller.clients();
      ManagedChannel shared = Agents.channel(controller.port());
      StreamClient good =
          StreamClient.newBuilder(shared, "shared-good", handlers.registry("shared-good"))
              .onStateChange(
                  state -> {
                    if (state == StreamClient.State.WAITING_TO_RECONNECT) {
                      goodDropped.incrementAndGet();
                    }
                  })
              .start();
      try {
        clients.awaitConnected(List.of("shared-good"), Duration.ofSeconds(10));
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + RUN.toNanos();
        // Call-alls keep the controller writing to every stream, the broken ones included.
        Thread caller =
            Load.until(
                end,
                "call-all",
                Duration.ofMillis(1),
                () -> {
                  try {
                    List<Result<StringValue>> results =
                        Calls.await(clients.callAll(StringValue.of("hi"), StringValue.parser(), CALL_TIMEOUT));
                    results.stream()
                        .filter(r -> r.client().equals("shared-good") && !r.isOk())
                        .forEach(r -> problems.add("shared-good failed in a call-all: " + r.status()));
                  } catch (RuntimeException e) {
                    problems.add("a call-all failed: " + e);
                  }
                });
        byte[] hello = ConnectFuzzer.helloBytes("broken");
        byte[] truncated = java.util.Arrays.copyOf(hello, hello.length - 1);
        int broken = 0;
        int neverJoined = 0;
        while (System.nanoTime() - end < 0) {
          CompletableFuture<Status> closed = new CompletableFuture<>();
          ClientCall<byte[], byte[]> stream =
              ConnectFuzzer.openRaw(
                  shared,
                  new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                      closed.complete(status);
                    }
                  });
          stream.request(Integer.MAX_VALUE);
          String name = "broken-" + broken;
          stream.sendMessage(ConnectFuzzer.helloBytes(name));
          broken++;
          if (!Await.holds(Duration.ofSeconds(5), () -> clients.isConnected(name))) {
            neverJoined++;
            stream.cancel("did not join", null);
            continue;
          }
          stream.sendMessage(truncated); // grpc cannot parse it, and closes the stream itself
          closed.get(5, TimeUnit.SECONDS);
        }
        caller.join(CALL_TIMEOUT.plusSeconds(10).toMillis());
        figures.record("broken_streams", broken);
        figures.record("broken_streams_that_never_joined", neverJoined);
        figures.record("good_stream_dropped", goodDropped.get());
        figures.record("good_call_all_failures", problems.size());
        assertThat(goodDropped.get()).as("times the good agent's stream on the shared connection dropped").isZero();
        assertThat(problems).isEmpty();
      } finally {
        Agents.stop(good, shared);
      }
    }
  }
}
