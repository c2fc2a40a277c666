package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Pod scheduling readiness as kube's pod strategy and validation have it: a pod created with
 * {@code spec.schedulingGates} gets the condition PodScheduled False {@code SchedulingGated} (so
 * {@code kubectl get pod} says {@code SchedulingGated}); an update may remove gates but not add
 * them, and while the old pod is gated it may add to {@code spec.nodeSelector} (not change or
 * remove entries). Pure functions.
 */
final class PodSchedulingGates {

  private PodSchedulingGates() {
  }

  /** kube's {@code applySchedulingGatedCondition}: on create, unless the pod has a PodScheduled condition. */
  static void markGated(ObjectNode pod) {
    if (pod.path("spec").path("schedulingGates").isEmpty()) {
      return;
    }
    ObjectNode status = Nodes.obj(pod, "status");
    for (JsonNode c : status.path("conditions")) {
      if ("PodScheduled".equals(c.path("type").asText())) {
        return;
      }
    }
    (status.get("conditions") instanceof com.fasterxml.jackson.databind.node.ArrayNode a ? a
        : status.putArray("conditions")).addObject()
        .put("type", "PodScheduled").put("status", "False").putNull("lastProbeTime")
        .putNull("lastTransitionTime").put("reason", "SchedulingGated")
        .put("message", "Scheduling is blocked due to non-empty scheduling gates");
  }

  /** The update rules of gates and of a gated pod's nodeSelector (kube's ValidatePodUpdate). */
  static void validateUpdate(JsonNode oldSpec, JsonNode newSpec, FieldErrors errs) {
    Set<String> old = new HashSet<>();
    oldSpec.path("schedulingGates").forEach(g -> old.add(g.path("name").asText()));
    int i = 0;
    for (JsonNode g : newSpec.path("schedulingGates")) {
      String name = g.path("name").asText();
      if (!old.contains(name)) {
        errs.forbidden("spec.schedulingGates[" + i + "].name",
            "only deletion is allowed, but found new scheduling gate '" + name + "'");
      }
      i++;
    }
    if (gated(oldSpec) && !oldSpec.path("nodeSelector").equals(newSpec.path("nodeSelector"))) {
      JsonNode next = newSpec.path("nodeSelector");
      var it = oldSpec.path("nodeSelector").properties().iterator();
      while (it.hasNext()) {
        var e = it.next();
        if (!e.getValue().equals(next.get(e.getKey()))) {
          errs.invalid("spec.nodeSelector", next.isMissingNode() ? null : next,
              "only additions to spec.nodeSelector are allowed (no mutations or deletions)");
          return;
        }
      }
    }
  }

  /**
   * Takes out of {@code spec} (a copy of either side of an update) the fields {@link #validateUpdate}
   * judged: the gates, and a gated pod's nodeSelector.
   */
  static void mask(ObjectNode spec, JsonNode oldSpec) {
    spec.remove("schedulingGates");
    if (gated(oldSpec)) {
      spec.remove("nodeSelector");
    }
  }

  private static boolean gated(JsonNode spec) {
    return !spec.path("schedulingGates").isEmpty();
  }
}
