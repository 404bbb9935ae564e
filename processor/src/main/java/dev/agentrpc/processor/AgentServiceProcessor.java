package dev.agentrpc.processor;

import com.google.auto.service.AutoService;
import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * Generates {@code XProxy} (the controller's typed calls) and {@code XHandlers} (the agent's
 * registration) for every {@code @AgentService} interface X, or compile errors saying what to
 * change.
 *
 * <p>The work is done by {@code AgentServiceSteps}, an auto-common {@code
 * BasicAnnotationProcessor}, which defers interfaces using types that do not exist yet to a later
 * round. This class adds claiming annotations, which BasicAnnotationProcessor does not do, so that
 * users compiling with {@code -Xlint:all -Werror} get no "No processor claimed any of these
 * annotations" warning; {@link GeneratedClaim} says which.
 */
@AutoService(Processor.class)
public final class AgentServiceProcessor extends AbstractProcessor {
  private final AgentServiceSteps steps;

  /** The processor javac discovers. */
  public AgentServiceProcessor() {
    this(generator -> generator);
  }

  /** A processor whose generator is wrapped, so tests can make it fail. */
  AgentServiceProcessor(ServiceGenerator.Wrapper wrapper) {
    this.steps = new AgentServiceSteps(wrapper);
  }

  @Override
  public synchronized void init(ProcessingEnvironment processingEnv) {
    super.init(processingEnv);
    steps.init(processingEnv);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(
        AgentService.class.getCanonicalName(),
        Timeout.class.getCanonicalName(),
        GeneratedHeader.GENERATED.canonicalName());
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    steps.process(annotations, round);
    return GeneratedClaim.claims(annotations, round);
  }
}
