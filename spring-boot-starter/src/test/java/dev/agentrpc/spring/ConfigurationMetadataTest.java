package dev.agentrpc.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** The metadata IDEs complete the properties from, made by Spring Boot's processor. */
class ConfigurationMetadataTest {

  @Test
  void everyPropertyOfBothSidesIsDescribed() throws IOException {
    // Spring Boot's jars have theirs too; all of them together must describe agentrpc's.
    StringBuilder all = new StringBuilder();
    for (URL file :
        Collections.list(
            AgentRpcServerProperties.class
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = file.openStream()) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    String metadata = all.toString();

    assertThat(metadata)
        .contains(
            "\"agentrpc.server.port\"",
            "\"agentrpc.server.enabled\"",
            "\"agentrpc.server.ssl.bundle\"",
            "\"agentrpc.server.identity\"",
            "\"agentrpc.agent.name\"",
            "\"agentrpc.agent.target\"",
            "\"agentrpc.agent.labels\"",
            "\"agentrpc.agent.backoff.initial\"")
        .contains("The port agents dial");
  }
}
