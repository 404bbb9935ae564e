package dev.agentrpc.server.spi;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;

/** One call forwarded to the replica holding its client; see {@link RemoteClients#call}. */
public interface RemoteCall {
  /** Cancels the call on its client; the listener then hears {@code status} unless it already heard the outcome. */
  void cancel(Status status);

  /** Hears the outcome of one forwarded call, once, on any thread; it must not block. */
  interface Listener {
    /** The client answered with {@code reply}, the serialized response message. */
    void onReply(ByteString reply);

    /** The call failed with {@code status} (never OK), with the trailers it carried or null. */
    void onFailure(Status status, Metadata trailers);
  }
}
