package dev.agentrpc.transport.poll;

import dev.agentrpc.proto.v1.CoordinatorGrpc;
import dev.agentrpc.proto.v1.PollRequest;
import dev.agentrpc.proto.v1.PollResponse;
import dev.agentrpc.transport.stream.BearerToken;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The gRPC binding: each poll is one {@code Coordinator/Poll} unary call on a channel. */
final class GrpcPollTransport implements PollTransport {
  private final Channel channel;
  private volatile Credentials cached; // a client has one token: its warning is said once

  GrpcPollTransport(Channel channel) {
    this.channel = channel;
  }

  @Override
  public CompletableFuture<PollResponse> send(PollRequest request, Duration timeout, String bearerToken) {
    // Outside any caller's Context: a poll sent from a handler's thread must not end with it.
    Context previous = Context.ROOT.attach();
    try {
      return start(request, timeout, bearerToken);
    } finally {
      Context.ROOT.detach(previous);
    }
  }

  private CompletableFuture<PollResponse> start(PollRequest request, Duration timeout, String bearerToken) {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (bearerToken != null) {
      options = options.withCallCredentials(credentials(bearerToken));
    }
    ClientCall<PollRequest, PollResponse> call = channel.newCall(CoordinatorGrpc.getPollMethod(), options);
    CompletableFuture<PollResponse> answer = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(
        call,
        request,
        new StreamObserver<>() {
          @Override
          public void onNext(PollResponse response) {
            answer.complete(response);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    answer.whenComplete(
        (response, failure) -> {
          if (answer.isCancelled()) {
            call.cancel("the poll was abandoned", null);
          }
        });
    return answer;
  }

  private BearerToken credentials(String token) {
    Credentials current = cached;
    if (current == null || !current.token.equals(token)) {
      current = new Credentials(token);
      cached = current;
    }
    return current.credentials;
  }

  private static final class Credentials {
    final String token;
    final BearerToken credentials;

    Credentials(String token) {
      this.token = token;
      this.credentials = new BearerToken(token);
    }
  }
}
