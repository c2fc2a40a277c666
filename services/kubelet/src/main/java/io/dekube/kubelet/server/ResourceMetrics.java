package io.dekube.kubelet.server;

import io.dekube.kubelet.runtime.ResourceUsage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kubelet's {@code /metrics/resource} in the Prometheus text format, with kube's metric names:
 * {@code node_cpu_usage_seconds_total}, {@code node_memory_working_set_bytes},
 * {@code pod_cpu_usage_seconds_total}, {@code pod_memory_working_set_bytes},
 * {@code container_cpu_usage_seconds_total}, {@code container_memory_working_set_bytes},
 * {@code container_start_time_seconds} and {@code scrape_error}, each sample stamped with the time
 * it was taken (milliseconds), as the kubelet writes them. Pure.
 */
public final class ResourceMetrics {

  /** One running container and what it used. */
  public record Sample(String namespace, String pod, String container, Instant startedAt, ResourceUsage usage) {
  }

  private ResourceMetrics() {
  }

  /** The text of {@code node} and {@code containers}, measured at {@code at}. */
  public static String render(ResourceUsage node, List<Sample> containers, Instant at) {
    long ts = at.toEpochMilli();
    StringBuilder b = new StringBuilder();
    header(b, "container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the container in core-seconds");
    containers.forEach(c -> line(b, "container_cpu_usage_seconds_total", labels(c), seconds(c.usage().cpuNanos()), ts));
    header(b, "container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes");
    containers.forEach(c -> line(b, "container_memory_working_set_bytes", labels(c),
        Long.toString(c.usage().workingSetBytes()), ts));
    header(b, "container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds");
    containers.stream().filter(c -> c.startedAt() != null).forEach(c -> line(b, "container_start_time_seconds",
        labels(c), seconds(c.startedAt().getEpochSecond() * 1_000_000_000L + c.startedAt().getNano()), ts));
    header(b, "node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds");
    line(b, "node_cpu_usage_seconds_total", "", seconds(node.cpuNanos()), ts);
    header(b, "node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes");
    line(b, "node_memory_working_set_bytes", "", Long.toString(node.workingSetBytes()), ts);
    Map<String, ResourceUsage> pods = new TreeMap<>();
    containers.forEach(c -> pods.merge(c.namespace() + "\u0000" + c.pod(), c.usage(), ResourceUsage::plus));
    header(b, "pod_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the pod in core-seconds");
    pods.forEach((k, u) -> line(b, "pod_cpu_usage_seconds_total", podLabels(k), seconds(u.cpuNanos()), ts));
    header(b, "pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes");
    pods.forEach((k, u) -> line(b, "pod_memory_working_set_bytes", podLabels(k), Long.toString(u.workingSetBytes()), ts));
    header(b, "scrape_error", "gauge", "1 if there was an error while getting container metrics, 0 otherwise");
    b.append("scrape_error 0\n");
    return b.toString();
  }

  private static void header(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(" [STABLE] ").append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder b, String name, String labels, String value, long ts) {
    b.append(name).append(labels).append(' ').append(value).append(' ').append(ts).append('\n');
  }

  private static String labels(Sample c) {
    return "{container=\"" + c.container() + "\",namespace=\"" + c.namespace() + "\",pod=\"" + c.pod() + "\"}";
  }

  private static String podLabels(String key) {
    int sep = key.indexOf('\u0000');
    return "{namespace=\"" + key.substring(0, sep) + "\",pod=\"" + key.substring(sep + 1) + "\"}";
  }

  /** Nanoseconds as seconds with nanosecond precision. */
  static String seconds(long nanos) {
    return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
  }
}
