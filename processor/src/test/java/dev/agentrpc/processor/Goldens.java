package dev.agentrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.tools.JavaFileObject;

/**
 * Compares generated sources with {@code src/test/resources/expected/}. Run the tests with {@code
 * -Dagentrpc.updateGoldens=true} (or {@code AGENTRPC_UPDATE_GOLDENS=true}) to rewrite the goldens
 * from what the processor generates now, then review the diff.
 */
final class Goldens {
  private static final Path EXPECTED = Paths.get("src", "test", "resources", "expected");

  private Goldens() {}

  /** Asserts {@code compilation} generated {@code qualifiedName} as in its golden. */
  static void assertGenerated(Compilation compilation, String qualifiedName) {
    String path = qualifiedName.replace('.', '/') + ".java";
    if (updating()) {
      write(path, compilation);
    }
    assertThat(compilation).generatedSourceFile(qualifiedName).hasSourceEquivalentTo(golden(path));
  }

  private static JavaFileObject golden(String path) {
    try {
      // From the source tree, not target/, so that an update is compared at once.
      return JavaFileObjects.forResource(EXPECTED.resolve(path).toUri().toURL());
    } catch (MalformedURLException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean updating() {
    return Boolean.getBoolean("agentrpc.updateGoldens")
        || "true".equals(System.getenv("AGENTRPC_UPDATE_GOLDENS"));
  }

  private static void write(String path, Compilation compilation) {
    JavaFileObject generated =
        compilation
            .generatedSourceFile(path.replace('/', '.').replaceAll("\\.java$", ""))
            .orElseThrow(() -> new AssertionError("not generated: " + path));
    try {
      Path golden = EXPECTED.resolve(path);
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, generated.getCharContent(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
