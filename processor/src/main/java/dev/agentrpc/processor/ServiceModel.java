package dev.agentrpc.processor;

import com.palantir.javapoet.ClassName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.TypeElement;

/**
 * A valid {@code @AgentService} interface, as the writers need it. Immutable.
 *
 * @param element the interface, the originating element of every generated file
 * @param service the interface's name
 * @param isPublic whether every package can use the interface: then the generated classes are
 *     public too
 * @param timeouts the proxy's timeout constants by name, in declaration order
 * @param methods the abstract methods, in declaration order
 * @param suppressedWarnings what generated classes suppress: the deprecation warnings naming the
 *     interface, its methods and messages would raise; usually none
 */
record ServiceModel(
    TypeElement element,
    ClassName service,
    boolean isPublic,
    Map<String, DeclaredTimeout> timeouts,
    List<MethodModel> methods,
    List<String> suppressedWarnings) {

  ServiceModel {
    timeouts = Collections.unmodifiableMap(new LinkedHashMap<>(timeouts));
    methods = List.copyOf(methods);
    suppressedWarnings = List.copyOf(suppressedWarnings);
  }

  /** The generated controller-side proxy: {@code XProxy}, or {@code Outer_XProxy} when nested. */
  ClassName proxy() {
    return sibling("Proxy");
  }

  /** The generated agent-side registration: {@code XHandlers}, or {@code Outer_XHandlers}. */
  ClassName handlers() {
    return sibling("Handlers");
  }

  private ClassName sibling(String suffix) {
    return ClassName.get(service.packageName(), String.join("_", service.simpleNames()) + suffix);
  }
}
