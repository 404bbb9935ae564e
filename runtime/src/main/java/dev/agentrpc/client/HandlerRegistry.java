package dev.agentrpc.client;

import com.google.protobuf.Message;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The handlers an agent serves, keyed by the full protobuf name of their request type.
 *
 * <p>Register every handler before the agent connects; a second handler for the same
 * request type is refused. Generated {@code XHandlers.register(registry, impl)} methods
 * register a whole {@code @AgentService} at once. Thread-safe.
 *
 * <pre>{@code
 * HandlerRegistry registry = new HandlerRegistry()
 *     .register(Ping.getDefaultInstance(), ping -> Pong.newBuilder().setText(ping.getText()).build());
 * }</pre>
 */
public final class HandlerRegistry {
  private final ConcurrentHashMap<String, MethodHandler> handlers = new ConcurrentHashMap<>();
  private final List<HandlerObserver> observers = new CopyOnWriteArrayList<>();

  /** An empty registry. */
  public HandlerRegistry() {}

  /**
   * Serves requests of {@code requestType}'s type with {@code handler}.
   *
   * @param requestType the request type's default instance, e.g. {@code Ping.getDefaultInstance()}
   * @throws IllegalStateException if the type already has a handler
   */
  public <Q extends Message, R extends Message> HandlerRegistry register(
      Q requestType, UnaryHandler<Q, R> handler) {
    Objects.requireNonNull(handler, "handler");
    return add(MethodHandler.unary(requestType, handler));
  }

  /**
   * Serves requests of {@code requestType}'s type with an asynchronous {@code handler}.
   *
   * @param requestType the request type's default instance, e.g. {@code Ping.getDefaultInstance()}
   * @throws IllegalStateException if the type already has a handler
   */
  public <Q extends Message, R extends Message> HandlerRegistry registerAsync(
      Q requestType, AsyncHandler<Q, R> handler) {
    Objects.requireNonNull(handler, "handler");
    return add(MethodHandler.async(requestType, handler));
  }

  /**
   * Tells {@code observer} of every handler's invocation and end (metrics, tracing), in the
   * order observers were added. Add observers before the agent connects.
   */
  public HandlerRegistry observe(HandlerObserver observer) {
    observers.add(Objects.requireNonNull(observer, "observer"));
    return this;
  }

  /** The observers, in the order they were added. */
  List<HandlerObserver> observers() {
    return observers;
  }

  /** The full names of the request types served, sorted. */
  public Set<String> requestTypes() {
    return Collections.unmodifiableSet(new TreeSet<>(handlers.keySet()));
  }

  /** The handler for an {@code Any} type URL, or null. */
  MethodHandler lookup(String typeUrl) {
    return handlers.get(typeUrl.substring(typeUrl.lastIndexOf('/') + 1));
  }

  private HandlerRegistry add(MethodHandler handler) {
    MethodHandler previous = handlers.putIfAbsent(handler.requestType(), handler);
    if (previous != null) {
      throw new IllegalStateException(
          "a handler for "
              + handler.requestType()
              + " is already registered; each request type can have only one handler");
    }
    return this;
  }
}
