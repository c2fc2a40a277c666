package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A pod's QoS class as kube's {@code ComputePodQOS} gives it: only CPU and memory count (a pod that asks
 * only for {@code example.com/dongle} or ephemeral storage is BestEffort), and only amounts above zero;
 * Guaranteed when every container (init containers too) has CPU and memory limits and the pod's summed
 * requests equal its summed limits, resource by resource. Pure function.
 */
final class PodQos {

  private static final Set<String> QOS_RESOURCES = Set.of("cpu", "memory");

  private PodQos() {
  }

  /** Guaranteed, Burstable or BestEffort. */
  static String of(JsonNode spec) {
    Map<String, BigDecimal> requests = new TreeMap<>();
    Map<String, BigDecimal> limits = new TreeMap<>();
    boolean guaranteed = true;
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonNode c : spec.path(list)) {
        add(requests, c.path("resources").path("requests"));
        if (!add(limits, c.path("resources").path("limits")).containsAll(QOS_RESOURCES)) {
          guaranteed = false;
        }
      }
    }
    if (requests.isEmpty() && limits.isEmpty()) {
      return "BestEffort";
    }
    for (Map.Entry<String, BigDecimal> r : requests.entrySet()) {
      BigDecimal limit = limits.get(r.getKey());
      if (limit == null || limit.compareTo(r.getValue()) != 0) {
        guaranteed = false;
      }
    }
    return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
  }

  /** Adds the positive CPU and memory amounts of {@code list} to {@code sums}; returns their names. */
  private static Set<String> add(Map<String, BigDecimal> sums, JsonNode list) {
    Set<String> found = new TreeSet<>();
    list.fields().forEachRemaining(e -> {
      BigDecimal amount = amount(e.getValue());
      if (QOS_RESOURCES.contains(e.getKey()) && amount.signum() > 0) {
        found.add(e.getKey());
        sums.merge(e.getKey(), amount, BigDecimal::add);
      }
    });
    return found;
  }

  private static BigDecimal amount(JsonNode q) {
    try {
      return Quantity.getAmountInBytes(new Quantity(q.asText()));
    } catch (RuntimeException e) {
      return BigDecimal.ZERO; // validation reports a malformed quantity
    }
  }
}
