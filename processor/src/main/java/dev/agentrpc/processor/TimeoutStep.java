package dev.agentrpc.processor;

import com.google.auto.common.BasicAnnotationProcessor.Step;
import com.google.common.collect.ImmutableSetMultimap;
import dev.agentrpc.annotations.Timeout;
import java.util.Set;
import javax.lang.model.element.Element;

/** Reports every {@code @Timeout} that no proxy would read, rather than ignoring it. */
final class TimeoutStep implements Step {
  private final TimeoutPlacementValidator validator;
  private final Diagnostics diagnostics;

  TimeoutStep(TimeoutPlacementValidator validator, Diagnostics diagnostics) {
    this.validator = validator;
    this.diagnostics = diagnostics;
  }

  @Override
  public Set<String> annotations() {
    return Set.of(Timeout.class.getCanonicalName());
  }

  @Override
  public Set<? extends Element> process(
      ImmutableSetMultimap<String, Element> elementsByAnnotation) {
    for (Element element : elementsByAnnotation.values()) {
      validator.validate(element).printTo(diagnostics);
    }
    return Set.of();
  }
}
