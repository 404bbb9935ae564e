package dev.agentrpc.benchmarks.fleet;

import dev.agentrpc.benchmarks.Echo;
import dev.agentrpc.benchmarks.proto.EchoRequest;
import dev.agentrpc.benchmarks.proto.EchoResponse;
import dev.agentrpc.benchmarks.proto.UnaryEchoGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The plain-gRPC anchors' unary echo service. The in-process anchors' one ({@code GrpcSide})
 * is not visible from this package in older commits, and this package must build there too
 * ({@link Setup}).
 */
final class PlainEcho extends UnaryEchoGrpc.UnaryEchoImplBase {
  @Override
  public void echo(EchoRequest request, StreamObserver<EchoResponse> responses) {
    responses.onNext(Echo.reply(request));
    responses.onCompleted();
  }
}
