package dev.agentrpc.example.controller;

import com.google.protobuf.Message;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * One operation the console can call by name: the request type it takes and the typed
 * proxy call that sends it. Built explicitly per method (see {@link Operations}), so the
 * console needs no reflection.
 */
public final class Operation {
  private final String name;
  private final String summary;
  private final String example;
  private final Message requestPrototype;
  private final BiFunction<String, Message, CompletableFuture<? extends Message>> call;

  private Operation(
      String name,
      String summary,
      String example,
      Message requestPrototype,
      BiFunction<String, Message, CompletableFuture<? extends Message>> call) {
    this.name = Objects.requireNonNull(name, "name");
    this.summary = Objects.requireNonNull(summary, "summary");
    this.example = Objects.requireNonNull(example, "example");
    this.requestPrototype = Objects.requireNonNull(requestPrototype, "requestPrototype");
    this.call = Objects.requireNonNull(call, "call");
  }

  /**
   * An operation named {@code name} that sends a {@code Q} with {@code call}, e.g.
   * {@code Operation.of("echo", "...", "{\"text\": \"hi\"}", EchoRequest.getDefaultInstance(), proxy.async()::echo)}.
   *
   * @param example a request in JSON, shown by {@code help}
   */
  public static <Q extends Message, R extends Message> Operation of(
      String name,
      String summary,
      String example,
      Q requestPrototype,
      BiFunction<String, Q, CompletableFuture<R>> call) {
    Objects.requireNonNull(call, "call");
    Class<?> type = requestPrototype.getClass();
    return new Operation(
        name,
        summary,
        example,
        requestPrototype,
        (agent, request) -> {
          // Requests are built from requestPrototype's own builder, so this is a Q.
          @SuppressWarnings("unchecked")
          Q typed = (Q) type.cast(request);
          return call.apply(agent, typed);
        });
  }

  /** The method's name, as typed at the console. */
  public String name() {
    return name;
  }

  /** One line on what it does. */
  public String summary() {
    return summary;
  }

  /** An example request in JSON. */
  public String example() {
    return example;
  }

  /** The request type's default instance. */
  public Message requestPrototype() {
    return requestPrototype;
  }

  /** The request type's short name, e.g. {@code EchoRequest}. */
  public String requestTypeName() {
    return requestPrototype.getDescriptorForType().getName();
  }

  /**
   * Calls {@code agent} with {@code request}, which must be of the request type.
   *
   * @throws ClassCastException if {@code request} is of another type
   */
  public CompletableFuture<? extends Message> call(String agent, Message request) {
    return call.apply(agent, request);
  }
}
