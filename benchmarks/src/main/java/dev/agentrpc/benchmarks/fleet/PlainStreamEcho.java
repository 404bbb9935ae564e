package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.Echo;
import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.StreamEchoGrpc;
import io.grpc.stub.StreamObserver;

/** The plain-gRPC anchors' bidi echo, in- and out-of-process: each message on a stream is echoed on it. */
public final class PlainStreamEcho extends StreamEchoGrpc.StreamEchoImplBase {
  @Override
  public StreamObserver<EchoRequest> echo(StreamObserver<EchoResponse> responses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoRequest request) {
        responses.onNext(Echo.reply(request));
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }
}
