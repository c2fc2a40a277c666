package io.dekube.controllermanager.podautoscaler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One item of a {@code metrics.k8s.io} PodMetricsList: each container's usage by resource, in
 * milli-units (kube's {@code MilliValue}), in the API's container order.
 */
record PodMetrics(String namespace, String name, Instant timestamp, Duration window,
                  Map<String, Map<String, Long>> containers) {

  /**
   * kube's resource metrics client: each pod's usage of {@code resource} — summed over its containers
   * (a pod with no containers, or a container without the resource, has no sample), or that of
   * {@code container} alone (a pod whose metrics lack the container fails the whole read).
   *
   * @throws ReplicaCalculator.CalculationException in kube's words when the list is empty or a container is missing
   */
  static Map<String, PodSample> samples(List<PodMetrics> items, String resource, String container)
      throws ReplicaCalculator.CalculationException {
    if (items.isEmpty()) {
      throw new ReplicaCalculator.CalculationException("no metrics returned from resource metrics API");
    }
    Map<String, PodSample> out = new HashMap<>();
    for (PodMetrics m : items) {
      if (container != null) {
        Map<String, Long> usage = m.containers().get(container);
        if (usage == null) {
          throw new ReplicaCalculator.CalculationException("failed to get container metrics: container " + container
              + " not present in metrics for pod " + m.namespace() + "/" + m.name());
        }
        if (usage.containsKey(resource)) {
          out.put(m.name(), new PodSample(usage.get(resource), m.timestamp(), m.window()));
        }
        continue;
      }
      long sum = 0;
      boolean missing = m.containers().isEmpty();
      for (Map<String, Long> usage : m.containers().values()) {
        if (!usage.containsKey(resource)) {
          missing = true;
          break;
        }
        sum += usage.get(resource);
      }
      if (!missing) {
        out.put(m.name(), new PodSample(sum, m.timestamp(), m.window()));
      }
    }
    return out;
  }
}
