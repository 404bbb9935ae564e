package dev.agentrpc.processor;

import static dev.agentrpc.processor.RuntimeNames.OBJECTS;
import static dev.agentrpc.processor.RuntimeNames.STATUS_EXCEPTION;
import static dev.agentrpc.processor.RuntimeNames.STATUS_RUNTIME_EXCEPTION;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code forClient(String)} and the class it returns, nested in {@code XProxy}: X itself,
 * each method calling one client through the proxy.
 */
final class BoundProxyWriter {
  private static final String BOUND = "BoundProxy";

  private BoundProxyWriter() {}

  /** The proxy's {@code forClient} method. */
  static MethodSpec forClient(ServiceModel service) {
    return MethodSpec.methodBuilder("forClient")
        .addJavadoc(
            "An implementation of {@link $T} whose methods call the client named {@code client}\n"
                + "through this proxy: those returning a message wait for the reply, those"
                + " returning a\n"
                + "future do not. A failed call throws a {@code $T} from the methods declaring"
                + " it,\n"
                + "a {@link $T} from the others.\n",
            service.service(),
            STATUS_EXCEPTION,
            STATUS_RUNTIME_EXCEPTION)
        .addModifiers(Modifier.PUBLIC)
        .returns(service.service())
        .addParameter(String.class, "client")
        .addStatement(
            "return new $L(this, $T.requireNonNull(client, $S))", BOUND, OBJECTS, "client")
        .build();
  }

  /** The class {@code forClient} returns. */
  static TypeSpec write(ServiceModel service) {
    ClassName proxy = service.proxy();
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
      type.addMethod(method(method));
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

  private static MethodSpec method(MethodModel method) {
    MethodSpec.Builder spec =
        MethodSpec.methodBuilder(method.name())
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(method.returns())
            .addParameter(method.request(), "request");
    if (method.async()) {
      return spec.addStatement(
              "return proxy.$N().$N(client, request)",
              ProxyViewWriter.View.ASYNC.accessor(),
              method.name())
          .build();
    }
    if (!method.throwsStatusException()) {
      return spec.addStatement("return proxy.$N(client, request)", method.name()).build();
    }
    return spec.addException(STATUS_EXCEPTION)
        .beginControlFlow("try")
        .addStatement("return proxy.$N(client, request)", method.name())
        .nextControlFlow("catch ($T e)", STATUS_RUNTIME_EXCEPTION)
        .addStatement("throw e.getStatus().asException(e.getTrailers())")
        .endControlFlow()
        .build();
  }
}
