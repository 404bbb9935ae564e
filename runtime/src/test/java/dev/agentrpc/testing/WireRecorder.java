package dev.agentrpc.testing;

import dev.agentrpc.proto.v1.ServerToClient;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every message the server sends down any stream, as the wire carries it. */
public final class WireRecorder implements ServerInterceptor {
  private final List<ServerToClient> sent = new CopyOnWriteArrayList<>();

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(RespT message) {
            if (message instanceof ServerToClient) {
              sent.add((ServerToClient) message);
            }
            super.sendMessage(message);
          }
        },
        headers);
  }

  /** The cancel_ids sent so far. */
  public List<Long> cancelIds() {
    return sent.stream()
        .filter(m -> m.getCommandCase() == ServerToClient.CommandCase.CANCEL_ID)
        .map(ServerToClient::getCancelId)
        .toList();
  }

  /** The request ids sent so far. */
  public List<Long> requestIds() {
    return sent.stream()
        .filter(ServerToClient::hasRequest)
        .map(m -> m.getRequest().getId())
        .toList();
  }
}
