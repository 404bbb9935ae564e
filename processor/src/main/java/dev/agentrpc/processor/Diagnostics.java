package dev.agentrpc.processor;

import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.tools.Diagnostic;

/**
 * Prints the processor's errors where they belong: on an element, on one of its annotations, or
 * on one type of a method's {@code throws} clause. The last needs javac's syntax trees; other
 * compilers get the error on the method.
 */
final class Diagnostics {
  private final Messager messager;
  private final Trees trees;

  private Diagnostics(Messager messager, Trees trees) {
    this.messager = messager;
    this.trees = trees;
  }

  /** The diagnostics of {@code env}, with javac's trees when it is javac's. */
  static Diagnostics of(ProcessingEnvironment env) {
    Trees trees;
    try {
      trees = Trees.instance(env);
    } catch (IllegalArgumentException e) {
      trees = null; // not javac, or javac's environment wrapped by a build tool
    }
    return new Diagnostics(env.getMessager(), trees);
  }

  /** Prints an error on {@code element}, at {@code annotation} when it is not null. */
  void error(String message, Element element, AnnotationMirror annotation) {
    messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation);
  }

  /** Prints an error on the {@code index}th type that {@code method} declares it throws. */
  void errorOnThrown(String message, ExecutableElement method, int index) {
    TreePath path = trees == null ? null : trees.getPath(method);
    if (path != null && path.getLeaf() instanceof MethodTree) {
      List<? extends Tree> thrown = ((MethodTree) path.getLeaf()).getThrows();
      if (index < thrown.size()) {
        trees.printMessage(
            Diagnostic.Kind.ERROR, message, thrown.get(index), path.getCompilationUnit());
        return;
      }
    }
    messager.printMessage(Diagnostic.Kind.ERROR, message, method);
  }
}
