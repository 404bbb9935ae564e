package dev.agentrpc.processor;

import com.google.auto.common.AnnotationMirrors;
import com.google.auto.common.MoreElements;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Whether the processor claims a round's annotations. Claiming {@code @AgentService} and
 * {@code @Timeout} keeps {@code -Xlint:processing} quiet about them. The {@code @Generated} on the
 * files the processor wrote would draw the same warning in the next round, so it is claimed too,
 * but only in a round where every element carrying {@code @Generated} is one of those files:
 * processors running after this one are always offered the {@code @Generated} of anyone else's.
 * In a round that mixes both, nothing is claimed (javac takes one answer for all of a processor's
 * annotations), and {@code -Xlint:processing} reports the other generator's annotation as before.
 */
final class GeneratedClaim {
  private GeneratedClaim() {}

  /** Whether to claim {@code annotations}, the supported ones present in {@code round}. */
  static boolean claims(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (TypeElement annotation : annotations) {
      if (annotation.getQualifiedName().contentEquals(GeneratedHeader.GENERATED.canonicalName())) {
        for (Element element : round.getElementsAnnotatedWith(annotation)) {
          if (!isOurs(element)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Whether {@code element}'s {@code @Generated} names this processor alone. */
  private static boolean isOurs(Element element) {
    return MoreElements.getAnnotationMirror(element, GeneratedHeader.GENERATED.canonicalName())
        .toJavaUtil()
        .map(generated -> AnnotationMirrors.getAnnotationValue(generated, "value").getValue())
        .filter(List.class::isInstance)
        .map(
            values ->
                ((List<?>) values).size() == 1
                    && GeneratedHeader.PROCESSOR.equals(
                        ((AnnotationValue) ((List<?>) values).get(0)).getValue()))
        .orElse(false);
  }
}
