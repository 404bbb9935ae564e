package dev.agentrpc.processor;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How build tools find the processor. */
class RegistrationTest {

  @Test
  void javacDiscoversTheProcessorThroughTheServiceLoader() throws IOException {
    assertThat(resource("META-INF/services/javax.annotation.processing.Processor").trim())
        .isEqualTo(AgentServiceProcessor.class.getName());
  }

  @Test
  void gradleCompilesIncrementallyWithTheProcessorIsolating() throws IOException {
    assertThat(resource("META-INF/gradle/incremental.annotation.processors").trim())
        .isEqualTo(AgentServiceProcessor.class.getName() + ",isolating");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = AgentServiceProcessor.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
