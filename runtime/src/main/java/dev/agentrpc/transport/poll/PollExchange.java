package dev.agentrpc.transport.poll;

import dev.agentrpc.proto.v1.PollResponse;
import io.grpc.Status;

/**
 * One poll as its binding carries it: where {@link PollSessions} sends the answer. Exactly
 * one of the methods is called, once, from the session's serializer or the thread that
 * passed the poll in. Implementations must not block.
 */
public interface PollExchange {
  /** Sends the answer to the poll. */
  void answer(PollResponse response);

  /** Fails the poll with {@code status}. */
  void fail(Status status);
}
