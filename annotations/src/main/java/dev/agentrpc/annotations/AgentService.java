package dev.agentrpc.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an interface whose methods an agent serves and a controller calls.
 *
 * <p>Each abstract method takes exactly one protobuf message and returns one (or a
 * {@code CompletableFuture} or {@code CompletionStage} of one); messages are of the full
 * protobuf runtime, not protobuf-lite. For {@code @AgentService interface X} the agentrpc
 * annotation processor generates, in X's package:
 *
 * <ul>
 *   <li>{@code XProxy}: the controller-side typed proxy over {@code Clients};
 *   <li>{@code XHandlers}: the agent-side {@code register(HandlerRegistry, X)}.
 * </ul>
 *
 * <p>Every request type may appear in only one method of one service served by an agent,
 * because agents dispatch on the request's full protobuf type name.
 *
 * @see Timeout
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface AgentService {}
