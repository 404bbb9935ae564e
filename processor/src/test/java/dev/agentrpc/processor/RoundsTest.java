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
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the processor behaves across rounds, and when writing or generating one interface fails. */
class RoundsTest {

  @Test
  void interfaceUsingATypeGeneratedInALaterRoundIsDeferredUntilItExists() {
    Compilation compilation =
        javac()
            // Files generated in round 1 are parsed in round 2, so the interface waits a round.
            .withProcessors(
                new WritesSourceFirst("test.LaterProto", laterProto()), new AgentServiceProcessor())
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
  void aRebuildWithoutCleanRegeneratesOverItsOwnEarlierOutput(@TempDir Path build)
      throws IOException {
    // As Maven runs javac: the output directories are on the classpath and the sourcepath.
    Path sources = build.resolve("src/test");
    Files.createDirectories(sources);
    try (InputStream in = RoundsTest.class.getResourceAsStream("/good/test/Outer.java")) {
      Files.copy(in, sources.resolve("Outer.java"));
    }
    Path classes = Files.createDirectories(build.resolve("classes"));
    Path generated = Files.createDirectories(build.resolve("generated"));
    List<String> options =
        List.of(
            "-d", classes.toString(),
            "-s", generated.toString(),
            "-classpath", classes + File.pathSeparator + System.getProperty("java.class.path"),
            "-sourcepath", build.resolve("src") + File.pathSeparator + generated);

    for (int run = 1; run <= 3; run++) {
      if (run == 2) {
        // The earlier build failed after generating: its sources remain, no class.
        deleteMatching(classes.resolve("test"), "Outer_Echo*.class");
      } else if (run == 3) {
        // Its classes remain, its generated sources are gone.
        deleteMatching(generated.resolve("test"), "Outer_Echo*.java");
      }
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
        JavaCompiler.CompilationTask task =
            javac.getTask(
                null,
                files,
                diagnostics,
                options,
                null,
                files.getJavaFileObjects(sources.resolve("Outer.java")));
        task.setProcessors(List.of(new AgentServiceProcessor()));

        assertThat(task.call()).isTrue();
        // javac itself warns of the stale source it compiled implicitly on run 2; nothing else.
        assertThat(
                diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .toList())
            .isEmpty();
      }
    }
    assertThat(Files.exists(classes.resolve("test/Outer_EchoProxy.class"))).isTrue();
  }

  private static void deleteMatching(Path directory, String glob) throws IOException {
    try (DirectoryStream<Path> matching = Files.newDirectoryStream(directory, glob)) {
      for (Path path : matching) {
        Files.delete(path);
      }
    }
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

  /** protoc's output for {@code deferred/later.proto}: a real concrete protobuf message. */
  private static String laterProto() {
    try (InputStream in = RoundsTest.class.getResourceAsStream("/deferred/LaterProto.java")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
