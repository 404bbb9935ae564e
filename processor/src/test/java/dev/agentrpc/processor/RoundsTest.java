package dev.agentrpc.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the processor behaves across rounds, and when writing or generating one interface fails. */
class RoundsTest {

  @Test
  void interfaceUsingATypeGeneratedInALaterRoundIsDeferredUntilItExists() {
    Compilation compilation =
        javac()
            // Files generated in round 1 are parsed in round 2, so the interface waits a round.
            .withProcessors(new GeneratesLaterProto(), new AgentServiceProcessor())
            .compile(JavaFileObjects.forResource("good/test/UsesGeneratedType.java"));

    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("test.LaterProto");
    assertThat(compilation)
        .generatedSourceFile("test.UsesGeneratedTypeProxy")
        .contentsAsUtf8String()
        .contains("public StringValue echo(String client, LaterProto.LaterRequest request)");
    assertThat(compilation).generatedSourceFile("test.UsesGeneratedTypeHandlers");
  }

  @Test
  void typeThatNeverAppearsIsReportedOnTheInterfaceAtTheEnd() {
    JavaFileObject source = JavaFileObjects.forResource("good/test/UsesGeneratedType.java");
    Compilation compilation = javac().withProcessors(new AgentServiceProcessor()).compile(source);

    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("package LaterProto does not exist")
        .inFile(source)
        .onLineContaining("LaterProto.LaterRequest request");
    assertThat(compilation)
        .hadErrorContaining(
            "was unable to process this interface because not all of its dependencies could be"
                + " resolved")
        .inFile(source)
        .onLineContaining("interface UsesGeneratedType");
  }

  @Test
  void generatedNameTakenByAnExistingClassIsReportedOnTheInterface() {
    JavaFileObject source = JavaFileObjects.forResource("bad/test/TakenName.java");
    Compilation compilation = javac().withProcessors(new AgentServiceProcessor()).compile(source);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[AgentServiceWrite] the processor generates 'test.TakenNameProxy' for 'TakenName',"
                + " but a class of that name already exists, in this compilation or on the"
                + " classpath; rename 'TakenName', or the existing class")
        .inFile(source)
        .onLineContaining("interface TakenName");
  }

  @Test
  void generatedNameTakenByAClassOnTheClasspathIsReportedRatherThanShadowed(@TempDir Path library)
      throws IOException {
    Compilation libraryBuild =
        javac().compile(JavaFileObjects.forResource("classpath/test/TakenOnClasspathProxy.java"));
    assertThat(libraryBuild).succeeded();
    for (JavaFileObject file : libraryBuild.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        Path classFile = library.resolve(file.toUri().getPath().replaceFirst("^.*/test/", "test/"));
        Files.createDirectories(classFile.getParent());
        try (InputStream in = file.openInputStream()) {
          Files.copy(in, classFile);
        }
      }
    }
    List<File> classpath = new ArrayList<>();
    classpath.add(library.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classpath.add(new File(entry));
    }
    JavaFileObject source = JavaFileObjects.forResource("bad/test/TakenOnClasspath.java");

    Compilation compilation =
        javac()
            .withProcessors(new AgentServiceProcessor())
            .withClasspath(classpath)
            .compile(source);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[AgentServiceWrite] the processor generates 'test.TakenOnClasspathProxy' for"
                + " 'TakenOnClasspath', but a class of that name already exists")
        .inFile(source)
        .onLineContaining("interface TakenOnClasspath");
  }

  @Test
  void exceptionInTheProcessorFailsOnlyItsInterface() {
    JavaFileObject broken = JavaFileObjects.forResource("good/test/Inventory.java");
    JavaFileObject fine = JavaFileObjects.forResource("good/test/Outer.java");
    List<String> generated = new ArrayList<>();
    AgentServiceProcessor processor =
        new AgentServiceProcessor(
            generator ->
                service -> {
                  if (service.service().simpleName().equals("Inventory")) {
                    throw new IllegalStateException("boom");
                  }
                  generator.generate(service);
                  generated.add(service.service().canonicalName());
                });

    Compilation compilation = javac().withProcessors(processor).compile(broken, fine);

    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "[AgentServiceFatal] FATAL ERROR in the @AgentService processor; please report it")
        .inFile(broken)
        .onLineContaining("public interface Inventory");
    assertThat(compilation).hadErrorContaining("java.lang.IllegalStateException: boom");
    // compile-testing hides generated files of a failed compilation: ask the generator.
    assertThat(generated).containsExactly("test.Outer.Echo");
  }

  /**
   * Writes {@code test.LaterProto} in the first round: protoc's output for {@code
   * deferred/later.proto}, a real concrete protobuf message.
   */
  static final class GeneratesLaterProto extends AbstractProcessor {
    private boolean written;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!written) {
        written = true;
        try (InputStream in = RoundsTest.class.getResourceAsStream("/deferred/LaterProto.java");
            Writer out =
                processingEnv.getFiler().createSourceFile("test.LaterProto").openWriter()) {
          out.write(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }
}
