package dev.agentrpc.processor;

import com.google.auto.common.MoreElements;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * An abstract method of a service interface, declared there or inherited, with its types as seen
 * from the interface (so a superinterface's type variables are substituted).
 *
 * @param element the method
 * @param type its signature as a member of the service interface
 */
record ServiceMethod(ExecutableElement element, ExecutableType type) {
  // Redeclaring these in an interface does not make them agent methods: every class has them.
  private static final Set<String> OBJECT_METHODS =
      Set.of("equals(java.lang.Object)", "hashCode()", "toString()");

  /**
   * The abstract methods of {@code service}, its own in declaration order then the inherited ones.
   * Default, static and private methods are left out, and so are redeclared public methods of
   * Object.
   */
  static List<ServiceMethod> of(TypeElement service, Types types, Elements elements) {
    List<ExecutableElement> candidates =
        new ArrayList<>(ElementFilter.methodsIn(service.getEnclosedElements()));
    for (ExecutableElement method :
        MoreElements.getLocalAndInheritedMethods(service, types, elements)) {
      if (!method.getEnclosingElement().equals(service)) {
        candidates.add(method);
      }
    }
    DeclaredType serviceType = (DeclaredType) service.asType();
    List<ServiceMethod> methods = new ArrayList<>();
    for (ExecutableElement method : candidates) {
      if (method.getModifiers().contains(Modifier.ABSTRACT) && !isObjectMethod(method, types)) {
        methods.add(
            new ServiceMethod(method, (ExecutableType) types.asMemberOf(serviceType, method)));
      }
    }
    return methods;
  }

  /** The method's name. */
  String name() {
    return element.getSimpleName().toString();
  }

  /** Whether the service interface declares this method itself (rather than inheriting it). */
  boolean isDeclaredIn(TypeElement service) {
    return element.getEnclosingElement().equals(service);
  }

  private static boolean isObjectMethod(ExecutableElement method, Types types) {
    StringBuilder signature = new StringBuilder(method.getSimpleName()).append('(');
    for (int i = 0; i < method.getParameters().size(); i++) {
      signature.append(i == 0 ? "" : ",");
      signature.append(types.erasure(method.getParameters().get(i).asType()));
    }
    return OBJECT_METHODS.contains(signature.append(')').toString());
  }
}
