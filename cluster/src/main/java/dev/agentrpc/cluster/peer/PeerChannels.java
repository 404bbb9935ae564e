package dev.agentrpc.cluster.peer;

import com.google.protobuf.Any;
import dev.agentrpc.cluster.proto.v1.ForwardRequest;
import dev.agentrpc.cluster.proto.v1.ForwardResponse;
import dev.agentrpc.cluster.proto.v1.PeerGrpc;
import dev.agentrpc.server.spi.RemoteCall;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * One gRPC channel to each other replica's {@link PeerService}, and the calls forwarded over
 * them. Thread-safe; nothing here blocks.
 */
public final class PeerChannels implements AutoCloseable {
  private final ChannelCredentials credentials;
  private final UnaryOperator<ManagedChannelBuilder<?>> configure;
  private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * Channels made with {@code credentials} (the same TLS as the agents' transport), each
   * builder passed through {@code configure} before it is built.
   */
  public PeerChannels(ChannelCredentials credentials, UnaryOperator<ManagedChannelBuilder<?>> configure) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.configure = Objects.requireNonNull(configure, "configure");
  }

  private record Peer(String address, ManagedChannel channel) {}

  /**
   * Forwards a call to {@code client} on the replica {@code replica} whose peer service is at
   * {@code address}, with a deadline {@code timeoutNanos} from now, within the current {@link
   * io.grpc.Context} (its cancellation cancels the call), carrying {@code metadata} for the
   * client's request; {@code listener} hears the outcome once.
   */
  public RemoteCall forward(
      String replica,
      String address,
      String client,
      Any payload,
      Map<String, String> metadata,
      long timeoutNanos,
      RemoteCall.Listener listener) {
    ManagedChannel channel = channel(replica, address);
    ClientCall<ForwardRequest, ForwardResponse> call =
        channel.newCall(
            PeerGrpc.getForwardMethod(), CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
    Forwarded forwarded = new Forwarded(call, listener, client, replica, address);
    ClientCalls.asyncUnaryCall(
        call,
        ForwardRequest.newBuilder().setClient(client).setPayload(payload).putAllMetadata(metadata).build(),
        forwarded);
    return forwarded;
  }

  private ManagedChannel channel(String replica, String address) {
    Peer peer = peers.get(replica);
    if (peer != null && peer.address().equals(address)) {
      return peer.channel();
    }
    Peer made =
        peers.compute(
            replica,
            (id, old) -> {
              if (old != null && old.address().equals(address)) {
                return old;
              }
              if (old != null) {
                old.channel().shutdownNow();
              }
              ManagedChannelBuilder<?> builder =
                  Grpc.newChannelBuilder(address, credentials)
                      .directExecutor() // the listener only hands the outcome on
                      .keepAliveTime(10, TimeUnit.SECONDS)
                      .keepAliveTimeout(5, TimeUnit.SECONDS)
                      .maxInboundMessageSize(16 * 1024 * 1024);
              return new Peer(address, configure.apply(builder).build());
            });
    if (closed) {
      made.channel().shutdownNow();
    }
    return made.channel();
  }

  /**
   * Closes the channels to replicas not in {@code live} (replica id to address): calls in
   * flight to them fail UNAVAILABLE at once.
   */
  public void retainOnly(Map<String, String> live) {
    for (Map.Entry<String, Peer> entry : peers.entrySet()) {
      String address = live.get(entry.getKey());
      if (address == null || !address.equals(entry.getValue().address())) {
        if (peers.remove(entry.getKey(), entry.getValue())) {
          entry.getValue().channel().shutdownNow();
        }
      }
    }
  }

  /** Closes every channel; calls in flight fail UNAVAILABLE. */
  @Override
  public void close() {
    closed = true;
    for (Peer peer : peers.values()) {
      peer.channel().shutdownNow();
    }
    peers.clear();
  }

  /** One forwarded call: tells its listener exactly once. */
  private static final class Forwarded implements RemoteCall, StreamObserver<ForwardResponse> {
    private final ClientCall<ForwardRequest, ForwardResponse> call;
    private final RemoteCall.Listener listener;
    private final String client;
    private final String replica;
    private final String address;
    private final AtomicBoolean told = new AtomicBoolean();

    Forwarded(
        ClientCall<ForwardRequest, ForwardResponse> call,
        RemoteCall.Listener listener,
        String client,
        String replica,
        String address) {
      this.call = call;
      this.listener = listener;
      this.client = client;
      this.replica = replica;
      this.address = address;
    }

    @Override
    public void cancel(Status status) {
      if (told.compareAndSet(false, true)) {
        listener.onFailure(status, new Metadata());
      }
      call.cancel(status.getDescription() == null ? "cancelled" : status.getDescription(), status.getCause());
    }

    @Override
    public void onNext(ForwardResponse response) {
      if (!told.compareAndSet(false, true)) {
        return;
      }
      if (response.hasError()) {
        com.google.rpc.Status error = response.getError();
        if (error.getCode() == Status.Code.OK.value()) {
          error = error.toBuilder().setCode(Status.Code.UNKNOWN.value()).build();
        }
        var failure = StatusProto.toStatusRuntimeException(error);
        listener.onFailure(failure.getStatus(), failure.getTrailers());
      } else {
        listener.onReply(response.getReply());
      }
    }

    @Override
    public void onError(Throwable t) {
      if (!told.compareAndSet(false, true)) {
        return;
      }
      Status status = Status.fromThrowable(t);
      Metadata trailers = Status.trailersFromThrowable(t);
      listener.onFailure(describe(status), trailers == null ? new Metadata() : trailers);
    }

    @Override
    public void onCompleted() {
      if (told.compareAndSet(false, true)) {
        listener.onFailure(
            Status.INTERNAL.withDescription("replica " + replica + " at " + address + " answered a forwarded call to client '"
                + client + "' with nothing"),
            new Metadata());
      }
    }

    /** A failure of the hop between replicas, worded for the caller (the client's own failures arrive in-band). */
    private Status describe(Status status) {
      String where = "replica " + replica + " at " + address + ", which holds client '" + client + "'";
      switch (status.getCode()) {
        case UNAVAILABLE:
          return Status.UNAVAILABLE.withCause(status.getCause()).withDescription(
              where + ", is unreachable (" + status.getDescription() + "); the client is callable again once it"
                  + " reconnects to a live replica");
        case DEADLINE_EXCEEDED:
          return Status.DEADLINE_EXCEEDED.withDescription(
              "client '" + client + "', held by replica " + replica + ", did not answer within the call's timeout");
        case CANCELLED:
          return status;
        default:
          return status.withDescription("forwarding to " + where + " failed: " + status.getDescription());
      }
    }
  }
}
