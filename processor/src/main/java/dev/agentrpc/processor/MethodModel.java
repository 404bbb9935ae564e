package dev.agentrpc.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import java.util.Optional;

/**
 * One method of an {@code @AgentService} interface, as the writers need it.
 *
 * @param name the method's name
 * @param request the request message type, its only parameter
 * @param response the response message type (unwrapped from the future when async)
 * @param returns the return type as declared: {@code response}, or a CompletableFuture or
 *     CompletionStage of it
 * @param async whether the method returns a future of {@code response}
 * @param throwsStatusException whether the method declares {@code throws StatusException}
 * @param timeoutConstant the proxy constant holding the method's declared timeout (its own, else
 *     its interface's); empty when neither declares one
 * @param link the method for {@code {@link}} in javadoc: {@code Declaring#name(Erased)}, which
 *     resolves for inherited and generic methods too
 */
record MethodModel(
    String name,
    TypeName request,
    TypeName response,
    TypeName returns,
    boolean async,
    boolean throwsStatusException,
    Optional<String> timeoutConstant,
    CodeBlock link) {}
