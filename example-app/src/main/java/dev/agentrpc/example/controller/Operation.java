package dev.agentrpc.example.controller;

import com.google.protobuf.Message;
import dev.agentrpc.server.FanOut;
import dev.agentrpc.server.FanOutOptions;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * One operation the console and the fleet page can call by name: the request type it takes,
 * the typed proxy call that sends it to one agent, and the fan-out that sends it to many.
 * Built explicitly per method (see {@link Operations}), so neither needs reflection.
 */
public final class Operation {
  private final String name;
  private final String summary;
  private final String example;
  private final Message requestPrototype;
  private final BiFunction<String, Message, CompletableFuture<? extends Message>> call;
  private final BiFunction<FanOutOptions, Message, FanOut<? extends Message>> fanOut;

  private Operation(
      String name,
      String summary,
      String example,
      Message requestPrototype,
      BiFunction<String, Message, CompletableFuture<? extends Message>> call,
      BiFunction<FanOutOptions, Message, FanOut<? extends Message>> fanOut) {
    this.name = Objects.requireNonNull(name, "name");
    this.summary = Objects.requireNonNull(summary, "summary");
    this.example = Objects.requireNonNull(example, "example");
    this.requestPrototype = Objects.requireNonNull(requestPrototype, "requestPrototype");
    this.call = Objects.requireNonNull(call, "call");
    this.fanOut = Objects.requireNonNull(fanOut, "fanOut");
  }

  /**
   * An operation named {@code name} that sends a {@code Q} to one agent with {@code call}
   * and to many with {@code fanOut}, e.g. {@code Operation.of("echo", "...", "{\"text\":
   * \"hi\"}", EchoRequest.getDefaultInstance(), proxy.async()::echo, (options, request) ->
   * proxy.fanOut(options).echo(request))}.
   *
   * @param example a request in JSON, shown by {@code help}
   */
  public static <Q extends Message, R extends Message> Operation of(
      String name,
      String summary,
      String example,
      Q requestPrototype,
      BiFunction<String, Q, CompletableFuture<R>> call,
      BiFunction<FanOutOptions, Q, FanOut<R>> fanOut) {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(fanOut, "fanOut");
    Class<?> type = requestPrototype.getClass();
    return new Operation(
        name,
        summary,
        example,
        requestPrototype,
        (agent, request) -> call.apply(agent, typed(type, request)),
        (options, request) -> fanOut.apply(options, typed(type, request)));
  }

  // Requests are built from requestPrototype's own builder, so this is a Q.
  @SuppressWarnings("unchecked")
  private static <Q extends Message> Q typed(Class<?> type, Message request) {
    return (Q) type.cast(request);
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

  /**
   * Calls the agents {@code options} target with {@code request}, which must be of the
   * request type; results stream out of the returned fan-out as they arrive.
   *
   * @throws ClassCastException if {@code request} is of another type
   */
  @SuppressWarnings("unchecked") // results are read only: a FanOut<R> is a FanOut<Message> to a reader
  public FanOut<Message> fanOut(Message request, FanOutOptions options) {
    return (FanOut<Message>) fanOut.apply(options, request);
  }
}
