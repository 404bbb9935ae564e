package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.Echo;
import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.UnaryEchoGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The plain-gRPC anchors' unary echo service, in- and out-of-process. It lives in this package
 * because the package must also build into older commits' benchmarks ({@link Setup}).
 */
public final class PlainEcho extends UnaryEchoGrpc.UnaryEchoImplBase {
  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
    responses.onNext(Echo.reply(request));
    responses.onCompleted();
  }
}
