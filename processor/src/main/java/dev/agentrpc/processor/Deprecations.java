package dev.agentrpc.processor;

import com.google.auto.common.AnnotationMirrors;
import com.google.auto.common.MoreElements;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * The deprecation warnings generated code would raise by naming a deprecated interface, method or
 * message, so that it suppresses exactly those and compiles under {@code -Werror}.
 */
final class Deprecations {
  private final Elements elements;

  Deprecations(Elements elements) {
    this.elements = elements;
  }

  /** "deprecation" and "removal", as needed by code naming {@code service} and its methods. */
  List<String> warningsToSuppress(TypeElement service, List<ServiceMethod> methods) {
    Set<String> warnings = new TreeSet<>();
    addWithEnclosing(service, warnings);
    for (ServiceMethod method : methods) {
      add(method.element(), warnings);
      for (TypeMirror type : method.type().getParameterTypes()) {
        addType(type, warnings);
      }
      addType(method.type().getReturnType(), warnings);
    }
    return new ArrayList<>(warnings);
  }

  private void addType(TypeMirror type, Set<String> warnings) {
    if (type.getKind() == TypeKind.DECLARED) {
      addWithEnclosing(((DeclaredType) type).asElement(), warnings);
      for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
        addType(argument, warnings);
      }
    }
  }

  private void addWithEnclosing(Element type, Set<String> warnings) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      add(e, warnings);
    }
  }

  private void add(Element element, Set<String> warnings) {
    if (elements.isDeprecated(element)) {
      warnings.add("deprecation");
      MoreElements.getAnnotationMirror(element, Deprecated.class)
          .toJavaUtil()
          .filter(d -> (Boolean) AnnotationMirrors.getAnnotationValue(d, "forRemoval").getValue())
          .ifPresent(d -> warnings.add("removal"));
    }
  }
}
