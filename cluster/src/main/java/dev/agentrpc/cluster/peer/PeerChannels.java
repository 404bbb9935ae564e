package dev.agentrpc.cluster.peer;

import com.google.protobuf.Any;
import dev.agentrpc.cluster.proto.v1.ForwardRequest;
import dev.agentrpc.internal.SharedTimer;
import dev.agentrpc.server.spi.RemoteCall;
import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One gRPC channel to each other replica's {@link PeerService}, one Relay stream on it, and
 * the calls forwarded over them. Thread-safe; nothing here blocks.
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

  /** The channel to one replica and the Relay stream on it, opened again when it ends. */
  private static final class Peer {
    final String replica;
    final String address;
    final ManagedChannel channel;
    private RelayStream stream; // guarded by this

    Peer(String replica, String address, ManagedChannel channel) {
      this.replica = replica;
      this.address = address;
      this.channel = channel;
    }

    RelayedCall start(ForwardRequest request, RemoteCall.Listener listener) {
      RelayStream current = stream();
      RelayedCall started = current.start(request, listener);
      if (started == null) { // it ended since; a new one, once
        current = stream();
        started = current.start(request, listener);
      }
      return started != null
          ? started
          : current.refuse(request.getClient(), listener, Status.UNAVAILABLE.withDescription(
              "replica " + replica + " at " + address + ", which holds client '" + request.getClient()
                  + "', ended the relay stream as it opened; the client is callable again once it"
                  + " reconnects to a live replica"));
    }

    private synchronized RelayStream stream() {
      if (stream == null || stream.isClosed()) {
        stream = RelayStream.open(channel, replica, address);
      }
      return stream;
    }
  }

  /**
   * Forwards a call to {@code client} on the replica {@code replica} whose peer service is at
   * {@code address}, with a deadline {@code timeoutNanos} from now, within the current {@link
   * Context} (its cancellation and deadline end the call), carrying {@code metadata} for the
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
    Context caller = Context.current();
    Deadline callerDeadline = caller.getDeadline();
    long timeout =
        callerDeadline == null ? timeoutNanos : Math.min(timeoutNanos, callerDeadline.timeRemaining(TimeUnit.NANOSECONDS));
    ForwardRequest request =
        ForwardRequest.newBuilder()
            .setClient(client)
            .setPayload(payload)
            .putAllMetadata(metadata)
            .setTimeoutMicros(Math.max(1, TimeUnit.NANOSECONDS.toMicros(timeout)))
            .build();
    RelayedCall call = peer(replica, address).start(request, listener);
    call.watch(caller, timeout, SharedTimer.get());
    return call;
  }

  private Peer peer(String replica, String address) {
    Peer peer = peers.get(replica);
    if (peer != null && peer.address.equals(address)) {
      return peer;
    }
    Peer made =
        peers.compute(
            replica,
            (id, old) -> {
              if (old != null && old.address.equals(address)) {
                return old;
              }
              if (old != null) {
                old.channel.shutdownNow();
              }
              ManagedChannelBuilder<?> builder =
                  Grpc.newChannelBuilder(address, credentials)
                      .directExecutor() // replies only complete their calls
                      .keepAliveTime(10, TimeUnit.SECONDS)
                      .keepAliveTimeout(5, TimeUnit.SECONDS)
                      .maxInboundMessageSize(SendBudget.MAX_REPLY_BYTES);
              return new Peer(replica, address, configure.apply(builder).build());
            });
    if (closed) {
      peers.remove(replica, made);
      made.channel.shutdownNow(); // its calls fail UNAVAILABLE at once
    }
    return made;
  }

  /**
   * Closes the channels to replicas not in {@code live} (replica id to address): calls in
   * flight to them fail UNAVAILABLE at once.
   */
  public void retainOnly(Map<String, String> live) {
    for (Map.Entry<String, Peer> entry : peers.entrySet()) {
      String address = live.get(entry.getKey());
      if (address == null || !address.equals(entry.getValue().address)) {
        if (peers.remove(entry.getKey(), entry.getValue())) {
          entry.getValue().channel.shutdownNow();
        }
      }
    }
  }

  /** Closes every channel; calls in flight fail UNAVAILABLE. */
  @Override
  public void close() {
    closed = true;
    for (Peer peer : peers.values()) {
      peer.channel.shutdownNow();
    }
    peers.clear();
  }
}
