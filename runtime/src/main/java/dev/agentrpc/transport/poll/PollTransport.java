package dev.agentrpc.transport.poll;

import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import io.grpc.Channel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * How a {@link PollClient} reaches the controller: one binding of the poll transports (the
 * gRPC {@code Poll} rpc, HTTP/1.1). Implementations are thread-safe and never block.
 */
public interface PollTransport {
  /** The gRPC binding: each poll is one {@code Coordinator/Poll} call on {@code channel}. */
  static PollTransport grpc(Channel channel) {
    return new GrpcPollTransport(Objects.requireNonNull(channel, "channel"));
  }

  /**
   * Sends one poll.
   *
   * @param timeout how long to wait for the answer before failing DEADLINE_EXCEEDED
   * @param bearerToken sent as {@code authorization: Bearer <token>}; null for none
   * @return the answer, or a failure whose status ({@link io.grpc.Status#fromThrowable})
   *     says why; cancelling it abandons the poll
   */
  CompletableFuture<PollResponse> send(PollRequest request, Duration timeout, String bearerToken);
}
