package dev.agentrpc.cluster.peer;

import java.util.function.BooleanSupplier;

/**
 * How many bytes one side of a Relay stream may have queued while the stream does not take
 * them (the peer reads nothing, yet its connection stays up): past the budget, new calls are
 * refused rather than buffered. Counts what was sent since the stream was last ready, which
 * over-counts what really waits; gRPC buffers the rest of a message that is accepted.
 */
final class SendBudget {
  /** The most a replica queues on one stream it cannot write to. */
  static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;

  /** The largest request a replica relays: gRPC's default limit on what a server accepts. */
  static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  /** The largest reply a replica relays: what the forwarding replica's peer channel accepts. */
  static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;

  private final BooleanSupplier ready;
  private long sentSinceReady; // guarded by this

  /** A budget for a stream whose readiness {@code ready} tells (gRPC's {@code isReady()}). */
  SendBudget(BooleanSupplier ready) {
    this.ready = ready;
  }

  /** Whether more may go out now. */
  synchronized boolean hasRoom() {
    if (sentSinceReady < MAX_QUEUED_BYTES) {
      return true;
    }
    if (ready.getAsBoolean()) {
      sentSinceReady = 0;
      return true;
    }
    return false;
  }

  /** Counts {@code bytes} sent. */
  synchronized void sent(int bytes) {
    sentSinceReady += bytes;
  }

  /** The stream drained what was queued (gRPC's {@code onReady}). */
  synchronized void drained() {
    if (ready.getAsBoolean()) {
      sentSinceReady = 0;
    }
  }
}
