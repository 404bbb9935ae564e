package dev.agentrpc.cluster.peer;

import com.google.protobuf.ByteString;
import dev.agentrpc.cluster.proto.v1.ForwardRequest;
import dev.agentrpc.cluster.proto.v1.ForwardResponse;
import dev.agentrpc.cluster.proto.v1.PeerGrpc;
import dev.agentrpc.cluster.proto.v1.RelayReply;
import dev.agentrpc.cluster.proto.v1.RelayRequest;
import dev.agentrpc.server.Clients;
import dev.agentrpc.server.spi.LocalCalls;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The service through which other replicas call the clients connected to this one. Add it to
 * the same gRPC server as the agents' transport, with the same TLS; anyone who can call it can
 * call every client of this replica, so only the other replicas should be able to reach it
 * (mutual TLS, or a network only they share). Replicas relay calls over one stream each
 * ({@code Relay}); the unary {@code Forward} of earlier versions is still served.
 */
public final class PeerService implements BindableService {
  private final Clients clients;
  private final String replicaId;

  /** Serves forwarded calls to the clients of {@code clients}, the replica {@code replicaId}. */
  public PeerService(Clients clients, String replicaId) {
    this.clients = clients;
    this.replicaId = replicaId;
  }

  @Override
  public ServerServiceDefinition bindService() {
    return new PeerGrpc.PeerImplBase() {
      @Override
      public void forward(ForwardRequest request, StreamObserver<ForwardResponse> observer) {
        PeerService.this.forward(request, (ServerCallStreamObserver<ForwardResponse>) observer);
      }

      @Override
      public StreamObserver<RelayRequest> relay(StreamObserver<RelayReply> replies) {
        return new ServedRelay(PeerService.this, (ServerCallStreamObserver<RelayReply>) replies);
      }
    }.bindService();
  }

  Clients clients() {
    return clients;
  }

  String replicaId() {
    return replicaId;
  }

  Duration defaultTimeout() {
    return clients.defaultTimeout();
  }

  private void forward(ForwardRequest request, ServerCallStreamObserver<ForwardResponse> observer) {
    Deadline deadline = Context.current().getDeadline();
    Duration timeout =
        deadline == null
            ? clients.defaultTimeout()
            : Duration.ofNanos(Math.max(1, deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    String client = request.getClient();
    // Called within this rpc's Context: its cancellation and deadline reach the client's call.
    CompletableFuture<ByteString> reply =
        LocalCalls.call(clients, client, request.getPayload(), request.getMetadataMap(), timeout);
    observer.setOnCancelHandler(() -> reply.cancel(false));
    reply.whenComplete(
        (bytes, failure) -> {
          ForwardResponse response = response(client, bytes, failure);
          try {
            observer.onNext(response);
            observer.onCompleted();
          } catch (StatusRuntimeException | IllegalStateException cancelled) {
            // the forwarding replica gave up on the call first: nobody waits for the outcome
          }
        });
  }

  /** The outcome of a call to {@code client} as a forwarded call's response. */
  ForwardResponse response(String client, ByteString reply, Throwable failure) {
    return failure == null
        ? ForwardResponse.newBuilder().setReply(reply).build()
        : ForwardResponse.newBuilder().setError(toProto(client, failure)).build();
  }

  private com.google.rpc.Status toProto(String client, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof CancellationException) {
      return StatusProto.fromStatusAndTrailers(Status.CANCELLED.withDescription("the forwarded call was cancelled"), null);
    }
    Status status = Status.fromThrowable(cause);
    if (status.getCode() == Status.Code.NOT_FOUND && !clients.isConnected(client)) {
      return StatusProto.fromStatusAndTrailers(
          Status.NOT_FOUND.withDescription(
              "client '" + client + "' is not connected to replica " + replicaId
                  + " (it left or moved after the cluster directory was read); Clients.list() lists those"
                  + " that are connected"),
          null);
    }
    com.google.rpc.Status whole = StatusProto.fromThrowable(cause);
    return whole != null ? whole : StatusProto.fromStatusAndTrailers(status, null);
  }
}
