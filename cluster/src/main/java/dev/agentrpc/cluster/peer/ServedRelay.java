package dev.agentrpc.cluster.peer;

import com.google.protobuf.ByteString;
import dev.agentrpc.cluster.proto.v1.ForwardRequest;
import dev.agentrpc.cluster.proto.v1.ForwardResponse;
import dev.agentrpc.cluster.proto.v1.RelayReply;
import dev.agentrpc.cluster.proto.v1.RelayRequest;
import dev.agentrpc.server.spi.LocalCalls;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls another replica relays to this one over one Relay stream: each starts a call to a
 * client connected here, and its outcome goes back on the stream. Ending the stream cancels
 * those still in flight.
 */
final class ServedRelay implements StreamObserver<RelayRequest> {
  private static final Logger logger = LoggerFactory.getLogger(ServedRelay.class);

  private final PeerService service;
  private final ServerCallStreamObserver<RelayReply> replies;
  private final Map<Long, CompletableFuture<ByteString>> inFlight = new ConcurrentHashMap<>();
  private final SendBudget budget;

  ServedRelay(PeerService service, ServerCallStreamObserver<RelayReply> replies) {
    this.service = service;
    this.replies = replies;
    this.budget = new SendBudget(replies::isReady);
    replies.setOnReadyHandler(budget::drained);
  }

  @Override
  public void onNext(RelayRequest request) {
    switch (request.getKindCase()) {
      case CALL:
        start(request.getId(), request.getCall());
        break;
      case CANCEL:
        CompletableFuture<ByteString> reply = inFlight.remove(request.getId());
        if (reply != null) {
          reply.cancel(false);
        }
        break;
      default:
        break; // a kind of a newer peer: nothing this replica could answer
    }
  }

  private void start(long id, ForwardRequest call) {
    if (inFlight.containsKey(id)) {
      // Answering under that id would end the call already in flight: drop this one.
      logger.warn("replica {}: dropped a relayed call reusing id {} of a call in flight", service.replicaId(), id);
      return;
    }
    Status refusal = null;
    if (inFlight.size() >= RelayStream.MAX_IN_FLIGHT) {
      refusal = Status.RESOURCE_EXHAUSTED.withDescription(
          RelayStream.MAX_IN_FLIGHT + " relayed calls are already in flight on this stream; retry once fewer are");
    } else if (!budget.hasRoom()) {
      refusal = Status.RESOURCE_EXHAUSTED.withDescription(
          "replica " + service.replicaId() + " has " + SendBudget.MAX_QUEUED_BYTES
              + " bytes of replies the forwarding replica does not read; retry later");
    }
    if (refusal != null) {
      reply(id, ForwardResponse.newBuilder().setError(StatusProto.fromStatusAndTrailers(refusal, null)).build());
      return;
    }
    Duration timeout =
        call.getTimeoutMicros() > 0
            ? Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(call.getTimeoutMicros()))
            : service.defaultTimeout();
    CompletableFuture<ByteString> reply;
    // Outside the stream's Context: its calls end one by one, and all together in onError.
    Context previous = Context.ROOT.attach();
    try {
      reply = LocalCalls.call(service.clients(), call.getClient(), call.getPayload(), call.getMetadataMap(), timeout);
    } finally {
      Context.ROOT.detach(previous);
    }
    inFlight.put(id, reply);
    reply.whenComplete(
        (bytes, failure) -> {
          inFlight.remove(id, reply);
          reply(id, service.response(call.getClient(), bytes, failure));
        });
  }

  private void reply(long id, ForwardResponse response) {
    RelayReply reply = RelayReply.newBuilder().setId(id).setResponse(response).build();
    int bytes = reply.getSerializedSize();
    if (bytes > SendBudget.MAX_REPLY_BYTES) {
      reply = RelayReply.newBuilder()
          .setId(id)
          .setResponse(ForwardResponse.newBuilder().setError(StatusProto.fromStatusAndTrailers(
              Status.RESOURCE_EXHAUSTED.withDescription(
                  "the reply is " + bytes + " bytes, over the " + SendBudget.MAX_REPLY_BYTES
                      + " a replica relays to another"),
              null)))
          .build();
      bytes = reply.getSerializedSize();
    }
    synchronized (replies) {
      budget.sent(bytes);
      try {
        replies.onNext(reply);
      } catch (StatusRuntimeException | IllegalStateException ended) {
        // the forwarding replica ended the stream: nobody waits for the outcome
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    cancelAll();
  }

  @Override
  public void onCompleted() {
    cancelAll();
    synchronized (replies) {
      try {
        replies.onCompleted();
      } catch (StatusRuntimeException | IllegalStateException ended) {
        // already ended
      }
    }
  }

  private void cancelAll() {
    for (Long id : inFlight.keySet()) {
      CompletableFuture<ByteString> reply = inFlight.remove(id);
      if (reply != null) {
        reply.cancel(false);
      }
    }
  }
}
