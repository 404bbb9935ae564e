package dev.agentrpc.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with the usual command line, then prints every figure next to its anchor measured
 * in the same run: a markdown report, also written to {@code -Dbench.report=FILE} (default
 * {@code bench-report.md}). Exits non-zero when a benchmark failed or produced no result.
 *
 * <pre>java -cp agentrpc-benchmarks.jar dev.agentrpc.benchmarks.Bench [JMH options] [regexp...]</pre>
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions options = new CommandLineOptions(args);
    Collection<RunResult> results = new Runner(options).run();
    if (results.isEmpty()) {
      System.err.println("no benchmark ran");
      System.exit(2);
    }
    String report = report(results);
    System.out.println();
    System.out.println(report);
    Path out = Path.of(System.getProperty("bench.report", "bench-report.md"));
    try {
      Files.writeString(out, report, StandardCharsets.UTF_8);
      System.out.println("report written to " + out.toAbsolutePath());
    } catch (IOException e) {
      System.err.println("could not write " + out + ": " + e);
    }
  }

  /** One measured figure. */
  record Row(
      String benchmark,
      String method,
      Map<String, String> params,
      Result<?> primary,
      Map<String, Result> secondary) {
    String key(String otherMethod, String... overrides) {
      Map<String, String> p = new LinkedHashMap<>(params);
      for (int i = 0; i < overrides.length; i += 2) {
        p.put(overrides[i], overrides[i + 1]);
      }
      return benchmark + "." + otherMethod + p;
    }

    String key() {
      return benchmark + "." + method + params;
    }

    boolean sampled() {
      return primary.getStatistics().getN() > 0 && primary.getScoreUnit().endsWith("/op");
    }

    double p(double percentile) {
      return primary.getStatistics().getPercentile(percentile);
    }

    /** The figure compared: p50 for latencies, the mean score for throughput. */
    double figure() {
      return primary.getScoreUnit().endsWith("/op") ? p(50) : primary.getScore();
    }
  }

  static String report(Collection<RunResult> results) {
    List<Row> rows = new ArrayList<>();
    for (RunResult run : results) {
      BenchmarkParams params = run.getParams();
      String full = params.getBenchmark();
      int dot = full.lastIndexOf('.');
      String clazz = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
      Map<String, String> p = new LinkedHashMap<>();
      for (String name : params.getParamsKeys()) {
        p.put(name, params.getParam(name));
      }
      rows.add(
          new Row(clazz, full.substring(dot + 1), p, run.getPrimaryResult(), run.getSecondaryResults()));
    }
    rows.sort(
        Comparator.comparing(Row::benchmark)
            .thenComparing(r -> r.params().toString())
            .thenComparing(Row::method));
    Map<String, Row> byKey = new LinkedHashMap<>();
    for (Row row : rows) {
      byKey.put(row.key(), row);
    }

    StringBuilder out = new StringBuilder();
    section(out, rows, byKey, "SequentialBenchmark", "Sequential, one caller (latency, lower is better)",
        "plainUnary", "rawBidi", null);
    section(out, rows, byKey, "PipelinedBenchmark", "64 calls in flight to one agent (throughput, higher is better)",
        "plainUnary", "rawBidi", "plainUnary@tuned");
    section(out, rows, byKey, "CallAllBenchmark", "Call-all, ~100 B to every agent (latency, lower is better)",
        "plainUnaryFanOut", null, null);
    for (Row row : rows) {
      if (!row.benchmark().equals("SequentialBenchmark")
          && !row.benchmark().equals("PipelinedBenchmark")
          && !row.benchmark().equals("CallAllBenchmark")) {
        out.append(String.format(Locale.ROOT, "- %s.%s %s: %s%n", row.benchmark(), row.method(), row.params(), summary(row)));
      }
    }
    return out.toString();
  }

  private static void section(
      StringBuilder out,
      List<Row> rows,
      Map<String, Row> byKey,
      String benchmark,
      String title,
      String anchor,
      String limit,
      String crossAnchor) {
    List<Row> mine = rows.stream().filter(r -> r.benchmark().equals(benchmark)).toList();
    if (mine.isEmpty()) {
      return;
    }
    boolean latency = mine.get(0).sampled();
    List<String> paramNames = new ArrayList<>(mine.get(0).params().keySet());
    out.append("### ").append(title).append("\n\n|");
    for (String name : paramNames) {
      out.append(' ').append(name).append(" |");
    }
    out.append(" contender |");
    out.append(latency ? " p50 | p99 | mean |" : " calls/s | ± (99.9%) |");
    boolean alloc = mine.get(0).secondary().containsKey(ALLOC);
    boolean cpu = mine.get(0).secondary().containsKey(CPU);
    if (alloc) {
      out.append(" alloc B/call |");
    }
    if (cpu) {
      out.append(" CPU µs/call |");
    }
    out.append(" vs ").append(anchor).append(" |");
    if (limit != null) {
      out.append(" vs ").append(limit).append(" |");
    }
    if (crossAnchor != null) {
      out.append(" vs ").append(crossAnchor.replace('@', ' ')).append(" |");
    }
    out.append("\n|");
    int columns =
        paramNames.size() + 1 + (latency ? 3 : 2) + 1 + (limit != null ? 1 : 0)
            + (crossAnchor != null ? 1 : 0) + (alloc ? 1 : 0) + (cpu ? 1 : 0);
    out.append("---|".repeat(columns)).append('\n');
    for (Row row : mine) {
      out.append('|');
      for (String name : paramNames) {
        out.append(' ').append(row.params().get(name)).append(" |");
      }
      out.append(' ').append(row.method()).append(" |");
      String unit = unit(row.primary().getScoreUnit());
      if (latency) {
        out.append(' ').append(number(row.p(50))).append(' ').append(unit).append(" |");
        out.append(' ').append(number(row.p(99))).append(' ').append(unit).append(" |");
        out.append(' ').append(number(row.primary().getScore())).append(' ').append(unit).append(" |");
      } else {
        out.append(' ').append(number(row.primary().getScore())).append(" |");
        out.append(' ').append(number(row.primary().getScoreError())).append(" |");
      }
      if (alloc) {
        out.append(' ').append(secondary(row, ALLOC)).append(" |");
      }
      if (cpu) {
        out.append(' ').append(secondary(row, CPU)).append(" |");
      }
      out.append(' ').append(ratio(row, byKey.get(row.key(anchor)))).append(" |");
      if (limit != null) {
        out.append(' ').append(ratio(row, byKey.get(row.key(limit)))).append(" |");
      }
      if (crossAnchor != null) {
        String[] parts = crossAnchor.split("@");
        out.append(' ').append(ratio(row, byKey.get(row.key(parts[0], "config", parts[1])))).append(" |");
      }
      out.append('\n');
    }
    out.append('\n')
        .append(latency ? "Ratios compare p50s: below 1.00 is faster than the anchor.\n\n"
            : "Ratios compare throughputs: above 1.00 is faster than the anchor.\n\n");
  }

  private static final String ALLOC = "gc.alloc.rate.norm";
  private static final String CPU = "cpu.us/op";

  /** A figure outside the tables: p50 and p99 when sampled, else the score and its error. */
  private static String summary(Row row) {
    if (!row.sampled()) {
      return row.primary().toString();
    }
    String unit = unit(row.primary().getScoreUnit());
    return String.format(
        Locale.ROOT,
        "p50 %s %s, p99 %s %s, n = %d",
        number(row.p(50)),
        unit,
        number(row.p(99)),
        unit,
        row.primary().getStatistics().getN());
  }

  private static String secondary(Row row, String name) {
    Result<?> result = row.secondary().get(name);
    return result == null ? "n/a" : number(result.getScore());
  }

  private static String ratio(Row row, Row anchor) {
    if (anchor == null) {
      return "n/a";
    }
    if (anchor == row) {
      return "1.00";
    }
    return String.format(Locale.ROOT, "%.2f", row.figure() / anchor.figure());
  }

  private static String unit(String scoreUnit) {
    return scoreUnit.replace("/op", "").replace("us", "µs");
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (value >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
