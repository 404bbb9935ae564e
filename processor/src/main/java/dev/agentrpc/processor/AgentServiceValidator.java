package dev.agentrpc.processor;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks an {@code @AgentService} type against the rules generated code relies on, and reports each
 * broken rule on the element that breaks it, with what to write instead.
 */
final class AgentServiceValidator {
  /** Members of the generated proxy that service methods must not shadow. */
  private static final Set<String> PROXY_MEMBERS = Set.of("of", "withTimeout", "forClient");

  private final Types types;
  private final Elements elements;
  private final MessageTypes messageTypes;

  AgentServiceValidator(Types types, Elements elements) {
    this.types = types;
    this.elements = elements;
    this.messageTypes = new MessageTypes(types);
  }

  /** Validates {@code element}, annotated {@code @AgentService}. */
  ValidationReport validate(Element element) {
    ValidationReport report = new ValidationReport();
    if (element.getKind() != ElementKind.INTERFACE) {
      report.error(
          element,
          "AgentServiceNotInterface",
          "@AgentService applies to interfaces only; declare "
              + element.getSimpleName()
              + " as an interface whose methods take and return protobuf messages");
      return report;
    }
    TypeElement service = (TypeElement) element;
    validateType(service, report);
    List<ServiceMethod> methods = ServiceMethod.of(service, types, elements);
    for (ServiceMethod method : methods) {
      new MethodValidator(service, method, messageTypes, report).validate();
    }
    if (!report.isUnresolved()) {
      validateRequestsDistinct(service, methods, report);
      validateNamesDistinct(service, methods, report);
    }
    return report;
  }

  private void validateType(TypeElement service, ValidationReport report) {
    if (!service.getTypeParameters().isEmpty()) {
      report.error(
          service,
          "AgentServiceGenericInterface",
          "@AgentService interfaces cannot have type parameters; declare "
              + service.getSimpleName()
              + " without "
              + service.getTypeParameters()
              + " and use concrete protobuf message"
              + " types in its methods");
    }
    for (Element e = service; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        report.error(
            service,
            "AgentServicePrivate",
            "@AgentService interfaces cannot be private, nor nested in a private type, because the"
                + " generated proxy and handlers in package "
                + elements.getPackageOf(service)
                + " use them; make "
                + e.getSimpleName()
                + " package-private or public");
        break;
      }
    }
    TimeoutAnnotation.on(service).ifPresent(t -> validateTimeout(service, t, report));
  }

  /** Reports a {@code @Timeout} on {@code element} that is not a positive Duration. */
  static void validateTimeout(Element element, TimeoutAnnotation timeout, ValidationReport report) {
    DeclaredTimeout value = timeout.timeout();
    String written = "@Timeout(value = " + value.value() + ", unit = " + value.unit() + ")";
    if (value.value() <= 0) {
      report.error(
          element,
          timeout.mirror(),
          "AgentServiceTimeout",
          "@Timeout must be positive, but "
              + element.getSimpleName()
              + " has "
              + written
              + "; write a positive value, e.g. @Timeout(5) for five seconds");
      return;
    }
    try {
      Duration unused = value.toDuration();
    } catch (ArithmeticException e) {
      report.error(
          element,
          timeout.mirror(),
          "AgentServiceTimeout",
          "@Timeout must fit a java.time.Duration, but "
              + element.getSimpleName()
              + " has "
              + written
              + "; write a shorter timeout");
    }
  }

  private void validateRequestsDistinct(
      TypeElement service, List<ServiceMethod> methods, ValidationReport report) {
    Map<String, ServiceMethod> byRequest = new HashMap<>();
    for (ServiceMethod method : methods) {
      if (method.type().getParameterTypes().size() != 1) {
        continue;
      }
      TypeMirror request = method.type().getParameterTypes().get(0);
      ServiceMethod first = byRequest.putIfAbsent(types.erasure(request).toString(), method);
      if (first != null) {
        report.error(
            on(service, method),
            "AgentServiceDuplicateRequest",
            "@AgentService methods need distinct request types, because agents dispatch on the"
                + " request's type; "
                + method.name()
                + " and "
                + first.name()
                + " both take "
                + request
                + ". Give "
                + method.name()
                + " a request message of its own");
      }
    }
  }

  private void validateNamesDistinct(
      TypeElement service, List<ServiceMethod> methods, ValidationReport report) {
    Map<String, String> ownerOfGeneratedName = new LinkedHashMap<>();
    for (ServiceMethod method : methods) {
      ownerOfGeneratedName.put(method.name(), method.name());
    }
    for (ServiceMethod method : methods) {
      String name = method.name();
      for (String generated : List.of(name, name + "Async", name + "All", name + "AllAsync")) {
        Optional<String> clash =
            PROXY_MEMBERS.contains(generated)
                ? Optional.of("the proxy's own " + generated + " method")
                : Optional.ofNullable(ownerOfGeneratedName.putIfAbsent(generated, name))
                    .filter(owner -> !owner.equals(name))
                    .map(owner -> "the proxy methods generated for " + owner);
        if (clash.isPresent()) {
          report.error(
              on(service, method),
              "AgentServiceNameClash",
              "@AgentService method names must give distinct proxy method names, but the proxy"
                  + " method "
                  + generated
                  + " generated for "
                  + name
                  + " clashes with "
                  + clash.get()
                  + "; rename "
                  + name);
          break;
        }
      }
    }
  }

  /** Where to report about {@code method}: itself, or the service when it is inherited. */
  static Element on(TypeElement service, ServiceMethod method) {
    return method.isDeclaredIn(service) ? method.element() : service;
  }
}
