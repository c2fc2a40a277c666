package io.dekube.launcher;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.dekube.core.informer.Informer;
import io.micrometer.core.instrument.Gauge;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JVM's own meters in every dekube process's {@code /metrics} ({@code jvm_memory_used_bytes},
 * {@code jvm_gc_pause_seconds}, {@code jvm_threads_live_threads}, {@code process_cpu_usage},
 * {@code process_uptime_seconds}...), as Prometheus' JVM dashboards read them. Bound once per process.
 * And gauges of the scheduler's and the kubelets' work read from the process's shared pods informer
 * (the one the component itself reads), counted when {@code /metrics} is scraped.
 */
final class ProcessMetrics {

  private static final AtomicBoolean BOUND = new AtomicBoolean();

  private ProcessMetrics() {
  }

  static void bind() {
    if (!BOUND.compareAndSet(false, true)) {
      return;
    }
    var registry = Metrics.registry();
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry); // keeps a GC notification listener for the process's life
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** {@code dekube_scheduler_pending_pods}: pods not bound to a node, not finished, not being deleted. */
  static void pendingPods(Informer pods) {
    Gauge.builder("dekube.scheduler.pending.pods", pods, i -> i.list(ProcessMetrics::pending).size())
        .description("pods without a node, as the scheduler's informer sees them").strongReference(true)
        .register(Metrics.registry());
  }

  /** {@code dekube_kubelet_pods{phase}}: the pods bound to this process's nodes, by status.phase. */
  static void kubeletPods(Informer pods, Set<String> nodes) {
    for (String phase : java.util.List.of("Pending", "Running", "Succeeded", "Failed", "Unknown")) {
      Gauge.builder("dekube.kubelet.pods", pods, i -> i.list(p -> nodes.contains(p.path("spec").path("nodeName")
              .asText()) && phase.equals(p.path("status").path("phase").asText("Pending"))).size())
          .description("pods bound to this process's nodes, by phase").tag("phase", phase).strongReference(true)
          .register(Metrics.registry());
    }
  }

  private static boolean pending(com.fasterxml.jackson.databind.node.ObjectNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return pod.path("spec").path("nodeName").asText("").isEmpty() && !phase.equals("Succeeded")
        && !phase.equals("Failed") && pod.path("metadata").path("deletionTimestamp").isMissingNode();
  }
}
