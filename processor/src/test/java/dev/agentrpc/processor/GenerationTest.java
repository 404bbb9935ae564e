package dev.agentrpc.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.util.List;
import javax.tools.JavaFileObject;
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
  void fanOutViewStreamsEachMethodToTheClientsItsOptionsTarget() {
    Compilation compilation = compile("good/test/Inventory.java");

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.InventoryProxy")
        .contentsAsUtf8String()
        .contains(
            "public FanOutCalls fanOut(FanOutOptions options) {\n"
                + "    return new FanOutCalls(this,"
                + " Objects.requireNonNull(options, \"options\"));");
    // An async method too, with its own timeout, under the proxy's timeout and executor.
    assertThat(compilation)
        .generatedSourceFile("test.InventoryProxy")
        .contentsAsUtf8String()
        .contains(
            "public FanOut<Timestamp> lastChange(Empty request) {\n"
                + "      return proxy.clients.fanOut(request, Timestamp.parser(), options,\n"
                + "          proxy.timeoutOr(LAST_CHANGE_TIMEOUT), proxy.executor);");
  }

  @Test
  void messagesNamedLikeTheRuntimesTypesDoNotClash() {
    // test.clash.{Clients,Result,Duration,All,Async,FanOut,FanOutOptions,FanOutCalls}: protoc's
    // output for clash.proto.
    Compilation compilation = compile("clash/Clashing.java");

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.clash.ClashingProxy")
        .contentsAsUtf8String()
        .contains("public List<dev.agentrpc.server.Result<Result>> run(Clients request) {");
    assertThat(compilation)
        .generatedSourceFile("test.clash.ClashingProxy")
        .contentsAsUtf8String()
        .contains("public test.clash.Async sum(String client, test.clash.All request) {");
    assertThat(compilation)
        .generatedSourceFile("test.clash.ClashingProxy")
        .contentsAsUtf8String()
        .contains("public dev.agentrpc.server.FanOut<FanOut> spread(FanOutOptions request) {");
    assertThat(compilation)
        .generatedSourceFile("test.clash.ClashingProxy")
        .contentsAsUtf8String()
        .contains(
            "public dev.agentrpc.server.FanOut<test.clash.FanOutCalls> gather(FanOut request) {");
  }

  @Test
  void methodsMayBeNamedLikeEachOthersCallAllAndLikeTheProxysOwnMethods() {
    // count and countAll; of, forClient, withTimeout, withExecutor, async, all, timeoutOr, fanOut.
    Compilation compilation = compile("good/test/ProxyNames.java");

    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.ProxyNamesProxy")
        .contentsAsUtf8String()
        .contains("public Int32Value countAll(String client, Int32Value request) {");
    assertThat(compilation)
        .generatedSourceFile("test.ProxyNamesProxy")
        .contentsAsUtf8String()
        .contains("public StringValue fanOut(String client, Struct request) {");
  }

  @Test
  void generatedLinesFitInOneHundredColumns() throws IOException {
    Compilation compilation = compile("good/test/Inventory.java", "good/test/Extended.java");

    for (JavaFileObject file : compilation.generatedSourceFiles()) {
      for (String line : file.getCharContent(true).toString().split("\n")) {
        assertWithMessage(file.getName()).that(line.length()).isAtMost(100);
      }
    }
  }
}
