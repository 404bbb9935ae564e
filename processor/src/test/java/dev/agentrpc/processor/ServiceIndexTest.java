package dev.agentrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/** The index entry each valid service gets, which frameworks list to find every service. */
class ServiceIndexTest {

  @Test
  void topLevelServiceIsIndexedUnderItsBinaryNameWithItsGeneratedClasses() {
    Compilation compilation = GenerationTest.compile("good/test/Inventory.java");

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedFile(StandardLocation.CLASS_OUTPUT, "", "META-INF/agentrpc/services/test.Inventory")
        .contentsAsUtf8String()
        .isEqualTo("proxy=test.InventoryProxy\nhandlers=test.InventoryHandlers\n");
  }

  @Test
  void nestedServiceIsIndexedUnderItsBinaryName() {
    Compilation compilation = GenerationTest.compile("good/test/Outer.java");

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedFile(
            StandardLocation.CLASS_OUTPUT, "", "META-INF/agentrpc/services/test.Outer$Echo")
        .contentsAsUtf8String()
        .isEqualTo("proxy=test.Outer_EchoProxy\nhandlers=test.Outer_EchoHandlers\n");
  }
}
