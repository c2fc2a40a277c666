package io.dekube.bench;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.DistributionSummary;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a run costs besides its latencies: the process's CPU time (broker included when it runs
 * in-process) and the writer's batch sizes ({@code dekube.writer.batch.size}), as deltas between
 * {@link #start()} and {@link #meanBatch()} / {@link #cpuMsPerOp(long)}.
 */
final class RunProbe {

  private final long cpuStart = cpuNanos();
  private final long batchesStart = batches().count();
  private final double requestsStart = batches().totalAmount();

  static RunProbe start() {
    return new RunProbe();
  }

  /** Requests per transaction (reads included) over the run; NaN without a writer in this process. */
  double meanBatch() {
    long n = batches().count() - batchesStart;
    return n == 0 ? Double.NaN : (batches().totalAmount() - requestsStart) / n;
  }

  double cpuMsPerOp(long ops) {
    return ops == 0 ? Double.NaN : (cpuNanos() - cpuStart) / 1e6 / ops;
  }

  /** The 1, 5 and 15 minute load averages of the machine, as /proc/loadavg has them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static DistributionSummary batches() {
    return DistributionSummary.builder("dekube.writer.batch.size").register(Metrics.registry());
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
