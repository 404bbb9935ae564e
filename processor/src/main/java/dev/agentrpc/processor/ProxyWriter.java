package dev.agentrpc.processor;

import static dev.agentrpc.processor.RuntimeNames.CALLS;
import static dev.agentrpc.processor.RuntimeNames.CLIENTS;
import static dev.agentrpc.processor.RuntimeNames.DURATION;
import static dev.agentrpc.processor.RuntimeNames.EXECUTOR;
import static dev.agentrpc.processor.RuntimeNames.OBJECTS;
import static dev.agentrpc.processor.RuntimeNames.STATUS_RUNTIME_EXCEPTION;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code XProxy}: the controller's typed calls to agents serving X. The proxy makes
 * blocking calls to one client; its views ({@link ProxyViewWriter}, {@link FanOutViewWriter}) make
 * the other kinds, and {@link BoundProxyWriter} writes what {@code forClient} returns.
 */
final class ProxyWriter {
  private final GeneratedHeader header;

  ProxyWriter(GeneratedHeader header) {
    this.header = header;
  }

  JavaFile write(ServiceModel service) {
    ClassName proxy = service.proxy();
    TypeSpec.Builder type = header.classBuilder(proxy, service).addJavadoc(javadoc(service));
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
        .addField(EXECUTOR, "executor", Modifier.PRIVATE, Modifier.FINAL);
    for (ProxyViewWriter.View view : ProxyViewWriter.View.values()) {
      type.addField(view.name(proxy), view.accessor(), Modifier.PRIVATE, Modifier.FINAL);
    }
    type.addMethod(constructor(proxy))
        .addMethod(of(proxy))
        .addMethod(withTimeout(proxy))
        .addMethod(withExecutor(proxy));
    for (MethodModel method : service.methods()) {
      type.addMethod(blocking(method));
    }
    ProxyViewWriter views = new ProxyViewWriter(service);
    for (ProxyViewWriter.View view : ProxyViewWriter.View.values()) {
      type.addMethod(views.accessor(view));
    }
    FanOutViewWriter fanOut = new FanOutViewWriter(service);
    type.addMethod(fanOut.accessor())
        .addMethod(BoundProxyWriter.forClient(service))
        .addMethod(timeoutOr());
    for (ProxyViewWriter.View view : ProxyViewWriter.View.values()) {
      type.addType(views.write(view));
    }
    type.addType(fanOut.write()).addType(BoundProxyWriter.write(service));
    return header.file(service, type.build());
  }

  private static CodeBlock javadoc(ServiceModel service) {
    String first = service.methods().get(0).name();
    return CodeBlock.builder()
        .add("Calls the agents serving {@link $T} through {@link $T}.\n\n", service.service(),
            CLIENTS)
        .add("<pre>{@code\n")
        .add("$T proxy = $T.of(clients);\n", service.proxy(), service.proxy())
        .add("// one agent: wait for its reply, or get a future of it\n")
        .add("proxy.$L(\"agent-7\", request);\n", first)
        .add("proxy.async().$L(\"agent-7\", request);\n", first)
        .add("// every connected agent: wait for one result each, or get a future of them\n")
        .add("proxy.all().$L(request);\n", first)
        .add("proxy.allAsync().$L(request);\n", first)
        .add("// the agents options choose: each result as it lands\n")
        .add("proxy.fanOut(FanOutOptions.selecting(\"region=eu\")).$L(request).forEach(...);\n",
            first)
        .add("// the interface itself, bound to one agent\n")
        .add("$T agent7 = proxy.forClient(\"agent-7\");\n", service.service())
        .add("}</pre>\n\n")
        .add("<p>Immutable and thread-safe. A call's timeout is the one given to\n")
        .add("{@link #withTimeout}, else its method's {@code @Timeout}, else the interface's,\n")
        .add("else {@link $T#defaultTimeout()}. Futures complete on the executor given to\n",
            CLIENTS)
        .add("{@link #withExecutor}, else {@link $T#callbackExecutor()}.\n", CLIENTS)
        .build();
  }

  private static MethodSpec constructor(ClassName proxy) {
    MethodSpec.Builder constructor =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameter(CLIENTS, "clients")
            .addParameter(DURATION, "timeout")
            .addParameter(EXECUTOR, "executor")
            .addStatement("this.clients = clients")
            .addStatement("this.timeout = timeout")
            .addStatement("this.executor = executor");
    for (ProxyViewWriter.View view : ProxyViewWriter.View.values()) {
      constructor.addStatement("this.$N = new $T(this)", view.accessor(), view.name(proxy));
    }
    return constructor.build();
  }

  private static MethodSpec of(ClassName proxy) {
    return MethodSpec.methodBuilder("of")
        .addJavadoc(
            "A proxy calling agents through {@code clients}, whose futures complete on\n"
                + "{@link $T#callbackExecutor()}.\n",
            CLIENTS)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(proxy)
        .addParameter(CLIENTS, "clients")
        .addStatement("$T.requireNonNull(clients, $S)", OBJECTS, "clients")
        .addStatement("return new $T(clients, null, clients.callbackExecutor())", proxy)
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
        .addStatement("return new $T(clients, timeout, executor)", proxy)
        .build();
  }

  private static MethodSpec withExecutor(ClassName proxy) {
    return MethodSpec.methodBuilder("withExecutor")
        .addJavadoc(
            "A copy of this proxy whose futures complete on {@code executor}, which then runs\n"
                + "the stages that depend on them. Blocking calls return on the calling thread"
                + " either\n"
                + "way.\n")
        .addModifiers(Modifier.PUBLIC)
        .returns(proxy)
        .addParameter(EXECUTOR, "executor")
        .addStatement(
            "return new $T(clients, timeout, $T.requireNonNull(executor, $S))",
            proxy,
            OBJECTS,
            "executor")
        .build();
  }

  private static MethodSpec blocking(MethodModel method) {
    return MethodSpec.methodBuilder(method.name())
        .addJavadoc(
            "Calls {@link $L} on the client named\n"
                + "{@code client} and waits for its reply.\n\n"
                + "@throws $T with the call's status: NOT_FOUND when no such client is\n"
                + "    connected, DEADLINE_EXCEEDED after the timeout, or the status the agent"
                + " failed with\n",
            method.link(),
            STATUS_RUNTIME_EXCEPTION)
        .addModifiers(Modifier.PUBLIC)
        .returns(method.response())
        .addParameter(String.class, "client")
        .addParameter(method.request(), "request")
        .addStatement(
            "return $T.await($N.$N(client, request))",
            CALLS,
            ProxyViewWriter.View.ASYNC.accessor(),
            method.name())
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
}
