package dev.agentrpc.processor;

import static dev.agentrpc.processor.RuntimeNames.FAN_OUT;
import static dev.agentrpc.processor.RuntimeNames.FAN_OUT_OPTIONS;
import static dev.agentrpc.processor.RuntimeNames.OBJECTS;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code fanOut(FanOutOptions)} and the class it returns, nested in {@code XProxy}: every
 * method of X again, calling the clients the options target and streaming one result per client.
 * Unlike the {@linkplain ProxyViewWriter other views}, it is made per call, for its options; it
 * takes the proxy's timeout and executor all the same.
 */
final class FanOutViewWriter {
  private static final String ACCESSOR = "fanOut";
  private static final String SIMPLE_NAME = "FanOutCalls";

  private final ServiceModel service;

  FanOutViewWriter(ServiceModel service) {
    this.service = service;
  }

  /** The proxy's {@code fanOut} method. */
  MethodSpec accessor() {
    return MethodSpec.methodBuilder(ACCESSOR)
        .addJavadoc(
            "Calls to the clients {@code options} target, whose results stream out as they"
                + " arrive.\n\n"
                + "@throws NullPointerException if {@code options} is null\n")
        .addModifiers(Modifier.PUBLIC)
        .returns(name())
        .addParameter(FAN_OUT_OPTIONS, "options")
        .addStatement(
            "return new $T(this, $T.requireNonNull(options, $S))", name(), OBJECTS, "options")
        .build();
  }

  /** The class {@code fanOut} returns. */
  TypeSpec write() {
    ClassName proxy = service.proxy();
    TypeSpec.Builder type =
        TypeSpec.classBuilder(name())
            .addJavadoc(
                "Calls to the clients a {@link $T} targets, whose results stream out as they"
                    + " arrive:\n"
                    + "one method per method of {@link $T}; from {@link $T#$N}.\n\n"
                    + "<p>Cancelling a {@link $T} cancels its calls in flight.\n",
                FAN_OUT_OPTIONS,
                service.service(),
                proxy,
                ACCESSOR,
                FAN_OUT)
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addField(proxy, "proxy", Modifier.PRIVATE, Modifier.FINAL)
            .addField(FAN_OUT_OPTIONS, "options", Modifier.PRIVATE, Modifier.FINAL)
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addModifiers(Modifier.PRIVATE)
                    .addParameter(proxy, "proxy")
                    .addParameter(FAN_OUT_OPTIONS, "options")
                    .addStatement("this.proxy = proxy")
                    .addStatement("this.options = options")
                    .build());
    for (MethodModel method : service.methods()) {
      type.addMethod(method(method));
    }
    return type.build();
  }

  private ClassName name() {
    return service.proxy().nestedClass(SIMPLE_NAME);
  }

  private static MethodSpec method(MethodModel method) {
    return MethodSpec.methodBuilder(method.name())
        .addJavadoc("Calls {@link $L}\non the clients the options target.\n", method.link())
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(FAN_OUT, method.response()))
        .addParameter(method.request(), "request")
        .addStatement(
            "return proxy.clients.fanOut($Zrequest,$W$T.parser(),$Woptions,$W$L,$Wproxy.executor)",
            method.response(),
            ProxyViewWriter.timeout(method))
        .build();
  }
}
