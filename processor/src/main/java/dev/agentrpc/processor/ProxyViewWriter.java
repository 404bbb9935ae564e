package dev.agentrpc.processor;

import static dev.agentrpc.processor.RuntimeNames.CALLS;
import static dev.agentrpc.processor.RuntimeNames.COMPLETABLE_FUTURE;
import static dev.agentrpc.processor.RuntimeNames.LIST;
import static dev.agentrpc.processor.RuntimeNames.RESULT;
import static dev.agentrpc.processor.RuntimeNames.STATUS_RUNTIME_EXCEPTION;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * Writes the proxy's views, nested in {@code XProxy}: every method of X again, called in another
 * way than the proxy's own blocking call to one client. Each view takes the proxy's timeout and
 * executor. {@link FanOutViewWriter} writes the one view that takes options.
 */
final class ProxyViewWriter {
  /** A way of calling, named by the proxy method returning it. */
  enum View {
    /** One client; a future of its reply. */
    ASYNC("async", "Async"),
    /** Every connected client; waits for one result each. */
    ALL("all", "All"),
    /** Every connected client; a future of one result each. */
    ALL_ASYNC("allAsync", "AllAsync");

    private final String accessor;
    private final String simpleName;

    View(String accessor, String simpleName) {
      this.accessor = accessor;
      this.simpleName = simpleName;
    }

    /** The proxy's method, and field, returning this view. */
    String accessor() {
      return accessor;
    }

    /** This view's class, nested in {@code proxy}. */
    ClassName name(ClassName proxy) {
      return proxy.nestedClass(simpleName);
    }

    private boolean toOneClient() {
      return this == ASYNC;
    }
  }

  private final ServiceModel service;

  ProxyViewWriter(ServiceModel service) {
    this.service = service;
  }

  /** The proxy's method returning {@code view}. */
  MethodSpec accessor(View view) {
    return MethodSpec.methodBuilder(view.accessor())
        .addJavadoc(
            switch (view) {
              case ASYNC -> "Calls to one client that return a future of its reply.\n";
              case ALL -> "Calls to every connected client that wait for all their results.\n";
              case ALL_ASYNC ->
                  "Calls to every connected client that return a future of all their results.\n";
            })
        .addModifiers(Modifier.PUBLIC)
        .returns(view.name(service.proxy()))
        .addStatement("return $N", view.accessor())
        .build();
  }

  /** The class of {@code view}. */
  TypeSpec write(View view) {
    ClassName proxy = service.proxy();
    TypeSpec.Builder type =
        TypeSpec.classBuilder(view.name(proxy))
            .addJavadoc(classJavadoc(view))
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addField(proxy, "proxy", Modifier.PRIVATE, Modifier.FINAL)
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addModifiers(Modifier.PRIVATE)
                    .addParameter(proxy, "proxy")
                    .addStatement("this.proxy = proxy")
                    .build());
    for (MethodModel method : service.methods()) {
      type.addMethod(method(view, method));
    }
    return type.build();
  }

  private CodeBlock classJavadoc(View view) {
    ClassName proxy = service.proxy();
    return switch (view) {
      case ASYNC ->
          CodeBlock.builder()
              .add("Calls to one client that return a future of its reply, one method per method"
                  + " of\n")
              .add("{@link $T}; from {@link $T#async()}.\n\n", service.service(), proxy)
              .add("<p>A future fails with a {@link $T} when its call\n", STATUS_RUNTIME_EXCEPTION)
              .add("does; cancelling it cancels the call on the agent.\n")
              .build();
      case ALL ->
          CodeBlock.builder()
              .add("Calls to every connected client that wait for one result per client, one"
                  + " method per\n")
              .add("method of {@link $T}; from {@link $T#all()}.\n", service.service(), proxy)
              .build();
      case ALL_ASYNC ->
          CodeBlock.builder()
              .add("Calls to every connected client that return a future of one result per"
                  + " client, one\n")
              .add("method per method of {@link $T}; from {@link $T#allAsync()}.\n\n",
                  service.service(), proxy)
              .add("<p>A future completes once every client has answered, failed or timed out;\n")
              .add("cancelling it cancels every call.\n")
              .build();
    };
  }

  private static MethodSpec method(View view, MethodModel method) {
    MethodSpec.Builder spec =
        MethodSpec.methodBuilder(method.name())
            .addModifiers(Modifier.PUBLIC)
            .returns(returns(view, method));
    if (view.toOneClient()) {
      spec.addParameter(String.class, "client");
    }
    spec.addParameter(method.request(), "request");
    return switch (view) {
      case ASYNC ->
          spec.addJavadoc(
                  "Calls {@link $L}\non the client named {@code client}.\n", method.link())
              .addStatement(
                  "return proxy.clients.call($Zclient,$Wrequest,$W$T.parser(),$W$L,"
                      + "$Wproxy.executor)",
                  method.response(),
                  timeout(method))
              .build();
      case ALL ->
          spec.addJavadoc(
                  "Calls {@link $L}\non every connected client and waits for their results.\n",
                  method.link())
              .addStatement(
                  "return $T.await(proxy.$N().$N(request))",
                  CALLS,
                  View.ALL_ASYNC.accessor(),
                  method.name())
              .build();
      case ALL_ASYNC ->
          spec.addJavadoc("Calls {@link $L}\non every connected client.\n", method.link())
              .addStatement(
                  "return proxy.clients.callAll($Zrequest,$W$T.parser(),$W$L,$Wproxy.executor)",
                  method.response(),
                  timeout(method))
              .build();
    };
  }

  private static TypeName returns(View view, MethodModel method) {
    TypeName results =
        ParameterizedTypeName.get(LIST, ParameterizedTypeName.get(RESULT, method.response()));
    return switch (view) {
      case ASYNC -> ParameterizedTypeName.get(COMPLETABLE_FUTURE, method.response());
      case ALL -> results;
      case ALL_ASYNC -> ParameterizedTypeName.get(COMPLETABLE_FUTURE, results);
    };
  }

  /** The call's timeout: the proxy's, else the declared one, else the Clients' default. */
  static CodeBlock timeout(MethodModel method) {
    return method
        .timeoutConstant()
        .map(constant -> CodeBlock.of("proxy.timeoutOr($N)", constant))
        .orElse(CodeBlock.of("proxy.timeoutOr(proxy.clients.defaultTimeout())"));
  }
}
