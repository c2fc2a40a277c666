package io.dekube.controllermanager.daemonset;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code NodeShouldRunDaemonPod}: whether a daemon pod should run on a node (its nodeName,
 * nodeSelector and required node affinity match, and it tolerates the node's NoSchedule and NoExecute
 * taints) and whether one already there may go on running (only untolerated NoExecute taints evict).
 * The spec must already carry the daemon tolerations. Pure.
 *
 * @param shouldRun             a pod should be created there
 * @param shouldContinueRunning a pod there may stay
 */
record NodeEligibility(boolean shouldRun, boolean shouldContinueRunning) {

  static NodeEligibility of(Node node, PodSpec spec) {
    String name = node.getMetadata().getName();
    if (spec.getNodeName() != null && !spec.getNodeName().isEmpty() && !spec.getNodeName().equals(name)) {
      return new NodeEligibility(false, false);
    }
    if (!selectorMatches(node, spec)) {
      return new NodeEligibility(false, false);
    }
    List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
        : node.getSpec().getTaints();
    List<Toleration> tolerations = spec.getTolerations() == null ? List.of() : spec.getTolerations();
    boolean fits = true;
    boolean stays = true;
    for (Taint t : taints) {
      boolean noExecute = "NoExecute".equals(t.getEffect());
      if (!noExecute && !"NoSchedule".equals(t.getEffect())) {
        continue;
      }
      if (!io.dekube.core.model.Tolerations.tolerated(tolerations, t)) {
        fits = false;
        stays &= !noExecute;
      }
    }
    return new NodeEligibility(fits, stays);
  }

  /** The nodeSelector and the required node affinity's terms (any term, all its requirements). */
  static boolean selectorMatches(Node node, PodSpec spec) {
    Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (spec.getNodeSelector() != null) {
      for (var e : spec.getNodeSelector().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    var affinity = spec.getAffinity();
    if (affinity == null || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return true;
    }
    List<NodeSelectorTerm> terms = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms();
    if (terms == null || terms.isEmpty()) {
      return false;
    }
    for (NodeSelectorTerm term : terms) {
      if (termMatches(term, labels, node.getMetadata().getName())) {
        return true;
      }
    }
    return false;
  }

  private static boolean termMatches(NodeSelectorTerm term, Map<String, String> labels, String nodeName) {
    List<NodeSelectorRequirement> exprs = term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
    List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
    if (exprs.isEmpty() && fields.isEmpty()) {
      return false;
    }
    for (NodeSelectorRequirement r : exprs) {
      if (!requirement(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : fields) {
      if (!"metadata.name".equals(r.getKey()) || !requirement(r, nodeName, true)) {
        return false;
      }
    }
    return true;
  }

  private static boolean requirement(NodeSelectorRequirement r, String value, boolean present) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator() == null ? "" : r.getOperator()) {
      case "In" -> present && values.contains(value);
      case "NotIn" -> !present || !values.contains(value);
      case "Exists" -> present;
      case "DoesNotExist" -> !present;
      case "Gt", "Lt" -> present && values.size() == 1 && compare(value, values.get(0), r.getOperator());
      default -> false;
    };
  }

  private static boolean compare(String value, String bound, String op) {
    try {
      long v = Long.parseLong(value);
      long b = Long.parseLong(bound);
      return "Gt".equals(op) ? v > b : v < b;
    } catch (NumberFormatException e) {
      return false;
    }
  }

}
