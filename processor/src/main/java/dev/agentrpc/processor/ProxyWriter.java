package dev.agentrpc.processor;

import static dev.agentrpc.processor.RuntimeNames.CALLS;
import static dev.agentrpc.processor.RuntimeNames.CLIENTS;
import static dev.agentrpc.processor.RuntimeNames.COMPLETABLE_FUTURE;
import static dev.agentrpc.processor.RuntimeNames.DURATION;
import static dev.agentrpc.processor.RuntimeNames.LIST;
import static dev.agentrpc.processor.RuntimeNames.OBJECTS;
import static dev.agentrpc.processor.RuntimeNames.RESULT;
import static dev.agentrpc.processor.RuntimeNames.STATUS_RUNTIME_EXCEPTION;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.Map;
import javax.lang.model.element.Modifier;

/** Writes {@code XProxy}: the controller's typed calls to agents serving X. */
final class ProxyWriter {
  private static final String BOUND = "BoundProxy";

  private final GeneratedHeader header;

  ProxyWriter(GeneratedHeader header) {
    this.header = header;
  }

  JavaFile write(ServiceModel service) {
    ClassName proxy = service.proxy();
    TypeSpec.Builder type =
        header
            .classBuilder(proxy, service)
            .addJavadoc(
                "Calls the agents serving {@link $T} through {@link $T}.\n\n"
                    + "<p>Immutable and thread-safe. A call's timeout is the one given to\n"
                    + "{@link #withTimeout}, else its method's {@code @Timeout}, else the"
                    + " interface's, else\n"
                    + "{@link $T#defaultTimeout()}.\n",
                service.service(),
                CLIENTS,
                CLIENTS);
    for (Map.Entry<String, DeclaredTimeout> timeout : service.timeouts().entrySet()) {
      type.addField(
          FieldSpec.builder(
                  DURATION, timeout.getKey(), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
              .initializer(timeout.getValue().toCode())
              .build());
    }
    type.addField(CLIENTS, "clients", Modifier.PRIVATE, Modifier.FINAL)
        .addField(
            FieldSpec.builder(DURATION, "timeout", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("Overrides every declared timeout when not null.\n")
                .build())
        .addMethod(constructor())
        .addMethod(of(proxy))
        .addMethod(withTimeout(proxy));
    for (MethodModel method : service.methods()) {
      type.addMethod(blocking(method))
          .addMethod(async(method))
          .addMethod(all(method))
          .addMethod(allAsync(method));
    }
    type.addMethod(forClient(service)).addMethod(timeoutOr()).addType(bound(service, proxy));
    return header.file(service, type.build());
  }

  private static MethodSpec constructor() {
    return MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameter(CLIENTS, "clients")
        .addParameter(DURATION, "timeout")
        .addStatement("this.clients = clients")
        .addStatement("this.timeout = timeout")
        .build();
  }

  private static MethodSpec of(ClassName proxy) {
    return MethodSpec.methodBuilder("of")
        .addJavadoc("A proxy calling agents through {@code clients}.\n")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(proxy)
        .addParameter(CLIENTS, "clients")
        .addStatement(
            "return new $T($T.requireNonNull(clients, $S), null)", proxy, OBJECTS, "clients")
        .build();
  }

  private static MethodSpec withTimeout(ClassName proxy) {
    return MethodSpec.methodBuilder("withTimeout")
        .addJavadoc(
            "A copy of this proxy whose calls all time out after {@code timeout}, whatever their\n"
                + "{@code @Timeout}.\n\n"
                + "@throws IllegalArgumentException if {@code timeout} is null, zero or negative\n")
        .addModifiers(Modifier.PUBLIC)
        .returns(proxy)
        .addParameter(DURATION, "timeout")
        .beginControlFlow("if (timeout == null || timeout.isZero() || timeout.isNegative())")
        .addStatement(
            "throw new $T($S + timeout)",
            IllegalArgumentException.class,
            "timeout must be positive, was ")
        .endControlFlow()
        .addStatement("return new $T(clients, timeout)", proxy)
        .build();
  }

  private static MethodSpec blocking(MethodModel method) {
    return MethodSpec.methodBuilder(method.name())
        .addJavadoc(
            "Calls {@link $L} on the client named {@code client} and waits\n"
                + "for its reply.\n\n"
                + "@throws $T with the call's status: NOT_FOUND when no such client is\n"
                + "    connected, DEADLINE_EXCEEDED after the timeout, or the status the agent"
                + " failed with\n",
            method.link(),
            STATUS_RUNTIME_EXCEPTION)
        .addModifiers(Modifier.PUBLIC)
        .returns(method.response())
        .addParameter(String.class, "client")
        .addParameter(method.request(), "request")
        .addStatement("return $T.await($N(client, request))", CALLS, method.name() + "Async")
        .build();
  }

  private static MethodSpec async(MethodModel method) {
    return MethodSpec.methodBuilder(method.name() + "Async")
        .addJavadoc(
            "Calls {@link $L} on the client named {@code client}.\n\n"
                + "<p>The future fails with a {@link $T} when the call does;\n"
                + "cancelling it cancels the call on the agent.\n",
            method.link(),
            STATUS_RUNTIME_EXCEPTION)
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(COMPLETABLE_FUTURE, method.response()))
        .addParameter(String.class, "client")
        .addParameter(method.request(), "request")
        .addStatement(
            "return clients.call(client, request, $T.parser(), $L)",
            method.response(),
            timeout(method))
        .build();
  }

  private static MethodSpec all(MethodModel method) {
    return MethodSpec.methodBuilder(method.name() + "All")
        .addJavadoc(
            "Calls {@link $L} on every connected client and waits for all their results.\n",
            method.link())
        .addModifiers(Modifier.PUBLIC)
        .returns(results(method))
        .addParameter(method.request(), "request")
        .addStatement("return $T.await($N(request))", CALLS, method.name() + "AllAsync")
        .build();
  }

  private static MethodSpec allAsync(MethodModel method) {
    return MethodSpec.methodBuilder(method.name() + "AllAsync")
        .addJavadoc(
            "Calls {@link $L} on every connected client.\n\n"
                + "<p>The future completes with one result per client once all have answered,"
                + " failed\n"
                + "or timed out; cancelling it cancels every call.\n",
            method.link())
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(COMPLETABLE_FUTURE, results(method)))
        .addParameter(method.request(), "request")
        .addStatement(
            "return clients.callAll(request, $T.parser(), $L)", method.response(), timeout(method))
        .build();
  }

