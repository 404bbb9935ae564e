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

/**
 * The calls another replica relays to this one over one Relay stream: each starts a call to a
 * client connected here, and its outcome goes back on the stream. Ending the stream cancels
 * those still in flight.
 */
final class ServedRelay implements StreamObserver<RelayRequest> {
  private final PeerService service;
  private final ServerCallStreamObserver<RelayReply> replies;
  private final Map<Long, CompletableFuture<ByteString>> inFlight = new ConcurrentHashMap<>();

  ServedRelay(PeerService service, ServerCallStreamObserver<RelayReply> replies) {
    this.service = service;
    this.replies = replies;
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
      reply(id, ForwardResponse.newBuilder()
          .setError(StatusProto.fromStatusAndTrailers(
              Status.INVALID_ARGUMENT.withDescription("relayed call " + id + " is already in flight on this stream"),
              null))
          .build());
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
    synchronized (replies) {
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
