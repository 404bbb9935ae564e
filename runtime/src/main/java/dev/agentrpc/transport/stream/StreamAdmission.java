package dev.agentrpc.transport.stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's limits on Connect streams before a client joins: streams per connection
 * (an agent needs one) and streams still waiting for their Hello.
 */
final class StreamAdmission {
  /**
   * How soon an agent refused because too many streams wait for their Hello is asked to come
   * back ({@link RetryHint}). Such a stream normally says Hello within milliseconds of its
   * start: a full bound means the server is busy (a join storm), not that it is down.
   */
  static final long RETRY_AFTER_MILLIS = 100;

  private final int maxStreamsPerConnection;
  private final int maxAwaitingHello;
  private final ConcurrentHashMap<Object, Integer> streamsByConnection = new ConcurrentHashMap<>();
  private final AtomicInteger awaitingHello = new AtomicInteger();

  StreamAdmission(int maxStreamsPerConnection, int maxAwaitingHello) {
    this.maxStreamsPerConnection = maxStreamsPerConnection;
    this.maxAwaitingHello = maxAwaitingHello;
  }

  /**
   * Admits a new stream on {@code connection} (its remote address; null if unknown): null if
   * admitted, else what to end it with. An admitted stream is later given back with {@link
   * #helloDone} once and {@link #ended} once.
   */
  StatusRuntimeException admit(Object connection) {
    if (awaitingHello.incrementAndGet() > maxAwaitingHello) {
      awaitingHello.decrementAndGet();
      return RetryHint.refusal(
          Status.RESOURCE_EXHAUSTED.withDescription(
              maxAwaitingHello
                  + " Connect streams already wait for their Hello; retry in about "
                  + RETRY_AFTER_MILLIS
                  + " ms (StreamServer.Builder.maxStreamsAwaitingHello)"),
          RETRY_AFTER_MILLIS);
    }
    if (connection == null) {
      return null;
    }
    boolean[] admitted = {false};
    streamsByConnection.compute(
        connection,
        (key, count) -> {
          int now = count == null ? 0 : count;
          if (now >= maxStreamsPerConnection) {
            return count;
          }
          admitted[0] = true;
          return now + 1;
        });
    if (!admitted[0]) {
      awaitingHello.decrementAndGet();
      return Status.RESOURCE_EXHAUSTED.withDescription(
              "this connection already has "
                  + maxStreamsPerConnection
                  + " Connect streams open; an agent needs one"
                  + " (StreamServer.Builder.maxStreamsPerConnection)")
          .asRuntimeException();
    }
    return null;
  }

  /** The stream said Hello, or ended without. */
  void helloDone() {
    awaitingHello.decrementAndGet();
  }

  /** The stream on {@code connection} ended. */
  void ended(Object connection) {
    if (connection != null) {
      streamsByConnection.computeIfPresent(connection, (key, count) -> count <= 1 ? null : count - 1);
    }
  }
}
