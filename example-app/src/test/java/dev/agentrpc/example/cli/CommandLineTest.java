package dev.agentrpc.example.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Option mistakes end with a clear message and exit code 2, never a stack trace. */
class CommandLineTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void helpNamesTheCommands() {
    assertThat(execute("--help")).isZero();
    assertThat(out.toString()).contains("demo", "controller", "agent");
  }

  @Test
  void anAgentNeedsANameAndAServer() {
    assertThat(execute("agent", "--server", "127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--name=<name>'");
  }

  @Test
  void anAgentRefusesAMissingRoot() {
    assertThat(execute("agent", "--name", "a", "--server", "127.0.0.1:1", "--root", dir.resolve("nope").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).startsWith("error: --root ").doesNotContain("\tat ");
  }

  @Test
  void anAgentRefusesANameTheControllerWouldRefuse() {
    assertThat(execute("agent", "--name", "has space", "--server", "127.0.0.1:1", "--root", dir.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).startsWith("error: client name").doesNotContain("\tat ");
  }

  @Test
  void anAgentRefusesALabelTheControllerWouldRefuse() {
    assertThat(execute("agent", "--name", "a", "--server", "127.0.0.1:1", "--root", dir.toString(), "--label", "bad key=v"))
        .isEqualTo(2);
    assertThat(err.toString())
        .startsWith("error: label key \"bad key\" has a character other than ASCII letters")
        .doesNotContain("\tat ");
  }

  @Test
  void theControllerRefusesBadOptions() {
    assertThat(execute("controller", "--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("error: --port must be between 0 and 65535");
    assertThat(execute("controller", "--port", "0", "--fleet-port", "-2")).isEqualTo(2);
    assertThat(err.toString()).contains("error: --fleet-port must be between -1 and 65535, was -2");
    assertThat(execute("controller", "--port", "0", "--timeout", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration; write e.g. 300ms, 5s, 2m or 1h");
  }

  @Test
  void theControllersTlsAndIdentityOptionsMustFitTogether() {
    assertThat(execute("controller", "--port", "0", "--tls-cert", "c.pem")).isEqualTo(2);
    assertThat(err.toString()).contains("error: --tls-cert and --tls-key go together");
    assertThat(execute("controller", "--port", "0", "--tls-ca", "ca.pem")).isEqualTo(2);
    assertThat(err.toString()).contains("error: --tls-ca (client certificates) needs TLS: add --tls-cert and --tls-key");
    assertThat(execute("controller", "--port", "0", "--identity", "certificate")).isEqualTo(2);
    assertThat(err.toString()).contains("error: --identity certificate needs --tls-ca");
    assertThat(execute("controller", "--port", "0", "--identity", "token")).isEqualTo(2);
    assertThat(err.toString()).contains("error: --identity token needs --tokens FILE");
    assertThat(execute("controller", "--port", "0", "--tokens", "tokens")).isEqualTo(2);
    assertThat(err.toString()).contains("error: --tokens is for --identity token");
    assertThat(execute("controller", "--port", "0", "--identity", "names")).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid value for option '--identity'").contains("CERTIFICATE");
    assertThat(err.toString()).doesNotContain("\tat ");
  }

  @Test
  void theControllerSaysWhichTlsFileItCannotUse() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
    Path missing = dir.resolve("missing.pem");

    assertThat(execute("controller", "--port", "0", "--tls-cert", missing.toString(), "--tls-key", text.toString()))
        .isEqualTo(2);
    assertThat(execute("controller", "--port", "0", "--tls-cert", text.toString(), "--tls-key", missing.toString()))
        .isEqualTo(2);
    assertThat(execute("controller", "--port", "0", "--identity", "token", "--tokens", missing.toString()))
        .isEqualTo(2);

    assertThat(err.toString())
        .contains("error: " + text + " is not an unencrypted PKCS#8 private key (-----BEGIN PRIVATE KEY-----)")
        .contains("openssl pkcs8 -topk8 -nocrypt")
        .contains("error: cannot read " + missing)
        .contains("error: cannot read the tokens file " + missing)
        .doesNotContain("\tat ");
  }

  @Test
  void theAgentsTlsAndTokenOptionsMustFitTogether() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
    String[] agent = {"agent", "--name", "a", "--server", "127.0.0.1:1", "--root", dir.toString()};

    assertThat(execute(concat(agent, "--tls-cert", "a.pem"))).isEqualTo(2);
    assertThat(err.toString()).contains("error: --tls-cert and --tls-key go together");
    assertThat(execute(concat(agent, "--tls-cert", "a.pem", "--tls-key", "a.key"))).isEqualTo(2);
    assertThat(err.toString()).contains("error: --tls-cert needs --tls-ca");
    assertThat(execute(concat(agent, "--token", "t", "--token-file", "t.txt"))).isEqualTo(2);
    assertThat(err.toString()).contains("error: give --token or --token-file, not both");
    assertThat(execute(concat(agent, "--tls-ca", text.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("error: " + text + " is not a PEM certificate file");
    assertThat(execute(concat(agent, "--token", "has space"))).isEqualTo(2);
    assertThat(err.toString()).contains("error: a bearer token is 1 or more printable ASCII characters");
    assertThat(err.toString()).doesNotContain("\tat ");
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  @Test
  void durationsAreANumberAndAUnit() {
    DurationConverter converter = new DurationConverter();
    assertThat(converter.convert("300ms")).isEqualTo(Duration.ofMillis(300));
    assertThat(converter.convert("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(converter.convert(" 2M ")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> converter.convert("0s")).isInstanceOf(CommandLine.TypeConversionException.class);
    assertThatThrownBy(() -> converter.convert("-1s")).isInstanceOf(CommandLine.TypeConversionException.class);
    assertThatThrownBy(() -> converter.convert("9999999999999999h"))
        .isInstanceOf(CommandLine.TypeConversionException.class);
    assertThatThrownBy(() -> converter.convert("99999999999999999999s"))
        .isInstanceOf(CommandLine.TypeConversionException.class);
  }
}
