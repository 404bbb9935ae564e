package dev.agentrpc.processor;

import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * What validating one {@code @AgentService} interface found: errors, each attached to the element
 * (and annotation) it is about, or that a type it needs does not exist yet.
 */
final class ValidationReport {
  private final List<Item> errors = new ArrayList<>();
  private boolean unresolved;

  /** Records an error on {@code element}, tagged {@code [tag]}. */
  void error(Element element, String tag, String message) {
    errors.add(new Item(element, null, "[" + tag + "] " + message));
  }

  /** Records an error on {@code annotation} of {@code element}, tagged {@code [tag]}. */
  void error(Element element, AnnotationMirror annotation, String tag, String message) {
    errors.add(new Item(element, annotation, "[" + tag + "] " + message));
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
  void printTo(Messager messager) {
    for (Item item : errors) {
      messager.printMessage(Diagnostic.Kind.ERROR, item.message, item.element, item.annotation);
    }
  }

  private record Item(Element element, AnnotationMirror annotation, String message) {}
}
