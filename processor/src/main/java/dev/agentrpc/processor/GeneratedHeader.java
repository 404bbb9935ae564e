package dev.agentrpc.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import javax.lang.model.element.Modifier;
import javax.lang.model.util.Elements;

/** What every generated file shares: its declaration, {@code @Generated}, and the file. */
final class GeneratedHeader {
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

  /** The value of the generated files' {@code @Generated}. */
  static final String PROCESSOR = AgentServiceProcessor.class.getCanonicalName();

  private final boolean generatedAvailable;

  GeneratedHeader(Elements elements) {
    // Absent when compiling with --release 8.
    this.generatedAvailable = elements.getTypeElement(GENERATED.canonicalName()) != null;
  }

  /**
   * A final class named {@code name}, generated from {@code service}: public when the service is,
   * annotated {@code @Generated} naming this processor, and {@code @SuppressWarnings} only when
   * naming a deprecated element would warn.
   */
  TypeSpec.Builder classBuilder(ClassName name, ServiceModel service) {
    TypeSpec.Builder type = TypeSpec.classBuilder(name).addOriginatingElement(service.element());
    if (generatedAvailable) {
      type.addAnnotation(
          AnnotationSpec.builder(GENERATED)
              .addMember("value", "$S", PROCESSOR)
              .build());
    }
    List<String> suppressed = service.suppressedWarnings();
    if (!suppressed.isEmpty()) {
      // One line, as a person writes it, rather than JavaPoet's one value per line.
      CodeBlock values =
          suppressed.stream().map(w -> CodeBlock.of("$S", w)).collect(CodeBlock.joining(", "));
      type.addAnnotation(
          AnnotationSpec.builder(SuppressWarnings.class)
              .addMember("value", suppressed.size() == 1 ? values : CodeBlock.of("{$L}", values))
              .build());
    }
    if (service.isPublic()) {
      type.addModifiers(Modifier.PUBLIC);
    }
    return type.addModifiers(Modifier.FINAL);
  }

  /** The source file of {@code type}, in the service's package. */
  JavaFile file(ServiceModel service, TypeSpec type) {
    return JavaFile.builder(service.service().packageName(), type)
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }
}
