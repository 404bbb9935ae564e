package dev.agentrpc.example.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void padsColumnsButNotTheLast() {
    TextTable table = new TextTable("AGENT", "STATUS", "RESULT");
    table.addRow("agent-1", "OK", "{\"a\":1}");
    table.addRow("a", "DEADLINE_EXCEEDED", "");
    assertThat(table.lines())
        .containsExactly(
            "AGENT    STATUS             RESULT",
            "-------  -----------------  -------",
            "agent-1  OK                 {\"a\":1}",
            "a        DEADLINE_EXCEEDED");
  }

  @Test
  void lineBreaksInCellsBecomeSpaces() {
    TextTable table = new TextTable("A", "B").addRow("x\n  y", "z");
    assertThat(table.toString()).isEqualTo("A    B\n---  -\nx y  z\n");
  }

  @Test
  void rowsMustFitTheHeader() {
    assertThatThrownBy(() -> new TextTable("A", "B").addRow("only one"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatsLatenciesAndSizes() {
    assertThat(Format.latency(Duration.ofNanos(850_000))).isEqualTo("0.85 ms");
    assertThat(Format.latency(Duration.ofNanos(3_240_000))).isEqualTo("3.2 ms");
    assertThat(Format.latency(Duration.ofMillis(312))).isEqualTo("312 ms");
    assertThat(Format.latency(Duration.ofMillis(12_500))).isEqualTo("12.50 s");
    assertThat(Format.span(Duration.ofMillis(5_230))).isEqualTo("5.2 s");
    assertThat(Format.span(Duration.ofSeconds(192))).isEqualTo("3 min 12 s");
    assertThat(Format.span(Duration.ofMinutes(302))).isEqualTo("5 h 2 min");
    assertThat(Format.span(Duration.ofHours(291))).isEqualTo("12 d 3 h");
    assertThat(Format.bytes(512)).isEqualTo("512 B");
    assertThat(Format.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Format.bytes(3L << 30)).isEqualTo("3.0 GiB");
  }
}
