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
 * remove entries) and to its required node affinity (kube's {@code validateNodeAffinityMutation}:
 * any terms when it had none, else requirements appended to each existing term; the preferred terms
 * freely). Pure functions.
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
          break;
        }
      }
    }
    if (gated(oldSpec)) {
      validateNodeAffinity(oldSpec.path("affinity").path("nodeAffinity"), newSpec.path("affinity").path("nodeAffinity"),
          errs);
    }
  }

  /** kube's {@code validateNodeAffinityMutation} on the required terms of a gated pod. */
  private static void validateNodeAffinity(JsonNode oldAffinity, JsonNode newAffinity, FieldErrors errs) {
    JsonNode oldTerms = oldAffinity.path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
    JsonNode newTerms = newAffinity.path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
    if (oldTerms.isEmpty()) {
      return; // none before: any may be set
    }
    String path = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
    if (oldTerms.size() != newTerms.size()) {
      errs.invalidRendered(path, goTerms(newTerms),
          "no additions/deletions to non-empty NodeSelectorTerms list are allowed");
      return;
    }
    for (int i = 0; i < oldTerms.size(); i++) {
      if (!onlyAdditions(oldTerms.get(i), newTerms.get(i))) {
        errs.invalidRendered(path + "[" + i + "]", goTerm(newTerms.get(i)),
            "only additions are allowed (no mutations or deletions)");
      }
    }
  }

  /** kube's {@code validateNodeSelectorTermHasOnlyAdditions}: each list of the old term a prefix of the new one's. */
  private static boolean onlyAdditions(JsonNode oldTerm, JsonNode newTerm) {
    for (String list : new String[] {"matchExpressions", "matchFields"}) {
      JsonNode before = oldTerm.path(list);
      JsonNode after = newTerm.path(list);
      if (before.size() > after.size()) {
        return false;
      }
      for (int i = 0; i < before.size(); i++) {
        if (!requirement(before.get(i)).equals(requirement(after.get(i)))) {
          return false;
        }
      }
    }
    return true;
  }

  /** A requirement as kube's semantic equality compares it: no values and empty values alike. */
  private static JsonNode requirement(JsonNode r) {
    if (r instanceof ObjectNode o && o.path("values").isEmpty()) {
      ObjectNode copy = o.deepCopy();
      copy.remove("values");
      return copy;
    }
    return r;
  }

  /** The terms as Go's {@code %#v} prints kube's internal {@code []core.NodeSelectorTerm} in field errors. */
  private static String goTerms(JsonNode terms) {
    if (terms.isMissingNode() || terms.isNull()) {
      return "[]core.NodeSelectorTerm(nil)";
    }
    StringBuilder sb = new StringBuilder("[]core.NodeSelectorTerm{");
    for (int i = 0; i < terms.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(goTerm(terms.get(i)));
    }
    return sb.append('}').toString();
  }

  private static String goTerm(JsonNode term) {
    return "core.NodeSelectorTerm{MatchExpressions:" + goRequirements(term.path("matchExpressions"))
        + ", MatchFields:" + goRequirements(term.path("matchFields")) + "}";
  }

  private static String goRequirements(JsonNode list) {
    if (list.isMissingNode() || list.isNull()) {
      return "[]core.NodeSelectorRequirement(nil)";
    }
    StringBuilder sb = new StringBuilder("[]core.NodeSelectorRequirement{");
    for (int i = 0; i < list.size(); i++) {
      JsonNode r = list.get(i);
      sb.append(i == 0 ? "" : ", ").append("core.NodeSelectorRequirement{Key:").append(quoted(r.path("key")))
          .append(", Operator:").append(quoted(r.path("operator"))).append(", Values:");
      JsonNode values = r.path("values");
      if (values.isMissingNode() || values.isNull()) {
        sb.append("[]string(nil)");
      } else {
        sb.append("[]string{");
        for (int j = 0; j < values.size(); j++) {
          sb.append(j == 0 ? "" : ", ").append(quoted(values.get(j)));
        }
        sb.append('}');
      }
      sb.append('}');
    }
    return sb.append('}').toString();
  }

  private static String quoted(JsonNode text) {
    return io.dekube.core.model.Json.MAPPER.getNodeFactory().textNode(text.asText()).toString();
  }

  /**
   * Takes out of {@code spec} (a copy of either side of an update) the fields {@link #validateUpdate}
   * judged: the gates, and a gated pod's nodeSelector.
   */
  static void mask(ObjectNode spec, JsonNode oldSpec) {
    spec.remove("schedulingGates");
    if (gated(oldSpec)) {
      spec.remove("nodeSelector");
      // kube sets the munged spec's node affinity to the old one (an affinity of nothing else to none)
      if (spec.get("affinity") instanceof ObjectNode affinity) {
        affinity.remove("nodeAffinity");
        if (affinity.isEmpty()) {
          spec.remove("affinity");
        }
      }
    }
  }

  private static boolean gated(JsonNode spec) {
    return !spec.path("schedulingGates").isEmpty();
  }
}
