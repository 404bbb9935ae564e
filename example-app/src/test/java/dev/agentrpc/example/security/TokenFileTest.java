package dev.agentrpc.example.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's tokens file: a token, then the names it may join as. */
class TokenFileTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    return Files.writeString(dir.resolve("tokens"), text);
  }

  @Test
  void eachLineIsATokenAndTheNamesItAllows() throws IOException {
    Map<String, List<String>> tokens =
        TokenFile.read(file("# token  names\n\nsecret-1   agent-1\n  secret-2 agent-2\tagent-3  \n"));

    assertThat(tokens)
        .containsExactly(
            Map.entry("secret-1", List.of("agent-1")), Map.entry("secret-2", List.of("agent-2", "agent-3")));
  }

  @Test
  void mistakesNameTheLineAndNeverTheToken() throws IOException {
    assertThatThrownBy(() -> TokenFile.read(file("# ok\nsecret-1\n")))
        .hasMessageEndingWith("line 2: write a token, then the names it may join as")
        .hasMessageNotContaining("secret-1");
    assertThatThrownBy(() -> TokenFile.read(file("secret-1 agent-1\nsecret-1 agent-2\n")))
        .hasMessageEndingWith("line 2: this token is already on an earlier line")
        .hasMessageNotContaining("secret-1");
    assertThatThrownBy(() -> TokenFile.read(file("sécret agent-1\n")))
        .hasMessageEndingWith("line 1: a token is printable ASCII characters");
    assertThatThrownBy(() -> TokenFile.read(file("# nothing\n"))).hasMessageEndingWith("holds no token");
    assertThatThrownBy(() -> TokenFile.read(dir.resolve("missing"))).hasMessageStartingWith("cannot read the tokens file");
  }
}
