package dev.agentrpc.benchmarks.fleet;

import java.util.Arrays;
import java.util.Locale;

/** Order statistics and means of a sample, with their 95% confidence intervals. */
final class Stats {
  /** Two-sided 95% Student t quantiles for 1 to 30 degrees of freedom. */
  private static final double[] T95 = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
  };

  private final double[] sorted;

  Stats(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    sorted = values.clone();
    Arrays.sort(sorted);
  }

  int n() {
    return sorted.length;
  }

  /** Nearest-rank percentile, {@code p} in [0, 100]. */
  double percentile(double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  double min() {
    return sorted[0];
  }

  double max() {
    return sorted[sorted.length - 1];
  }

  double mean() {
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    return sum / sorted.length;
  }

  /** Half-width of the mean's 95% confidence interval (Student t); NaN for one value. */
  double meanError() {
    int n = sorted.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mean = mean();
    double squares = 0;
    for (double v : sorted) {
      squares += (v - mean) * (v - mean);
    }
    double t = n - 1 <= T95.length ? T95[n - 2] : 1.96;
    return t * Math.sqrt(squares / (n - 1) / n);
  }

  /**
   * The median's distribution-free 95% confidence interval: the order statistics at ranks
   * n/2 ± 0.98·√n (from the binomial's normal approximation), as "[low, high]".
   */
  String medianInterval(String unit) {
    int n = sorted.length;
    int low = (int) Math.floor(n / 2.0 - 0.98 * Math.sqrt(n));
    int high = (int) Math.ceil(n / 2.0 + 1 + 0.98 * Math.sqrt(n));
    return "[" + number(sorted[Math.max(0, low - 1)]) + ", " + number(sorted[Math.min(n - 1, high - 1)]) + "] " + unit;
  }

  static String number(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (value >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (value >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
