package dev.agentrpc.it;

import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.transport.poll.PollTransport;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A poll path that can be cut, as if the agent's host vanished: from {@link #sever()} on, no
 * poll goes out and no answer comes back (the agent sees UNAVAILABLE), and the controller hears
 * nothing more from the agent. For the HTTP binding, whose client cannot be shut down.
 */
final class Severable implements PollTransport {
  private final PollTransport path;
  private volatile boolean severed;

  Severable(PollTransport path) {
    this.path = path;
  }

  void sever() {
    severed = true;
  }

  @Override
  public CompletableFuture<PollResponse> send(PollRequest request, Duration timeout, String bearerToken) {
    if (severed) {
      return CompletableFuture.failedFuture(lost());
    }
    return path.send(request, timeout, bearerToken)
        .thenApply(
            answer -> {
              if (severed) {
                throw lost();
              }
              return answer;
            });
  }

  private static RuntimeException lost() {
    return Status.UNAVAILABLE.withDescription("the test severed this agent's network").asRuntimeException();
  }
}
