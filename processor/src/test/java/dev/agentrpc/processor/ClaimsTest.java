package dev.agentrpc.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/**
 * What the processor claims: enough for {@code -Xlint:processing} to stay quiet about its own
 * annotations and files, never another generator's {@code @Generated}.
 */
class ClaimsTest {
  private static final String GENERATED = "javax.annotation.processing.Generated";

  @Test
  void itsOwnGeneratedFilesDrawNoProcessingWarning() {
    Compilation compilation =
        javac()
            .withProcessors(new AgentServiceProcessor())
            .withOptions("-Xlint:processing", "-Werror")
            .compile(JavaFileObjects.forResource("good/test/Inventory.java"));

    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void aProcessorAfterItIsOfferedAnotherGeneratorsGeneratedSources() {
    GeneratedRecorder recorder = new GeneratedRecorder();

    Compilation compilation =
        javac()
            .withProcessors(new AgentServiceProcessor(), recorder)
            .compile(
                JavaFileObjects.forResource("good/test/Inventory.java"),
                JavaFileObjects.forResource("claims/test/Foreign.java"));

    assertThat(compilation).succeeded();
    assertThat(recorder.offeredWith).contains("Foreign");
  }

  @Test
  void aProcessorAfterItIsOfferedItsOwnGeneratedFilesInTheRoundOfTheProxies() {
    GeneratedRecorder recorder = new GeneratedRecorder();

    Compilation compilation =
        javac()
            .withProcessors(
                new WritesSourceFirst(
                    "test.OtherGenerators",
                    "package test;\n\n@" + GENERATED + "(\"Other\")\nclass OtherGenerators {}\n"),
                new AgentServiceProcessor(),
                recorder)
            .compile(JavaFileObjects.forResource("good/test/Inventory.java"));

    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("test.InventoryProxy");
    // The round holding the proxy and handlers, and the other generator's file.
    assertThat(recorder.offeredWith).containsAtLeast("InventoryProxy", "OtherGenerators");
  }

  /** Supports {@code @Generated}, recording the classes of every round in which javac offers it. */
  static final class GeneratedRecorder extends AbstractProcessor {
    final List<String> offeredWith = new ArrayList<>();

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of(GENERATED);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment env) {
      if (annotations.stream().anyMatch(a -> a.getQualifiedName().contentEquals(GENERATED))) {
        env.getRootElements().forEach(root -> offeredWith.add(root.getSimpleName().toString()));
      }
      return false;
    }
  }
}
