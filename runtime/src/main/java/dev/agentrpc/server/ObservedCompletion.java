package dev.agentrpc.server;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.List;

/** A call's completion that also tells the observers of its call how it ended. */
final class ObservedCompletion<R> implements Completion<R> {
  private final Completion<R> completion;
  private final List<CallObserver.Call> observed;

  ObservedCompletion(Completion<R> completion, List<CallObserver.Call> observed) {
    this.completion = completion;
    this.observed = observed;
  }

  @Override
  public void bind(PendingCall<R> call) {
    completion.bind(call);
  }

  @Override
  public boolean coversDeadline() {
    return completion.coversDeadline();
  }

  @Override
  public void succeeded(R value) {
    ended(Status.OK);
    completion.succeeded(value);
  }

  @Override
  public void failed(Status status) {
    ended(status);
    completion.failed(status);
  }

  @Override
  public void failed(Status status, Metadata trailers) {
    ended(status);
    completion.failed(status, trailers);
  }

  @Override
  public void abandoned(Status status) {
    ended(status);
    completion.abandoned(status);
  }

  @Override
  public void refused(Status status) {
    ended(status);
    completion.refused(status);
  }

  private void ended(Status status) {
    for (CallObserver.Call call : observed) {
      Observers.end(call, status);
    }
  }
}
