package dev.agentrpc.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.grpc.StatusException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One registered handler with the parser of its request type. */
final class MethodHandler {
  private final String requestType;
  private final Parser<? extends Message> parser;
  private final UnaryHandler<Message, ? extends Message> unary;
  private final AsyncHandler<Message, ? extends Message> async;

  private MethodHandler(
      Message requestType,
      UnaryHandler<Message, ? extends Message> unary,
      AsyncHandler<Message, ? extends Message> async) {
    Objects.requireNonNull(requestType, "requestType");
    this.requestType = requestType.getDescriptorForType().getFullName();
    this.parser = requestType.getParserForType();
    this.unary = unary;
    this.async = async;
  }

  // The parser yields Q, so the handler only ever sees a Q: the casts are safe.
  @SuppressWarnings("unchecked")
  static <Q extends Message> MethodHandler unary(Q requestType, UnaryHandler<Q, ?> handler) {
    return new MethodHandler(
        requestType, (UnaryHandler<Message, ? extends Message>) handler, null);
  }

  @SuppressWarnings("unchecked")
  static <Q extends Message> MethodHandler async(Q requestType, AsyncHandler<Q, ?> handler) {
    return new MethodHandler(
        requestType, null, (AsyncHandler<Message, ? extends Message>) handler);
  }

  String requestType() {
    return requestType;
  }

  boolean isAsync() {
    return async != null;
  }

  Message parse(ByteString payload) throws InvalidProtocolBufferException {
    // Aliasing: the request's bytes fields share the payload's immutable bytes (no copy).
    CodedInputStream in = payload.newCodedInput();
    in.enableAliasing(true);
    return parser.parseFrom(in);
  }

  Message invoke(Message request) throws StatusException {
    Message response = unary.handle(request);
    if (response == null) {
      throw new NullPointerException("handler for " + requestType + " returned null");
    }
    return response;
  }

  CompletionStage<? extends Message> invokeAsync(Message request) throws StatusException {
    CompletionStage<? extends Message> stage = async.handle(request);
    if (stage == null) {
      return CompletableFuture.failedFuture(
          new NullPointerException("async handler for " + requestType + " returned null"));
    }
    return stage;
  }
}
