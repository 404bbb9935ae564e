package dev.agentrpc.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.agentrpc.server.spi.RemoteCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * The future of one call to a client another replica holds, as {@link Clients#call} returns
 * it. Cancelling or completing it yourself cancels the forwarded call, and so the call on the
 * client.
 */
final class RemoteCallFuture<R> extends CallFuture<R> implements RemoteCall.Listener {
  private final String client;
  private final Parser<R> parser;
  private final long deadlineNanos;
  private volatile RemoteCall call;

  RemoteCallFuture(Executor executor, String client, Parser<R> parser, long timeoutNanos) {
    super(executor);
    this.client = client;
    this.parser = parser;
    this.deadlineNanos = System.nanoTime() + timeoutNanos;
  }

  void started(RemoteCall started) {
    call = started;
    if (isDone()) {
      started.cancel(Status.CANCELLED.withDescription("the caller completed the call's future"));
    }
  }

  @Override
  public void onReply(ByteString reply) {
    R value;
    try {
      value = PendingCall.parse(parser, reply);
    } catch (InvalidProtocolBufferException e) {
      decideFailure(unparsable(client, e));
      return;
    }
    decide(value);
  }

  @Override
  public void onFailure(Status status, Metadata trailers) {
    decideFailure(status, trailers);
  }

  /** The status of a forwarded reply that does not parse as the expected type. */
  static Status unparsable(String client, InvalidProtocolBufferException e) {
    return Status.INTERNAL.withDescription(
        "the reply of client '" + client + "' (forwarded by another replica) does not parse as the expected"
            + " response type: " + e.getMessage());
  }

  @Override
  void onDelivered() {}

  @Override
  long awaitDeadlineNanos() {
    return deadlineNanos;
  }

  @Override
  void expire() {
    cancelCall(Status.DEADLINE_EXCEEDED.withDescription(
        "the replica holding client '" + client + "' did not answer within the call's timeout"));
  }

  @Override
  void abandonOnInterrupt() {
    cancelCall(Status.CANCELLED.withDescription("the calling thread was interrupted"));
  }

  @Override
  void abandon() {
    cancelCall(Status.CANCELLED.withDescription("the caller completed the call's future"));
  }

  private void cancelCall(Status status) {
    RemoteCall started = call;
    if (started != null) {
      started.cancel(status);
    }
  }
}
