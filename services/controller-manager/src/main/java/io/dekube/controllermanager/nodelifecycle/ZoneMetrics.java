package io.dekube.controllermanager.nodelifecycle;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's node lifecycle metrics per zone, under kube's names: {@code node_collector_zone_size},
 * {@code node_collector_zone_health} (the percentage of Ready nodes), {@code node_collector_unhealthy_nodes_in_zone}
 * and {@code node_collector_evictions_total} (NoExecute taints added by the zone's queue). Process-wide, as the
 * registry is: whichever controller-manager holds the Lease writes them. Thread-safe.
 */
final class ZoneMetrics {

  /** Each zone's size and not-Ready nodes, read by its gauges. */
  private static final Map<String, int[]> ZONES = new ConcurrentHashMap<>();
  private static final Map<String, List<Meter>> GAUGES = new ConcurrentHashMap<>();

  private ZoneMetrics() {
  }

  /** Sets the zone's gauges (kube sets them on every monitor pass). */
  static void set(String zone, int size, int unhealthy) {
    int[] v = ZONES.computeIfAbsent(zone, z -> new int[2]);
    v[0] = size;
    v[1] = unhealthy;
    GAUGES.computeIfAbsent(zone, z -> List.of(
        gauge("node_collector_zone_size", "[ALPHA] Gauge measuring number of registered Nodes per zones.", z,
            a -> a[0]),
        gauge("node_collector_zone_health", "[ALPHA] Gauge measuring percentage of healthy nodes per zone.", z,
            a -> a[0] == 0 ? 100 : 100.0 * (a[0] - a[1]) / a[0]),
        gauge("node_collector_unhealthy_nodes_in_zone", "[ALPHA] Gauge measuring number of not Ready Nodes per zones.",
            z, a -> a[1])));
  }

  /** Drops a zone that has no nodes any more (kube's DeleteLabelValues). */
  static void remove(String zone) {
    List<Meter> meters = GAUGES.remove(zone);
    if (meters != null) {
      meters.forEach(Metrics.registry()::remove);
    }
    ZONES.remove(zone);
  }

  /** Counts a node the zone's queue had tainted; {@code by} 0 makes the series appear (kube's zone initialisation). */
  static void evicted(String zone, int by) {
    Counter.builder("node_collector_evictions").description("[STABLE] Number of Node evictions that happened since "
        + "current instance of NodeController started.").tag("zone", zone).register(Metrics.registry()).increment(by);
  }

  private static Meter gauge(String name, String help, String zone, java.util.function.ToDoubleFunction<int[]> f) {
    return Gauge.builder(name, () -> f.applyAsDouble(ZONES.getOrDefault(zone, new int[2]))).description(help)
        .tag("zone", zone).register(Metrics.registry());
  }
}
