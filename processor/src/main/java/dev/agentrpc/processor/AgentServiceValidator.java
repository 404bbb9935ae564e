package dev.agentrpc.processor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks an {@code @AgentService} type against the rules generated code relies on, and reports each
 * broken rule on the element that breaks it, with what to write instead. Each method is checked by
 * a {@link MethodValidator}; this class checks the type and the methods together.
 *
 * <p>Method names need no rule: every method the proxy and its views generate takes the method's
 * request message, which none of their own methods takes, and no two service methods take the
 * same request type.
 */
final class AgentServiceValidator {
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
          String.format(
              "@AgentService applies to interfaces only; declare '%s' as an interface whose"
                  + " methods take and return protobuf messages",
              element.getSimpleName()));
      return report;
    }
    TypeElement service = (TypeElement) element;
    validateType(service, report);
    List<ServiceMethod> methods = ServiceMethod.of(service, types, elements);
    if (methods.isEmpty()) {
      report.error(
          service,
          "AgentServiceEmpty",
          String.format(
              "@AgentService interfaces need at least one abstract method for agents to serve,"
                  + " but '%s' has none (default and static methods are not served); declare"
                  + " one, e.g. MyReply doSomething(MyRequest request)",
              service.getSimpleName()));
    }
    for (ServiceMethod method : methods) {
      new MethodValidator(service, method, messageTypes, report).validate();
    }
    if (!report.isUnresolved()) {
      validateRequestsDistinct(service, methods, report);
    }
    return report;
  }

  private void validateType(TypeElement service, ValidationReport report) {
    if (!service.getTypeParameters().isEmpty()) {
      report.error(
          service,
          "AgentServiceGenericInterface",
          String.format(
              "@AgentService interfaces cannot have type parameters; declare '%s' without <%s>"
                  + " and use concrete protobuf message types in its methods",
              service.getSimpleName(), service.getTypeParameters()));
    }
    for (Element e = service; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        report.error(
            service,
            "AgentServicePrivate",
            String.format(
                "@AgentService interfaces cannot be private, nor nested in a private type,"
                    + " because the generated proxy and handlers in package '%s' use them; make"
                    + " '%s' package-private or public",
                elements.getPackageOf(service).getQualifiedName(), e.getSimpleName()));
        break;
      }
    }
    TimeoutAnnotation.on(service)
        .ifPresent(
            timeout -> timeout.validate(service, "'" + service.getSimpleName() + "'", report));
  }

  private void validateRequestsDistinct(
      TypeElement service, List<ServiceMethod> methods, ValidationReport report) {
    Map<String, ServiceMethod> byRequest = new HashMap<>();
    for (ServiceMethod method : methods) {
      if (method.type().getParameterTypes().size() != 1) {
        continue; // reported already
      }
      TypeMirror request = method.type().getParameterTypes().get(0);
      ServiceMethod first = byRequest.putIfAbsent(types.erasure(request).toString(), method);
      if (first != null) {
        report.error(
            on(service, method),
            "AgentServiceDuplicateRequest",
            String.format(
                "@AgentService methods need distinct request types, because agents dispatch on"
                    + " the request's type; '%s' and '%s' both take '%s'. Give '%1$s' a request"
                    + " message of its own",
                method.name(), first.name(), request));
      }
    }
  }

  /** Where to report about {@code method}: itself, or the service when it is inherited. */
  static Element on(TypeElement service, ServiceMethod method) {
    return method.isDeclaredIn(service) ? method.element() : service;
  }
}
