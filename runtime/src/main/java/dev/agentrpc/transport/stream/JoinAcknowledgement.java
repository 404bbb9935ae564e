package dev.agentrpc.transport.stream;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;

/**
 * How an agent learns that the controller admitted it: the controller sends the Connect
 * stream's response headers, marked {@value #HEADER}, once the client joined, even before any
 * command. A refused stream ends with trailers only. An original-protocol peer ignores the
 * header; an agent that does not see it falls back to judging by commands and uptime.
 */
final class JoinAcknowledgement {
  static final String HEADER = "agentrpc-joined";
  private static final Metadata.Key<String> KEY =
      Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private JoinAcknowledgement() {}

  /**
   * The controller's end of one Connect call. Headers go out only after the client joined (no
   * command is written before that, and a refusal sends trailers only), so every header sent
   * carries the mark; {@link #acknowledge} sends them at once if no command did yet. Called
   * only on the connection's serializer, as every write is.
   */
  static class ServerSide<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private boolean headersSent;

    ServerSide(ServerCall<Q, R> call) {
      super(call);
    }

    /** The client joined: tell it now. */
    final void acknowledge() {
      sendHeaders(new Metadata());
    }

    @Override
    public final void sendHeaders(Metadata headers) {
      if (headersSent) {
        return; // acknowledged already; gRPC sends headers before the first message too
      }
      headersSent = true;
      headers.put(KEY, "1");
      super.sendHeaders(headers);
    }
  }

  /** The agent's end: calls {@code onAcknowledged} when the response headers carry the mark. */
  static ClientInterceptor watcher(Runnable onAcknowledged) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(
                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                  @Override
                  public void onHeaders(Metadata received) {
                    if (received.containsKey(KEY)) {
                      onAcknowledged.run();
                    }
                    super.onHeaders(received);
                  }
                },
                headers);
          }
        };
      }
    };
  }
}
