package dev.agentrpc.processor;

import com.google.auto.common.BasicAnnotationProcessor;
import java.util.List;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Wires the pipeline: one step per annotation, each with its validator, and the service step's
 * model factory and writers. Its name appears in auto-common's error for an interface whose types
 * never resolve.
 */
final class AgentServiceSteps extends BasicAnnotationProcessor {
  private final ServiceGenerator.Wrapper wrapper;

  AgentServiceSteps(ServiceGenerator.Wrapper wrapper) {
    this.wrapper = wrapper;
  }

  @Override
  protected Iterable<? extends Step> steps() {
    Types types = processingEnv.getTypeUtils();
    Elements elements = processingEnv.getElementUtils();
    Diagnostics diagnostics = Diagnostics.of(processingEnv);
    GeneratedHeader header = new GeneratedHeader(elements);
    ProxyWriter proxy = new ProxyWriter(header);
    HandlersWriter handlers = new HandlersWriter(header);
    ServiceIndexWriter index = new ServiceIndexWriter(elements, processingEnv.getFiler());
    ServiceGenerator generator =
        service -> {
          proxy.write(service).writeTo(processingEnv.getFiler());
          handlers.write(service).writeTo(processingEnv.getFiler());
          index.write(service);
        };
    return List.of(
        new AgentServiceStep(
            new AgentServiceValidator(types, elements),
            new ServiceModelFactory(types, elements),
            new GeneratedNamesValidator(elements, processingEnv.getFiler()),
            wrapper.wrap(generator),
            diagnostics),
        new TimeoutStep(new TimeoutPlacementValidator(), diagnostics));
  }
}
