package dev.agentrpc.processor;

import com.google.auto.common.BasicAnnotationProcessor.Step;
import com.google.common.collect.ImmutableSetMultimap;
import dev.agentrpc.annotations.AgentService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Processes each {@code @AgentService} type: validate, then model, then generate. A type whose
 * signatures use a type that does not exist yet is deferred to the next round.
 */
final class AgentServiceStep implements Step {
  private final AgentServiceValidator validator;
  private final ServiceModelFactory models;
  private final GeneratedNamesValidator names;
  private final ServiceGenerator generator;
  private final Diagnostics diagnostics;

  AgentServiceStep(
      AgentServiceValidator validator,
      ServiceModelFactory models,
      GeneratedNamesValidator names,
      ServiceGenerator generator,
      Diagnostics diagnostics) {
    this.validator = validator;
    this.models = models;
    this.names = names;
    this.generator = generator;
    this.diagnostics = diagnostics;
  }

  @Override
  public Set<String> annotations() {
    return Set.of(AgentService.class.getCanonicalName());
  }

  @Override
  public Set<? extends Element> process(
      ImmutableSetMultimap<String, Element> elementsByAnnotation) {
    Set<Element> deferred = new HashSet<>();
    for (Element element : elementsByAnnotation.values()) {
      try {
        ValidationReport report = validator.validate(element);
        if (report.isUnresolved()) {
          deferred.add(element);
        } else if (!report.isClean()) {
          report.printTo(diagnostics);
        } else {
          generate(models.create((TypeElement) element));
        }
      } catch (RuntimeException e) {
        // Abandon this interface only: the others still generate.
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        diagnostics.error(
            "[AgentServiceFatal] FATAL ERROR in the @AgentService processor; please report it"
                + " with this interface: "
                + trace,
            element,
            null);
      }
    }
    return deferred;
  }

  private void generate(ServiceModel service) {
    ValidationReport report = names.validate(service);
    if (!report.isClean()) {
      report.printTo(diagnostics);
      return;
    }
    try {
      generator.generate(service);
    } catch (IOException e) {
      diagnostics.error(
          String.format(
              "[AgentServiceWrite] could not write the classes generated for '%s': %s",
              service.element().getSimpleName(), e.getMessage()),
          service.element(),
          null);
    }
  }
}
