package dev.agentrpc.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

  ServiceModelFactory(Types types, Elements elements) {
    this.types = types;
    this.elements = elements;
  }

  ServiceModel create(TypeElement service) {
    Map<String, DeclaredTimeout> timeouts = new LinkedHashMap<>();
    Optional<String> serviceTimeout =
        TimeoutAnnotation.on(service)
            .map(
                t -> {
                  timeouts.put(SERVICE_TIMEOUT, t.timeout());
                  return SERVICE_TIMEOUT;
                });
    List<MethodModel> methods = new ArrayList<>();
    for (ServiceMethod method : ServiceMethod.of(service, types, elements)) {
      Optional<String> timeout =
          TimeoutAnnotation.on(method.element())
              .map(t -> addConstant(timeouts, constantName(method.name()), t.timeout()))
              .or(() -> serviceTimeout);
      methods.add(method(method, timeout));
    }
    return new ServiceModel(
        service,
        ClassName.get(service),
        service.getModifiers().contains(Modifier.PUBLIC),
        timeouts,
        methods);
  }

  private MethodModel method(ServiceMethod method, Optional<String> timeoutConstant) {
    TypeMirror returned = method.type().getReturnType();
    boolean async =
        ((TypeElement) types.asElement(returned))
            .getQualifiedName()
            .contentEquals(RuntimeNames.COMPLETABLE_FUTURE.canonicalName());
    TypeMirror response = async ? ((DeclaredType) returned).getTypeArguments().get(0) : returned;
    return new MethodModel(
        method.name(),
        TypeName.get(method.type().getParameterTypes().get(0)),
        TypeName.get(response),
        async,
        timeoutConstant);
  }

  /** Adds a constant named {@code name}, or {@code name_2}... when taken (overloads). */
  private static String addConstant(
      Map<String, DeclaredTimeout> timeouts, String name, DeclaredTimeout timeout) {
    String unique = name;
    for (int i = 2; timeouts.containsKey(unique); i++) {
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
