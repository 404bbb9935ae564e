package dev.agentrpc.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;

/**
 * What validating one {@code @AgentService} interface found: errors, each attached to the element
 * (or annotation, or thrown type) it is about, or that a type it needs does not exist yet.
 */
final class ValidationReport {
  private final List<Consumer<Diagnostics>> errors = new ArrayList<>();
  private boolean unresolved;

  /** Records an error on {@code element}, tagged {@code [tag]}. */
  void error(Element element, String tag, String message) {
    error(element, null, tag, message);
  }

  /** Records an error on {@code annotation} of {@code element}, tagged {@code [tag]}. */
  void error(Element element, AnnotationMirror annotation, String tag, String message) {
    String tagged = tagged(tag, message);
    errors.add(diagnostics -> diagnostics.error(tagged, element, annotation));
  }

  /** Records an error on the {@code index}th type {@code method} throws, tagged {@code [tag]}. */
  void errorOnThrown(ExecutableElement method, int index, String tag, String message) {
    String tagged = tagged(tag, message);
    errors.add(diagnostics -> diagnostics.errorOnThrown(tagged, method, index));
  }

  /** Records that a type the interface uses does not resolve yet: try again next round. */
  void unresolved() {
    unresolved = true;
  }

  /** Whether a type the interface uses did not resolve; errors found meanwhile are moot. */
  boolean isUnresolved() {
    return unresolved;
  }

  /** Whether the interface is valid: code can be generated for it. */
  boolean isClean() {
    return !unresolved && errors.isEmpty();
  }

  /** Prints every error. */
  void printTo(Diagnostics diagnostics) {
    errors.forEach(error -> error.accept(diagnostics));
  }

  private static String tagged(String tag, String message) {
    return "[" + tag + "] " + message;
  }
}
