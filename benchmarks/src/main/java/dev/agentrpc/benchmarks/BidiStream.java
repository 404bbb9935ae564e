package dev.agentrpc.benchmarks;

import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.StreamEchoGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;

/**
 * One long-lived bidi echo stream: the practical limit of carrying calls over one stream.
 * Requests are sent by one thread at a time; every response runs {@code onResponse} on the
 * transport thread that read it, whatever the channel's executor: the thread that reads an
 * answer hands it to its waiter, as for the other contenders (a blocking unary stub's caller
 * runs its own callbacks; a caller blocked on a reverse call is handed its outcome by the
 * thread that read it; the agent's stream, like this one, reads on the transport thread).
 */
final class BidiStream implements AutoCloseable {
  private final StreamObserver<EchoRequest> requests;
  private final Runnable onResponse;
  private volatile Throwable failure;

  BidiStream(Channel channel, Runnable onResponse) {
    this.onResponse = onResponse;
    this.requests =
        StreamEchoGrpc.newStub(channel)
            .withExecutor(Runnable::run)
            .echo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(EchoResponse response) {
                    BidiStream.this.onResponse.run();
                  }

                  @Override
                  public void onError(Throwable t) {
                    failure = t;
                  }

                  @Override
                  public void onCompleted() {}
                });
  }

  /** Sends one request; not thread-safe. */
  void send(EchoRequest request) {
    Throwable failed = failure;
    if (failed != null) {
      throw new IllegalStateException("the bidi stream failed", failed);
    }
    requests.onNext(request);
  }

  @Override
  public void close() {
    if (failure == null) {
      requests.onCompleted();
    }
  }
}
