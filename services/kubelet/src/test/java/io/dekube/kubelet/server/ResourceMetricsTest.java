package io.dekube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.runtime.ResourceUsage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceMetricsTest {

  @Test
  void rendersKubeletResourceMetricsWithTimestamps() {
    Instant at = Instant.parse("2026-12-05T19:00:00Z");
    String text = ResourceMetrics.render(new ResourceUsage(12_500_000_000L, 700L << 20), List.of(
        new ResourceMetrics.Sample("kube-decon", "web-1", "web", Instant.parse("2026-12-05T18:00:00Z"),
            new ResourceUsage(1_500_000L, 0)),
        new ResourceMetrics.Sample("kube-decon", "web-1", "sidecar", null, new ResourceUsage(500_000L, 4096))), at);
    long ts = at.toEpochMilli();
    assertTrue(text.contains("# TYPE container_cpu_usage_seconds_total counter\n"), text);
    assertTrue(text.contains("container_cpu_usage_seconds_total{container=\"web\",namespace=\"kube-decon\","
        + "pod=\"web-1\"} 0.0015 " + ts + "\n"), text);
    assertTrue(text.contains("container_memory_working_set_bytes{container=\"sidecar\",namespace=\"kube-decon\","
        + "pod=\"web-1\"} 4096 " + ts + "\n"), text);
    assertTrue(text.contains("container_start_time_seconds{container=\"web\",namespace=\"kube-decon\",pod=\"web-1\"} "
        + Instant.parse("2026-12-05T18:00:00Z").getEpochSecond() + " " + ts + "\n"), text);
    assertTrue(text.contains("node_cpu_usage_seconds_total 12.5 " + ts + "\n"), text);
    assertTrue(text.contains("node_memory_working_set_bytes " + (700L << 20) + " " + ts + "\n"), text);
    assertTrue(text.contains("pod_cpu_usage_seconds_total{namespace=\"kube-decon\",pod=\"web-1\"} 0.002 " + ts), text);
    assertTrue(text.contains("pod_memory_working_set_bytes{namespace=\"kube-decon\",pod=\"web-1\"} 4096 " + ts), text);
    assertTrue(text.endsWith("scrape_error 0\n"), text);
  }
}
