package dev.agentrpc.server;

import com.google.protobuf.ByteString;
import dev.agentrpc.server.spi.RemoteCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.List;

/** A forwarded call's listener that also tells the observers of its call how it ended. */
final class ObservedRemoteCall implements RemoteCall.Listener {
  private final RemoteCall.Listener listener;
  private final List<CallObserver.Call> observed;

  ObservedRemoteCall(RemoteCall.Listener listener, List<CallObserver.Call> observed) {
    this.listener = listener;
    this.observed = observed;
  }

  @Override
  public void onReply(ByteString reply) {
    ended(Status.OK);
    listener.onReply(reply);
  }

  @Override
  public void onFailure(Status status, Metadata trailers) {
    ended(status);
    listener.onFailure(status, trailers);
  }

  private void ended(Status status) {
    for (CallObserver.Call call : observed) {
      Observers.end(call, status);
    }
  }
}
