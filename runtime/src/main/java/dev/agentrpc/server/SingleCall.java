package dev.agentrpc.server;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * The future of one call, as {@link Clients#call} returns it. Cancelling or completing it
 * yourself (so also {@code orTimeout}) cancels the call on the client.
 */
final class SingleCall<R> extends CallFuture<R> implements Completion<R> {
  private volatile PendingCall<R> call; // null until started, and when it could not start

  SingleCall(Executor executor) {
    super(executor);
  }

  @Override
  public void bind(PendingCall<R> started) {
    call = started;
  }

  @Override
  public void succeeded(R value) {
    decide(value);
  }

  @Override
  public void failed(Status status) {
    decideFailure(status);
  }

  @Override
  public void failed(Status status, Metadata trailers) {
    decideFailure(status, trailers);
  }

  @Override
  public void refused(Status status) {
    failNow(status); // the refusing client already gave its slot back
  }

  @Override
  void onDelivered() {
    PendingCall<R> started = call;
    if (started != null) {
      started.releaseSlot();
    }
  }

  @Override
  long awaitDeadlineNanos() {
    PendingCall<R> started = call;
    return started != null ? started.deadlineNanos() : System.nanoTime();
  }

  @Override
  void expire() {
    PendingCall<R> started = call;
    if (started != null) {
      started.run();
    }
  }

  @Override
  void abandonOnInterrupt() {
    PendingCall<R> started = call;
    if (started != null) {
      started.cancel(Status.CANCELLED.withDescription("the calling thread was interrupted"));
    }
  }

  @Override
  void abandon() {
    PendingCall<R> started = call;
    if (started != null) {
      started.abandon();
    }
  }
}
