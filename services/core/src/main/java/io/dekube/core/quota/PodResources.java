package io.dekube.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.quota.Quantities.Amount;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pod's effective requests or limits as kube's {@code PodRequests}/{@code PodLimits} add them up:
 * the sum over its containers, sidecar init containers ({@code restartPolicy: Always}) added to it,
 * at least the largest regular init container (plus the sidecars started before it), plus the
 * pod's {@code overhead} when asked (for limits only where the pod has that limit). Pure.
 */
public final class PodResources {

  private PodResources() {
  }

  /** The pod's requests ({@code field} "requests") or limits ("limits"). */
  public static TreeMap<String, Amount> of(JsonNode pod, String field, boolean overhead) {
    JsonNode spec = pod.path("spec");
    TreeMap<String, Amount> sum = new TreeMap<>();
    for (JsonNode c : spec.path("containers")) {
      ResourceLists.addInto(sum, ResourceLists.of(c.path("resources").path(field)));
    }
    TreeMap<String, Amount> sidecars = new TreeMap<>();
    TreeMap<String, Amount> initMax = new TreeMap<>();
    for (JsonNode c : spec.path("initContainers")) {
      TreeMap<String, Amount> r = ResourceLists.of(c.path("resources").path(field));
      if ("Always".equals(c.path("restartPolicy").asText(""))) {
        ResourceLists.addInto(sidecars, r);
        max(initMax, sidecars);
      } else {
        max(initMax, ResourceLists.addInto(r, sidecars));
      }
    }
    ResourceLists.addInto(sum, sidecars);
    max(sum, initMax);
    if (overhead) {
      TreeMap<String, Amount> extra = ResourceLists.of(spec.path("overhead"));
      if (field.equals("limits")) {
        extra.keySet().retainAll(sum.keySet());
      }
      ResourceLists.addInto(sum, extra);
    }
    return sum;
  }

  private static void max(TreeMap<String, Amount> into, Map<String, Amount> other) {
    other.forEach((k, v) -> into.merge(k, v, (a, b) -> a.compareTo(b) >= 0 ? a : b));
  }
}
