package dev.agentrpc.processor;

import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Classifies the types in a service method's signature by name, so that the processor does not
 * depend on protobuf or gRPC.
 */
final class MessageTypes {
  /** How a type in a signature stands. */
  enum Kind {
    /** Acceptable. */
    OK,
    /** Not acceptable. */
    WRONG,
    /** It, or one of its supertypes, does not exist yet; perhaps a later round makes it. */
    UNRESOLVED
  }

  private final Types types;

  MessageTypes(Types types) {
    this.types = types;
  }

  /**
   * Whether {@code type} is a class implementing com.google.protobuf.Message, neither abstract nor
   * generic: a message class protoc generates.
   */
  Kind concreteMessage(TypeMirror type) {
    Kind hierarchy = inHierarchy(type, RuntimeNames.MESSAGE);
    if (hierarchy != Kind.OK) {
      return hierarchy;
    }
    Element element = types.asElement(type);
    boolean concrete =
        element.getKind() == ElementKind.CLASS
            && !element.getModifiers().contains(Modifier.ABSTRACT)
            && ((DeclaredType) type).getTypeArguments().isEmpty();
    return concrete ? Kind.OK : Kind.WRONG;
  }

  /** Whether a method may declare it throws {@code type}: a StatusException or unchecked. */
  Kind allowedThrown(TypeMirror type) {
    for (String allowed :
        new String[] {
          RuntimeNames.STATUS_EXCEPTION, "java.lang.RuntimeException", "java.lang.Error"
        }) {
      Kind kind = inHierarchy(type, allowed);
      if (kind != Kind.WRONG) {
        return kind;
      }
    }
    return Kind.WRONG;
  }

  /** Whether {@code type} or one of its supertypes is named {@code name}. */
  private Kind inHierarchy(TypeMirror type, String name) {
    if (type.getKind() == TypeKind.ERROR) {
      return Kind.UNRESOLVED;
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return Kind.WRONG;
    }
    if (nameOf(type).equals(name)) {
      return Kind.OK;
    }
    Kind found = Kind.WRONG;
    for (TypeMirror supertype : types.directSupertypes(type)) {
      Kind kind = inHierarchy(supertype, name);
      if (kind == Kind.OK) {
        return Kind.OK;
      }
      if (kind == Kind.UNRESOLVED) {
        found = Kind.UNRESOLVED;
      }
    }
    return found;
  }

  private static String nameOf(TypeMirror type) {
    return ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString();
  }
}
