package dev.agentrpc.processor;

import com.palantir.javapoet.ClassName;
import java.io.IOException;
import java.util.List;
import javax.annotation.processing.Filer;
import javax.lang.model.util.Elements;
import javax.tools.StandardLocation;

/**
 * Checks that the names of a service's generated classes are free: a class of that name in this
 * compilation would clash with the generated one, and one on the classpath would be shadowed by
 * it. What this build wrote earlier (a rebuild without a clean) is no obstacle.
 */
final class GeneratedNamesValidator {
  private final Elements elements;
  private final Filer filer;

  GeneratedNamesValidator(Elements elements, Filer filer) {
    this.elements = elements;
    this.filer = filer;
  }

  ValidationReport validate(ServiceModel service) {
    ValidationReport report = new ValidationReport();
    for (ClassName name : List.of(service.proxy(), service.handlers())) {
      if (elements.getTypeElement(name.canonicalName()) != null && !isEarlierOutput(name)) {
        report.error(
            service.element(),
            "AgentServiceWrite",
            String.format(
                "the processor generates '%s' for '%s', but a class of that name already"
                    + " exists, in this compilation or on the classpath; rename '%2$s', or the"
                    + " existing class",
                name.canonicalName(), service.element().getSimpleName()));
      }
    }
    return report;
  }

  /**
   * Whether this build's output already holds {@code name}'s class or generated source, from an
   * earlier build: build tools put both on the paths javac searches.
   */
  private boolean isEarlierOutput(ClassName name) {
    return exists(StandardLocation.CLASS_OUTPUT, name, ".class")
        || exists(StandardLocation.SOURCE_OUTPUT, name, ".java");
  }

  private boolean exists(StandardLocation location, ClassName name, String extension) {
    try {
      filer
          .getResource(location, name.packageName(), name.simpleName() + extension)
          .openInputStream()
          .close();
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
