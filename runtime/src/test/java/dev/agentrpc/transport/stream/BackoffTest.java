package dev.agentrpc.transport.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delaysGrowByAboutOnePointSixWithinTwentyPercentJitterUpToTheMax() {
    Backoff backoff = new Backoff(100, 1_000);
    long[] expected = {100, 160, 256, 409, 655, 1_000, 1_000};
    for (long nominal : expected) {
      assertThat(backoff.nextDelayNanos()).isBetween((long) (nominal * 0.8) - 1, (long) (nominal * 1.2) + 1);
    }
  }

  @Test
  void resetStartsOverFromTheInitialDelay() {
    Backoff backoff = new Backoff(100, 1_000);
    for (int i = 0; i < 10; i++) {
      backoff.nextDelayNanos();
    }

    backoff.reset();

    assertThat(backoff.nextDelayNanos()).isBetween(80L, 120L);
  }
}
