package dev.agentrpc.processor;

import com.palantir.javapoet.ClassName;
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
    /** A protobuf-lite message: agentrpc needs the full runtime's descriptors and parsers. */
    LITE,
    /** It, or one of its supertypes, does not exist yet; perhaps a later round makes it. */
    UNRESOLVED
  }

  private final Types types;

  MessageTypes(Types types) {
    this.types = types;
  }

  /**
   * Whether {@code type} is a class implementing com.google.protobuf.Message, neither abstract nor
   * generic: a message class protoc generates. {@link Kind#LITE} for a protobuf-lite message.
   */
  Kind concreteMessage(TypeMirror type) {
    Kind hierarchy = inHierarchy(type, RuntimeNames.MESSAGE);
    if (hierarchy == Kind.WRONG && inHierarchy(type, RuntimeNames.MESSAGE_LITE) == Kind.OK) {
      return Kind.LITE;
    }
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

  /**
   * Whether a method may declare it throws {@code type}: io.grpc.StatusException itself (not a
   * subclass, which a bound proxy could not throw), or an unchecked exception.
   */
  Kind allowedThrown(TypeMirror type) {
    if (isNamed(type, RuntimeNames.STATUS_EXCEPTION)) {
      return Kind.OK;
    }
    for (String allowed : new String[] {"java.lang.RuntimeException", "java.lang.Error"}) {
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

  /** Whether {@code type} is the class or interface {@code name} (with any type arguments). */
  static boolean isNamed(TypeMirror type, ClassName name) {
    return type.getKind() == TypeKind.DECLARED && nameOf(type).equals(name.canonicalName());
  }

  /** Whether {@code type} is a future the proxy and handlers accept: CompletableFuture or stage. */
  static boolean isFuture(TypeMirror type) {
    return isNamed(type, RuntimeNames.COMPLETABLE_FUTURE)
        || isNamed(type, RuntimeNames.COMPLETION_STAGE);
  }

  private static String nameOf(TypeMirror type) {
    return ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString();
  }
}
