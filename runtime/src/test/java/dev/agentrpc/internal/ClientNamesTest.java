package dev.agentrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientNamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "agent-7", "host.example.com", "ops@eu-west/1", "x_y:9"})
  void namesOfLettersDigitsAndPunctuationAreAccepted(String name) {
    assertThat(ClientNames.problem(name)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "agent 7", "tab\there", "naïve", "semi;colon"})
  void emptyOrOddCharacterNamesAreRefused(String name) {
    assertThat(ClientNames.problem(name)).isNotNull();
  }

  @org.junit.jupiter.api.Test
  void namesAreAtMost128Characters() {
    assertThat(ClientNames.problem("x".repeat(128))).isNull();
    assertThat(ClientNames.problem("x".repeat(129))).contains("limit is 128");
  }
}
