package dev.agentrpc.processor;

import com.google.auto.common.AnnotationMirrors;
import com.google.auto.common.MoreElements;
import dev.agentrpc.annotations.Timeout;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.VariableElement;

/**
 * A {@code @Timeout} annotation read from its mirror: the processor never instantiates annotations.
 *
 * @param mirror the annotation, where errors about it are reported
 * @param timeout its value
 */
record TimeoutAnnotation(AnnotationMirror mirror, DeclaredTimeout timeout) {
  private static final Duration MINIMUM = Duration.ofMillis(1);

  /** The {@code @Timeout} on {@code element}, if any. */
  static Optional<TimeoutAnnotation> on(Element element) {
    return MoreElements.getAnnotationMirror(element, Timeout.class)
        .toJavaUtil()
        .map(
            mirror -> {
              long value =
                  ((Number) AnnotationMirrors.getAnnotationValue(mirror, "value").getValue())
                      .longValue();
              VariableElement unit =
                  (VariableElement) AnnotationMirrors.getAnnotationValue(mirror, "unit").getValue();
              return new TimeoutAnnotation(
                  mirror,
                  new DeclaredTimeout(value, TimeUnit.valueOf(unit.getSimpleName().toString())));
            });
  }

  /**
   * Reports on {@code element} (at this annotation) unless the timeout is a Duration of at least
   * one millisecond; {@code subject} names the element in messages.
   */
  void validate(Element element, String subject, ValidationReport report) {
    String written =
        String.format("@Timeout(value = %d, unit = %s)", timeout.value(), timeout.unit());
    if (timeout.value() <= 0) {
      report.error(
          element,
          mirror,
          "AgentServiceTimeout",
          String.format(
              "@Timeout must be positive, but %s has %s; write a positive value, e.g. @Timeout(5)"
                  + " for five seconds",
              subject, written));
      return;
    }
    Duration duration;
    try {
      duration = timeout.toDuration();
    } catch (ArithmeticException e) {
      report.error(
          element,
          mirror,
          "AgentServiceTimeout",
          String.format(
              "@Timeout must fit a java.time.Duration, but %s has %s; write a shorter timeout",
              subject, written));
      return;
    }
    if (duration.compareTo(MINIMUM) < 0) {
      report.error(
          element,
          mirror,
          "AgentServiceTimeout",
          String.format(
              "@Timeout must be at least one millisecond, because no call to an agent completes"
                  + " sooner, but %s has %s; write @Timeout(value = 1, unit ="
                  + " TimeUnit.MILLISECONDS) or longer",
              subject, written));
    }
  }
}
