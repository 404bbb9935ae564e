package dev.agentrpc.processor;

import static dev.agentrpc.processor.RuntimeNames.HANDLER_REGISTRY;
import static dev.agentrpc.processor.RuntimeNames.OBJECTS;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import javax.lang.model.element.Modifier;

/** Writes {@code XHandlers}: registers an agent's implementation of X. */
final class HandlersWriter {
  private final GeneratedHeader header;

  HandlersWriter(GeneratedHeader header) {
    this.header = header;
  }

  JavaFile write(ServiceModel service) {
    return header.file(
        service,
        header
            .classBuilder(service.handlers(), service)
            .addJavadoc(
                "Registers an agent's implementation of {@link $T} in a {@link $T}.\n",
                service.service(),
                HANDLER_REGISTRY)
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
            .addMethod(register(service))
            .build());
  }

  private static MethodSpec register(ServiceModel service) {
    CodeBlock.Builder javadoc =
        CodeBlock.builder()
            .add(
                "Registers every method of {@code impl} in {@code registry}, under its request"
                    + " type:\n")
            .add("\n<ul>\n");
    CodeBlock.Builder chain =
        CodeBlock.builder().add("return $T.requireNonNull(registry, $S)", OBJECTS, "registry");
    for (MethodModel method : service.methods()) {
      javadoc.add(
          "  <li>{@link $L} serves {@link $T}$L\n",
          method.link(),
          method.request(),
          method.async() ? ", asynchronously" : "");
      chain.add(
          "\n.$N($T.getDefaultInstance(), impl::$N)",
          method.async() ? "registerAsync" : "register",
          method.request(),
          method.name());
    }
    javadoc
        .add("</ul>\n\n")
        .add("@return {@code registry}\n")
        .add("@throws IllegalStateException if {@code registry} already serves one of these\n")
        .add("    request types\n");
    return MethodSpec.methodBuilder("register")
        .addJavadoc(javadoc.build())
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(HANDLER_REGISTRY)
        .addParameter(HANDLER_REGISTRY, "registry")
        .addParameter(service.service(), "impl")
        .addStatement("$T.requireNonNull(impl, $S)", OBJECTS, "impl")
        .addStatement(chain.build())
        .build();
  }
}
