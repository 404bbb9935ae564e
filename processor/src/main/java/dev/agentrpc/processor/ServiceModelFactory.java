package dev.agentrpc.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Builds the {@link ServiceModel} of an interface that passed validation. */
final class ServiceModelFactory {
  static final String SERVICE_TIMEOUT = "DEFAULT_TIMEOUT";

  private final Types types;
  private final Elements elements;
  private final Deprecations deprecations;

  ServiceModelFactory(Types types, Elements elements) {
    this.types = types;
    this.elements = elements;
    this.deprecations = new Deprecations(elements);
  }

  ServiceModel create(TypeElement service) {
    Optional<DeclaredTimeout> serviceTimeout =
        TimeoutAnnotation.on(service).map(TimeoutAnnotation::timeout);
    Map<String, DeclaredTimeout> methodTimeouts = new LinkedHashMap<>();
    List<MethodModel> methods = new ArrayList<>();
    List<ServiceMethod> serviceMethods = ServiceMethod.of(service, types, elements);
    for (ServiceMethod method : serviceMethods) {
      Optional<String> timeout =
          TimeoutAnnotation.on(method.element())
              .map(t -> addConstant(methodTimeouts, constantName(method.name()), t.timeout()))
              .or(() -> serviceTimeout.map(t -> SERVICE_TIMEOUT));
      methods.add(method(method, timeout));
    }
    // The interface's timeout first, and only when a method uses it.
    Map<String, DeclaredTimeout> timeouts = new LinkedHashMap<>();
    if (methods.stream().anyMatch(m -> m.timeoutConstant().equals(Optional.of(SERVICE_TIMEOUT)))) {
      timeouts.put(SERVICE_TIMEOUT, serviceTimeout.orElseThrow());
    }
    timeouts.putAll(methodTimeouts);
    return new ServiceModel(
        service,
        ClassName.get(service),
        isEffectivelyPublic(service),
        timeouts,
        methods,
        deprecations.warningsToSuppress(service, serviceMethods));
  }

  /** Whether code in any package can use {@code service}: it and its enclosing types are public. */
  private static boolean isEffectivelyPublic(TypeElement service) {
    for (Element e = service; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private MethodModel method(ServiceMethod method, Optional<String> timeoutConstant) {
    TypeMirror returned = method.type().getReturnType();
    boolean async = MessageTypes.isFuture(returned);
    TypeMirror response = async ? ((DeclaredType) returned).getTypeArguments().get(0) : returned;
    ExecutableElement element = method.element();
    return new MethodModel(
        method.name(),
        TypeName.get(method.type().getParameterTypes().get(0)),
        TypeName.get(response),
        TypeName.get(returned),
        async,
        method.type().getThrownTypes().stream()
            .anyMatch(thrown -> MessageTypes.isNamed(thrown, RuntimeNames.STATUS_EXCEPTION)),
        timeoutConstant,
        CodeBlock.of(
            "$T#$N($T)",
            ClassName.get((TypeElement) element.getEnclosingElement()),
            method.name(),
            TypeName.get(types.erasure(element.getParameters().get(0).asType()))));
  }

  /**
   * Adds a constant named {@code name}, or {@code name_2}... when taken (overloads), never named
   * like the interface's.
   */
  private static String addConstant(
      Map<String, DeclaredTimeout> timeouts, String name, DeclaredTimeout timeout) {
    String unique = name;
    for (int i = 2; timeouts.containsKey(unique) || unique.equals(SERVICE_TIMEOUT); i++) {
      unique = name + "_" + i;
    }
    timeouts.put(unique, timeout);
    return unique;
  }

  /** {@code getStatus} -> {@code GET_STATUS_TIMEOUT}. */
  private static String constantName(String methodName) {
    return methodName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)
        + "_TIMEOUT";
  }
}
