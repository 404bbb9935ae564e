package dev.agentrpc.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/** What every generated file shares: its declaration, {@code @Generated}, and the file. */
final class GeneratedHeader {
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  private static final String GENERATED_MODULE = "java.compiler";

  /** The value of the generated files' {@code @Generated}. */
  static final String PROCESSOR = AgentServiceProcessor.class.getCanonicalName();

  private final Elements elements;
  private final boolean generatedAvailable;

  GeneratedHeader(Elements elements) {
    this.elements = elements;
    // Absent when compiling with --release 8.
    this.generatedAvailable = elements.getTypeElement(GENERATED.canonicalName()) != null;
  }

  /**
   * Whether code beside {@code service} may name {@code @Generated}: it exists, and a service in
   * a named module reads {@code java.compiler} (the module graph may hold it without the service's
   * module reading it, and naming it then fails to compile).
   */
  private boolean generatedVisibleFrom(Element service) {
    if (!generatedAvailable) {
      return false;
    }
    ModuleElement module = elements.getModuleOf(service);
    return module == null || module.isUnnamed() || reads(module, GENERATED_MODULE);
  }

  /** Whether {@code module} reads the module named {@code name}: requires it, or implies it transitively. */
  private static boolean reads(ModuleElement module, String name) {
    Deque<ModuleElement> toVisit = new ArrayDeque<>();
    Set<ModuleElement> seen = new HashSet<>();
    boolean root = true;
    toVisit.add(module);
    while (!toVisit.isEmpty()) {
      ModuleElement current = toVisit.remove();
      for (ModuleElement.RequiresDirective requires :
          ElementFilter.requiresIn(current.getDirectives())) {
        if (!root && !requires.isTransitive()) {
          continue; // what a required module requires is read only when it requires it transitively
        }
        ModuleElement dependency = requires.getDependency();
        if (dependency.getQualifiedName().contentEquals(name)) {
          return true;
        }
        if (seen.add(dependency)) {
          toVisit.add(dependency);
        }
      }
      root = false;
    }
    return false;
  }

  /**
   * A final class named {@code name}, generated from {@code service}: public when the service is,
   * annotated {@code @Generated} naming this processor, and {@code @SuppressWarnings} only when
   * naming a deprecated element would warn.
   */
  TypeSpec.Builder classBuilder(ClassName name, ServiceModel service) {
    TypeSpec.Builder type = TypeSpec.classBuilder(name).addOriginatingElement(service.element());
    if (generatedVisibleFrom(service.element())) {
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
