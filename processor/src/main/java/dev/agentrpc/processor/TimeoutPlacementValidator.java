package dev.agentrpc.processor;

import com.google.auto.common.MoreElements;
import dev.agentrpc.annotations.AgentService;
import java.util.Locale;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;

/**
 * Checks that a {@code @Timeout} is where a proxy reads it: on an {@code @AgentService} interface,
 * or on an abstract interface method (of a service, or of an interface a service extends). Its
 * value is checked with the service that uses it, by {@link AgentServiceValidator}.
 */
final class TimeoutPlacementValidator {

  /** Validates {@code element}, annotated {@code @Timeout}. */
  ValidationReport validate(Element element) {
    ValidationReport report = new ValidationReport();
    TimeoutAnnotation timeout = TimeoutAnnotation.on(element).orElseThrow();
    if (element.getKind().isClass() || element.getKind().isInterface()) {
      if (!MoreElements.isAnnotationPresent(element, AgentService.class)) {
        report.error(
            element,
            timeout.mirror(),
            "AgentServiceTimeoutPlacement",
            String.format(
                "@Timeout on a type applies only to @AgentService interfaces, but '%s' is not"
                    + " annotated @AgentService; annotate it @AgentService, or remove @Timeout",
                element.getSimpleName()));
      }
    } else if (element.getKind() == ElementKind.METHOD) {
      String kind = methodKind(element);
      if (kind != null) {
        report.error(
            element,
            timeout.mirror(),
            "AgentServiceTimeoutPlacement",
            String.format(
                "@Timeout applies only to the abstract methods of interfaces, which a proxy"
                    + " calls, but '%s' is %s; remove @Timeout from '%1$s'",
                element.getSimpleName(), kind));
      }
    }
    return report;
  }

  /** Why a proxy never calls {@code method}, or null when it may. */
  private static String methodKind(Element method) {
    Element owner = method.getEnclosingElement();
    if (owner.getKind() != ElementKind.INTERFACE) {
      return String.format(
          "a method of %s '%s'",
          owner.getKind().toString().toLowerCase(Locale.ROOT).replace('_', ' '),
          owner.getSimpleName());
    }
    if (method.getModifiers().contains(Modifier.DEFAULT)) {
      return "a default method";
    }
    if (method.getModifiers().contains(Modifier.STATIC)) {
      return "a static method";
    }
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      return "a private method";
    }
    return null;
  }
}
