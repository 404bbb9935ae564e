package dev.agentrpc.processor;

import com.google.auto.common.BasicAnnotationProcessor;
import com.google.auto.service.AutoService;
import dev.agentrpc.annotations.AgentService;
import dev.agentrpc.annotations.Timeout;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Generates {@code XProxy} (the controller's typed calls) and {@code XHandlers} (the agent's
 * registration) for every {@code @AgentService} interface X, or compile errors saying what
 * to change.
 *
 * <p>The work is done by auto-common's {@link BasicAnnotationProcessor}, which defers
 * interfaces using types that do not exist yet to a later round. This class adds claiming
 * the annotations, which BasicAnnotationProcessor does not do, so that users compiling with
 * {@code -Xlint:all -Werror} get no "No processor claimed any of these annotations"
 * warning: {@code @AgentService}, {@code @Timeout}, and the {@code @Generated} on the files
 * it writes, which javac reports in the next round otherwise.
 */
@AutoService(Processor.class)
public final class AgentServiceProcessor extends AbstractProcessor {
  private final Steps steps;

  /** The processor javac discovers. */
  public AgentServiceProcessor() {
    this(generator -> generator);
  }

  /** A processor whose generator is wrapped, so tests can make it fail. */
  AgentServiceProcessor(ServiceGenerator.Wrapper wrapper) {
    this.steps = new Steps(wrapper);
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
    return true;
  }

  /** Wires the pipeline: one step, its validator, model factory and writers. */
  private static final class Steps extends BasicAnnotationProcessor {
    private final ServiceGenerator.Wrapper wrapper;

    Steps(ServiceGenerator.Wrapper wrapper) {
      this.wrapper = wrapper;
    }

    @Override
    protected Iterable<? extends Step> steps() {
      Types types = processingEnv.getTypeUtils();
      Elements elements = processingEnv.getElementUtils();
      GeneratedHeader header = new GeneratedHeader(elements);
      ProxyWriter proxy = new ProxyWriter(header);
      HandlersWriter handlers = new HandlersWriter(header);
      ServiceGenerator generator =
          service -> {
            proxy.write(service).writeTo(processingEnv.getFiler());
            handlers.write(service).writeTo(processingEnv.getFiler());
          };
      return List.of(
          new AgentServiceStep(
              new AgentServiceValidator(types, elements),
              new ServiceModelFactory(types, elements),
              wrapper.wrap(generator),
              processingEnv.getMessager()));
    }
  }
}
