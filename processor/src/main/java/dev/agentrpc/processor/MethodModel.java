package dev.agentrpc.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import java.util.Optional;

/**
 * One method of an {@code @AgentService} interface, as the writers need it.
 *
 * @param name the method's name
 * @param request the request message type, its only parameter
 * @param response the response message type (unwrapped from CompletableFuture when async)
 * @param async whether the method returns {@code CompletableFuture<response>}
 * @param timeoutConstant the proxy constant holding the method's declared timeout (its own, else
 *     its interface's); empty when neither declares one
 * @param link the method for {@code {@link}} in javadoc: {@code Declaring#name(Erased)}, which
 *     resolves for inherited and generic methods too
 */
record MethodModel(
    String name,
    TypeName request,
    TypeName response,
    boolean async,
    Optional<String> timeoutConstant,
    CodeBlock link) {

  /** The proxy method waiting for one client's reply. */
  String blockingName() {
    return name;
  }

  /** The proxy method returning one client's future reply. */
  String asyncName() {
    return name + "Async";
  }

  /** The proxy method calling every client and waiting for all. */
  String allName() {
    return name + "All";
  }

  /** The proxy method calling every client and returning the future results. */
  String allAsyncName() {
    return name + "AllAsync";
  }
}
