package io.dekube.bench;

import java.util.Arrays;

/** Collects latencies (nanoseconds) of one run and reports rate and percentiles. Thread-safe. */
final class LatencyRecorder {

  private long[] samples = new long[1 << 16];
  private int count;
  private int errors;

  synchronized void record(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  synchronized void error() {
    errors++;
  }

  /** The result of a run of {@code seconds}. */
  synchronized Result result(String name, int clients, double seconds) {
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    return new Result(name, clients, count, errors, count / seconds, percentileMs(sorted, 0.50),
        percentileMs(sorted, 0.99), count == 0 ? Double.NaN : sorted[count - 1] / 1e6);
  }

  private static double percentileMs(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  /** One line of the report. */
  record Result(String name, int clients, int ok, int errors, double perSecond, double p50Ms, double p99Ms,
                double maxMs) {
    String row() {
      return String.format("| %s | %d | %d | %d | %,.0f | %.2f | %.2f | %.0f |", name, clients, ok, errors, perSecond,
          p50Ms, p99Ms, maxMs);
    }

    static String header() {
      return "| run | clients | ok | errors | per second | p50 ms | p99 ms | max ms |\n"
          + "|---|---|---|---|---|---|---|---|";
    }
  }
}
