package dev.agentrpc.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The processor's output for valid interfaces, against goldens in expected/. */
class GenerationTest {

  static Compilation compile(String... resources) {
    return javac()
        .withProcessors(new AgentServiceProcessor())
        .withOptions("-Xlint:all", "-Werror")
        .compile(List.of(resources).stream().map(JavaFileObjects::forResource).toList());
  }

  @Test
  void topLevelInterfaceWithSyncAndAsyncMethodsAndTimeouts() {
    Compilation compilation = compile("good/test/Inventory.java");

    assertThat(compilation).succeededWithoutWarnings();
    Goldens.assertGenerated(compilation, "test.InventoryProxy");
    Goldens.assertGenerated(compilation, "test.InventoryHandlers");
  }

  @Test
  void nestedInterfaceGeneratesSiblingsJoinedWithUnderscore() {
    Compilation compilation = compile("good/test/Outer.java");

    assertThat(compilation).succeededWithoutWarnings();
    Goldens.assertGenerated(compilation, "test.Outer_EchoProxy");
    Goldens.assertGenerated(compilation, "test.Outer_EchoHandlers");
  }

  @Test
  void inheritedAndOverloadedMethodsAreServedAndUncheckedExceptionsAllowed() {
    Compilation compilation = compile("good/test/Extended.java");

    assertThat(compilation).succeededWithoutWarnings();
    Goldens.assertGenerated(compilation, "test.ExtendedProxy");
    Goldens.assertGenerated(compilation, "test.ExtendedHandlers");
  }

  @Test
  void namingDeprecatedElementsSuppressesExactlyTheirWarnings() {
    Compilation compilation = compile("good/test/Deprecations.java");

    assertThat(compilation).succeededWithoutWarnings();
    for (String generated : List.of("test.DeprecationsProxy", "test.DeprecationsHandlers")) {
      assertThat(compilation)
          .generatedSourceFile(generated)
          .contentsAsUtf8String()
          .contains("@SuppressWarnings({\"deprecation\", \"removal\"})");
    }
  }

  @Test
  void nothingIsSuppressedWithoutDeprecations() {
    Compilation compilation = compile("good/test/Inventory.java");

    assertThat(compilation)
        .generatedSourceFile("test.InventoryProxy")
        .contentsAsUtf8String()
        .doesNotContain("@SuppressWarnings");
  }

  @Test
  void messagesNamedLikeTheRuntimesTypesDoNotClash() {
    // test.clash.{Clients,Result,Duration}: protoc's output for src/test/proto/clash.proto.
    Compilation compilation = compile("clash/Clashing.java");

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.clash.ClashingProxy")
        .contentsAsUtf8String()
        .contains("public List<dev.agentrpc.server.Result<Result>> runAll(Clients request) {");
  }
}
