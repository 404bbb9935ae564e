package dev.agentrpc.cluster.peer;

import dev.agentrpc.cluster.proto.v1.ForwardRequest;
import dev.agentrpc.cluster.proto.v1.PeerGrpc;
import dev.agentrpc.cluster.proto.v1.RelayReply;
import dev.agentrpc.cluster.proto.v1.RelayRequest;
import dev.agentrpc.server.spi.RemoteCall;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Relay stream to another replica and the calls in flight on it. Calls start from any
 * thread; what they send goes out under the stream's lock, which guards nothing else and
 * calls no listener. Replies arrive on the channel's transport thread.
 */
final class RelayStream extends ClientCall.Listener<RelayReply> {
  /** Calls in flight on one stream before more fail RESOURCE_EXHAUSTED. */
  static final int MAX_IN_FLIGHT = 65_536;

  private final String replica;
  private final String address;
  private final ClientCall<RelayRequest, RelayReply> call;
  private final Map<Long, RelayedCall> inFlight = new ConcurrentHashMap<>();
  private final SendBudget budget;
  private long lastId; // guarded by this
  private boolean closed; // guarded by this

  private RelayStream(String replica, String address, ClientCall<RelayRequest, RelayReply> call) {
    this.replica = replica;
    this.address = address;
    this.call = call;
    this.budget = new SendBudget(call::isReady);
  }

  /** Opens a Relay stream over {@code channel} to {@code replica}, whose peer service is at {@code address}. */
  static RelayStream open(Channel channel, String replica, String address) {
    // Outside the caller's Context, whose cancellation would end every call on the stream.
    Context previous = Context.ROOT.attach();
    try {
      RelayStream stream = new RelayStream(replica, address, channel.newCall(PeerGrpc.getRelayMethod(), CallOptions.DEFAULT));
      stream.call.start(stream, new Metadata());
      stream.call.request(1);
      return stream;
    } finally {
      Context.ROOT.detach(previous);
    }
  }

  String replica() {
    return replica;
  }

  String address() {
    return address;
  }

  /**
   * Sends {@code request} as a new call whose outcome {@code listener} hears; null, sending
   * nothing, if the stream has ended.
   */
  RelayedCall start(ForwardRequest request, RemoteCall.Listener listener) {
    Status refusal;
    synchronized (this) {
      if (closed) {
        return null;
      }
      long id = lastId + 1;
      RelayRequest message = RelayRequest.newBuilder().setId(id).setCall(request).build();
      int bytes = message.getSerializedSize();
      if (inFlight.size() >= MAX_IN_FLIGHT) {
        refusal = Status.RESOURCE_EXHAUSTED.withDescription(
            MAX_IN_FLIGHT + " calls forwarded to replica " + replica + " at " + address
                + " wait for their outcome; retry once fewer do");
      } else if (bytes > SendBudget.MAX_MESSAGE_BYTES) {
        refusal = Status.RESOURCE_EXHAUSTED.withDescription(
            "the call to client '" + request.getClient() + "' with its metadata is " + bytes
                + " bytes, over the " + SendBudget.MAX_MESSAGE_BYTES + " a replica forwards to another");
      } else if (!budget.hasRoom()) {
        refusal = Status.RESOURCE_EXHAUSTED.withDescription(
            "replica " + replica + " at " + address + " reads nothing while " + SendBudget.MAX_QUEUED_BYTES
                + " bytes of calls wait to be sent to it; retry later");
      } else {
        lastId = id;
        RelayedCall relayed = new RelayedCall(this, id, request.getClient(), listener);
        inFlight.put(id, relayed);
        call.sendMessage(message);
        budget.sent(bytes);
        return relayed;
      }
    }
    return refuse(request.getClient(), listener, refusal);
  }

  /** A call to {@code client} that ends at once with {@code status}, sending nothing. */
  RelayedCall refuse(String client, RemoteCall.Listener listener, Status status) {
    RelayedCall refused = new RelayedCall(this, 0, client, listener);
    refused.fail(status);
    return refused;
  }

  /** Forgets call {@code id}: a late outcome is dropped. */
  void forget(long id) {
    inFlight.remove(id);
  }

  /** Forgets call {@code id} and asks the serving replica to cancel it, saying {@code why}. */
  void cancel(long id, String why) {
    if (inFlight.remove(id) == null) {
      return;
    }
    synchronized (this) {
      if (!closed) {
        call.sendMessage(RelayRequest.newBuilder().setId(id).setCancel(why).build());
      }
    }
  }

  @Override
  public void onReady() {
    budget.drained();
  }

  @Override
  public void onMessage(RelayReply reply) {
    call.request(1);
    RelayedCall relayed = inFlight.remove(reply.getId());
    if (relayed != null) {
      relayed.answered(reply.getResponse());
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    synchronized (this) {
      closed = true;
    }
    Status ended =
        status.isOk()
            ? Status.UNAVAILABLE.withDescription("replica " + replica + " ended the relay stream")
            : status;
    for (Long id : inFlight.keySet()) {
      RelayedCall relayed = inFlight.remove(id);
      if (relayed != null) {
        relayed.streamEnded(ended);
      }
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }
}