  private static MethodSpec forClient(ServiceModel service) {
    return MethodSpec.methodBuilder("forClient")
        .addJavadoc(
            "An implementation of {@link $T} whose methods call the client named {@code client}\n"
                + "through this proxy: those returning a message wait for the reply, those"
                + " returning a\n"
                + "future do not.\n",
            service.service())
        .addModifiers(Modifier.PUBLIC)
        .returns(service.service())
        .addParameter(String.class, "client")
        .addStatement(
            "return new $L(this, $T.requireNonNull(client, $S))", BOUND, OBJECTS, "client")
        .build();
  }

  private static MethodSpec timeoutOr() {
    return MethodSpec.methodBuilder("timeoutOr")
        .addModifiers(Modifier.PRIVATE)
        .returns(DURATION)
        .addParameter(DURATION, "declared")
        .addStatement("return timeout != null ? timeout : declared")
        .build();
  }

  /** The class forClient returns: X bound to one client. */
  private static TypeSpec bound(ServiceModel service, ClassName proxy) {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(BOUND)
            .addJavadoc(
                "What {@link #forClient} returns: {@link $T} bound to one client.\n",
                service.service())
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addSuperinterface(service.service())
            .addField(proxy, "proxy", Modifier.PRIVATE, Modifier.FINAL)
            .addField(String.class, "client", Modifier.PRIVATE, Modifier.FINAL)
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addParameter(proxy, "proxy")
                    .addParameter(String.class, "client")
                    .addStatement("this.proxy = proxy")
                    .addStatement("this.client = client")
                    .build());
    for (MethodModel method : service.methods()) {
      type.addMethod(
          MethodSpec.methodBuilder(method.name())
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .returns(method.returns())
              .addParameter(method.request(), "request")
              .addStatement(
                  "return proxy.$N(client, request)",
                  method.async() ? method.name() + "Async" : method.name())
              .build());
    }
    type.addMethod(
        MethodSpec.methodBuilder("toString")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addStatement("return $S + client", service.service().simpleName() + " of client ")
            .build());
    return type.build();
  }

  private static CodeBlock timeout(MethodModel method) {
    return method
        .timeoutConstant()
        .map(constant -> CodeBlock.of("timeoutOr($N)", constant))
        .orElse(CodeBlock.of("timeoutOr(clients.defaultTimeout())"));
  }

  private static TypeName results(MethodModel method) {
    return ParameterizedTypeName.get(LIST, ParameterizedTypeName.get(RESULT, method.response()));
  }
}
