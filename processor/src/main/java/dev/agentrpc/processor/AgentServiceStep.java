package dev.agentrpc.processor;

import com.google.auto.common.BasicAnnotationProcessor.Step;
import com.google.common.collect.ImmutableSetMultimap;
import dev.agentrpc.annotations.AgentService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Processes each {@code @AgentService} type: validate, then model, then generate. A type whose
 * signatures use a type that does not exist yet is deferred to the next round.
 */
final class AgentServiceStep implements Step {
  private final AgentServiceValidator validator;
  private final ServiceModelFactory models;
  private final ServiceGenerator generator;
  private final Messager messager;

  AgentServiceStep(
      AgentServiceValidator validator,
      ServiceModelFactory models,
      ServiceGenerator generator,
      Messager messager) {
    this.validator = validator;
    this.models = models;
    this.generator = generator;
    this.messager = messager;
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
          report.printTo(messager);
        } else {
          generator.generate(models.create((TypeElement) element));
        }
      } catch (IOException e) {
        messager.printMessage(
            Diagnostic.Kind.ERROR,
            String.format(
                "[AgentServiceWrite] could not write the classes generated for %s: %s; if a class"
                    + " already has the name of its proxy or handlers in this package, rename it",
                element.getSimpleName(), e.getMessage()),
            element);
      } catch (RuntimeException e) {
        // Abandon this interface only: the others still generate.
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        messager.printMessage(
            Diagnostic.Kind.ERROR,
            "[AgentServiceFatal] FATAL ERROR in the @AgentService processor; please report it with"
                + " this interface: "
                + trace,
            element);
      }
    }
    return deferred;
  }
}
