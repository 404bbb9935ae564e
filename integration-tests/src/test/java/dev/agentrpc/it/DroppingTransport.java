package dev.agentrpc.it;

import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.transport.poll.PollTransport;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lossy path between agent and controller: the poll reaches the controller, but its answer
 * is lost on the way back, once for the first answer that carries commands and once for the
 * first poll that carried responses.
 */
final class DroppingTransport implements PollTransport {
  private final PollTransport path;
  private final AtomicInteger commandAnswersToDrop = new AtomicInteger(1);
  private final AtomicInteger responsePollsToDrop = new AtomicInteger(1);
  private final CountDownLatch bothDropped = new CountDownLatch(2);

  DroppingTransport(PollTransport path) {
    this.path = path;
  }

  @Override
  public CompletableFuture<PollResponse> send(PollRequest request, Duration timeout, String bearerToken) {
    return path.send(request, timeout, bearerToken)
        .thenApply(
            answer -> {
              boolean drop =
                  (answer.getCommandsCount() > 0 && commandAnswersToDrop.getAndDecrement() > 0)
                      || (request.getResponsesCount() > 0 && responsePollsToDrop.getAndDecrement() > 0);
              if (drop) {
                bothDropped.countDown();
                throw Status.UNAVAILABLE.withDescription("answer dropped by the test").asRuntimeException();
              }
              return answer;
            });
  }

  /** Waits until both answers were dropped; false if they were not within {@code timeout}. */
  boolean awaitBothDropped(Duration timeout) throws InterruptedException {
    return bothDropped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
