package io.dekube.bench;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.DistributionSummary;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What a run costs besides its latencies: the process's CPU time (broker included when it runs
 * in-process) and the writer's batch sizes ({@code dekube.writer.batch.size}), as deltas between
 * {@link #start()} and {@link #meanBatch()} / {@link #cpuMsPerOp(long)}.
 */
final class RunProbe {

  private final long cpuStart = cpuNanos();
  private final long batchesStart = batches().count();
  private final double requestsStart = batches().totalAmount();
  private final Map<String, Long> brokerRequestsStart = brokerRequests();
  private final long gcMsStart = gcMs();

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

  /**
   * The broker's requests per operation over the run, by request type, most first (e.g.
   * {@code Produce 0.52, Fetch 0.31, EndTxn 0.03}); empty when the broker is not in this process.
   */
  String brokerRequestsPerOp(long ops) {
    if (ops == 0) {
      return "";
    }
    Map<String, Long> now = brokerRequests();
    return now.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - brokerRequestsStart.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> String.format("%s %.3f", e.getKey(), e.getValue() / (double) ops))
        .collect(Collectors.joining(", "));
  }

  /** Milliseconds the process spent in garbage collection since {@link #start()} (all collectors). */
  long gcMsSinceStart() {
    return gcMs() - gcMsStart;
  }

  private static long gcMs() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
  }

  /** Requests the in-process broker has received, by type (its JMX request metrics, all versions summed). */
  private static Map<String, Long> brokerRequests() {
    Map<String, Long> counts = new TreeMap<>();
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      for (ObjectName n : server.queryNames(
          new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
        Object count = server.getAttribute(n, "Count");
        counts.merge(n.getKeyProperty("request"), ((Number) count).longValue(), Long::sum);
      }
    } catch (Exception e) {
      // no broker in this process, or its metrics are not registered: nothing to report
    }
    return counts;
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
