package dev.agentrpc.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.agentrpc.server.Clients;
import dev.agentrpc.spring.test.AgentApplication;
import dev.agentrpc.spring.test.GreeterProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * TLS from Spring SSL bundles and the join policies from properties, with self-signed
 * certificates that the JDK's keytool makes at test time.
 */
class TlsAndIdentityTest {
  private static final String PASSWORD = "changeit";
  private static final String AGENT = "agent-1";

  @TempDir static Path pki;

  private final Contexts contexts = new Contexts();

  /** A controller, configured by properties only. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class ControllerApplication {}

  /**
   * controller.p12: the controller's key and certificate for 127.0.0.1; agent.p12: agent-1's,
   * naming it by SPIFFE ID; each side's trust store holds the other's certificate.
   */
  @BeforeAll
  static void makeCertificates() throws Exception {
    keytool("-genkeypair", "-alias", "controller", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=controller", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
        "-keystore", file("controller.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-genkeypair", "-alias", "agent", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=" + AGENT, "-ext", "SAN=uri:spiffe://example.org/agent/" + AGENT,
        "-validity", "2",
        "-keystore", file("agent.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
    for (String side : List.of("controller", "agent")) {
      keytool("-exportcert", "-alias", side, "-keystore", file(side + ".p12"),
          "-storepass", PASSWORD, "-file", file(side + ".crt"));
    }
    keytool("-importcert", "-noprompt", "-alias", "controller", "-file", file("controller.crt"),
        "-keystore", file("trusts-controller.p12"), "-storetype", "PKCS12",
        "-storepass", PASSWORD);
    keytool("-importcert", "-noprompt", "-alias", "agent", "-file", file("agent.crt"),
        "-keystore", file("trusts-agent.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
  }

  @AfterEach
  void closeContexts() {
    contexts.close();
  }

  @Test
  void tlsFromSslBundlesAndBearerTokens() throws Exception {
    ConfigurableApplicationContext controller =
        contexts.run(
            ControllerApplication.class,
            concat(
                bundle("controller", "keystore", "controller.p12"),
                "agentrpc.server.port=0",
                "agentrpc.server.ssl.bundle=controller",
                "agentrpc.server.identity=bearer-tokens",
                "agentrpc.server.tokens.s3cret=" + AGENT));
    contexts.agentOf(
        controller,
        AgentApplication.class,
        AGENT,
        concat(
            bundle("controller", "truststore", "trusts-controller.p12"),
            "agentrpc.agent.ssl.bundle=controller",
            "agentrpc.agent.bearer-token=s3cret"));

    assertThat(greet(controller)).isEqualTo("hello tls");
    // The identity of a token's agent is the token's fingerprint, never the name it claimed.
    assertThat(controller.getBean(Clients.class).identity(AGENT)).isNotEqualTo(AGENT);
  }

  @Test
  void mutualTlsAdmitsTheAgentUnderItsCertificateName() throws Exception {
    List<String> controllerProperties = new ArrayList<>();
    controllerProperties.addAll(bundle("controller", "keystore", "controller.p12"));
    controllerProperties.addAll(bundle("controller", "truststore", "trusts-agent.p12"));
    controllerProperties.addAll(
        List.of(
            "agentrpc.server.port=0",
            "agentrpc.server.ssl.bundle=controller",
            "agentrpc.server.ssl.client-auth=require",
            "agentrpc.server.identity=certificate-names"));
    ConfigurableApplicationContext controller =
        contexts.run(ControllerApplication.class, controllerProperties.toArray(String[]::new));
    List<String> agentProperties = new ArrayList<>();
    agentProperties.addAll(bundle("agent", "keystore", "agent.p12"));
    agentProperties.addAll(bundle("agent", "truststore", "trusts-controller.p12"));
    agentProperties.add("agentrpc.agent.ssl.bundle=agent");
    contexts.agentOf(
        controller, AgentApplication.class, AGENT, agentProperties.toArray(String[]::new));

    assertThat(greet(controller)).isEqualTo("hello tls");
    assertThat(controller.getBean(Clients.class).identity(AGENT))
        .isEqualTo("spiffe://example.org/agent/" + AGENT);
  }

  private static String greet(ConfigurableApplicationContext controller) {
    return controller.getBean(GreeterProxy.class).greet(AGENT, StringValue.of("tls")).getValue();
  }

  /** The properties of a JKS-style SSL bundle {@code name} with one store of PKCS#12 file. */
  private static List<String> bundle(String name, String store, String file) {
    String prefix = "spring.ssl.bundle.jks." + name + "." + store + ".";
    return List.of(
        prefix + "location=" + pki.resolve(file).toUri(),
        prefix + "password=" + PASSWORD,
        prefix + "type=PKCS12");
  }

  private static String[] concat(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static String file(String name) {
    return pki.resolve(name).toString();
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Path log = pki.resolve("keytool.log");
    Process keytool =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    keytool.getOutputStream().close(); // a prompt reads end of input, never waits
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      keytool.destroyForcibly();
      throw new IOException("keytool " + command + " failed: " + Files.readString(log));
    }
  }
}
