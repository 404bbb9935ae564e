package dev.agentrpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrpc.client.HandlerRegistry;
import dev.agentrpc.transport.stream.StreamClient;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
  private static final Map<String, String> EU_WEB = Map.of("region", "eu", "tier", "web");

  @Test
  void requirementsMustAllHold() {
    assertThat(LabelSelector.parse("region=eu").matches(EU_WEB)).isTrue();
    assertThat(LabelSelector.parse("region==eu, tier").matches(EU_WEB)).isTrue();
    assertThat(LabelSelector.parse("region=eu,tier=db").matches(EU_WEB)).isFalse();
    assertThat(LabelSelector.parse("region!=us").matches(EU_WEB)).isTrue();
    assertThat(LabelSelector.parse("region!=eu").matches(EU_WEB)).isFalse();
    assertThat(LabelSelector.parse("!canary").matches(EU_WEB)).isTrue();
    assertThat(LabelSelector.parse("canary").matches(EU_WEB)).isFalse();
    assertThat(LabelSelector.parse("region=").matches(Map.of("region", ""))).isTrue();
  }

  @Test
  void theEmptySelectorMatchesEverything() {
    assertThat(LabelSelector.parse(" ")).isEqualTo(LabelSelector.everything());
    assertThat(LabelSelector.everything().matches(Map.of())).isTrue();
    assertThat(LabelSelector.withLabels(Map.of())).isEqualTo(LabelSelector.everything());
  }

  @Test
  void withLabelsEqualsItsParsedForm() {
    LabelSelector selector = LabelSelector.withLabels(Map.of("tier", "web", "region", "eu"));
    assertThat(selector.toString()).isEqualTo("region=eu,tier=web");
    assertThat(selector).isEqualTo(LabelSelector.parse(selector.toString()));
    assertThat(selector.matches(EU_WEB)).isTrue();
  }

  @Test
  void aMalformedSelectorNamesItsProblem() {
    assertThatThrownBy(() -> LabelSelector.parse("region=eu,,tier"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty requirement");
    assertThatThrownBy(() -> LabelSelector.parse("bad key=x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label key \"bad key\"");
  }

  @Test
  void optionsRefuseNonsense() {
    assertThatThrownBy(() -> FanOutOptions.all().window(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FanOutOptions.all().windowPercent(101)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FanOutOptions.all().quorum(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FanOutOptions.all().maxFailures(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FanOutOptions.all().maxFailureRatio(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FanOutOptions.all().stallTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FanOutOptions.clients(List.of("no spaces"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void windowsAndFailureBoundsAreComputedFromTheTargets() {
    assertThat(FanOutOptions.all().windowFor(10)).isEqualTo(10);
    assertThat(FanOutOptions.all().window(3).windowFor(10)).isEqualTo(3);
    assertThat(FanOutOptions.all().windowPercent(25).windowFor(10)).isEqualTo(3);
    assertThat(FanOutOptions.all().windowPercent(1).windowFor(10)).isEqualTo(1);
    assertThat(FanOutOptions.all().maxFailures(1).tooManyFailures(1, 10)).isFalse();
    assertThat(FanOutOptions.all().maxFailures(1).tooManyFailures(2, 10)).isTrue();
    assertThat(FanOutOptions.all().maxFailureRatio(0.2).tooManyFailures(2, 10)).isFalse();
    assertThat(FanOutOptions.all().maxFailureRatio(0.2).tooManyFailures(3, 10)).isTrue();
    assertThat(FanOutOptions.all().tooManyFailures(10, 10)).isFalse();
  }

  @Test
  void agentsRefuseLabelsTheControllerWouldRefuse() {
    ManagedChannel channel = InProcessChannelBuilder.forName("unused").build();
    try {
      StreamClient.Builder builder = StreamClient.newBuilder(channel, "agent", new HandlerRegistry());
      assertThatThrownBy(() -> builder.labels(Map.of("", "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("label key");
      assertThatThrownBy(() -> builder.labels(Map.of("k", "line\nbreak")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("control character");
    } finally {
      channel.shutdownNow();
    }
  }
}
