package dev.agentrpc.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of the meters registered asking for a percentile histogram. SimpleMeterRegistry
 * keeps no histogram buckets, so the tests look at what the meters asked for.
 */
final class HistogramWatch implements MeterFilter {
  private final Set<String> names = ConcurrentHashMap.newKeySet();

  static HistogramWatch on(MeterRegistry registry) {
    HistogramWatch watch = new HistogramWatch();
    registry.config().meterFilter(watch);
    return watch;
  }

  @Override
  public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
    if (Boolean.TRUE.equals(config.isPercentileHistogram())) {
      names.add(id.getName());
    }
    return config;
  }

  Set<String> names() {
    return names;
  }
}
