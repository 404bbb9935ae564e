package dev.agentrpc.example.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller's {@code --tokens} file: one line per token, the token then the names an
 * agent holding it may join as, separated by spaces. Blank lines and lines starting with
 * {@code #} are ignored.
 *
 * <pre>
 * # token                            names
 * 9f2c61d0b4e5a7c3e1f80d2b6a4c9e17   agent-1
 * 47aa0e3b9c5d21f6a8e0c4b7d3f91e2a   agent-2 agent-3
 * </pre>
 */
public final class TokenFile {
  private TokenFile() {}

  /**
   * The tokens in {@code file}, each with the names it allows.
   *
   * @throws IllegalArgumentException naming the file and line that is wrong
   */
  public static Map<String, List<String>> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the tokens file " + file + ": " + e.getMessage(), e);
    }
    Map<String, List<String>> tokens = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + ", line " + (i + 1) + ": ";
      String[] fields = line.split("\\s+");
      if (fields.length < 2) {
        throw new IllegalArgumentException(where + "write a token, then the names it may join as");
      }
      if (!fields[0].chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(where + "a token is printable ASCII characters");
      }
      if (tokens.put(fields[0], List.of(fields).subList(1, fields.length)) != null) {
        throw new IllegalArgumentException(where + "this token is already on an earlier line");
      }
    }
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("the tokens file " + file + " holds no token");
    }
    return tokens;
  }
}
