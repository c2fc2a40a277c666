package io.dekube.scheduler.plugins.helper;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import java.util.List;
import java.util.Map;

/**
 * Label and node selector matching as Kubernetes defines it. A null {@link LabelSelector} matches
 * nothing, an empty one everything; node selector terms are ORed, their requirements ANDed, and a
 * term without requirements matches nothing. Stateless.
 */
public final class Selectors {

  private Selectors() {
  }

  /** Whether labels match a label selector (null selector: nothing). */
  public static boolean matches(LabelSelector s, Map<String, String> labels) {
    if (s == null) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (s.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : s.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (s.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : s.getMatchExpressions()) {
        if (!requirement(r.getKey(), r.getOperator(), r.getValues(), l)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether a label selector is empty (matches everything). */
  public static boolean isEmpty(LabelSelector s) {
    return s != null && (s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
        && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty());
  }

  private static boolean requirement(String key, String op, List<String> values, Map<String, String> labels) {
    String v = labels.get(key);
    List<String> vs = values == null ? List.of() : values;
    return switch (op) {
      case "In" -> v != null && vs.contains(v);
      case "NotIn" -> v == null || !vs.contains(v);
      case "Exists" -> v != null;
      case "DoesNotExist" -> v == null;
      case "Gt", "Lt" -> v != null && vs.size() == 1 && compare(v, vs.get(0), op);
      default -> false;
    };
  }

  private static boolean compare(String have, String want, String op) {
    try {
      long h = Long.parseLong(have);
      long w = Long.parseLong(want);
      return op.equals("Gt") ? h > w : h < w;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Whether a node (labels and name) matches any of the terms (ORed). */
  public static boolean matchesAnyTerm(List<NodeSelectorTerm> terms, Map<String, String> labels, String nodeName) {
    if (terms == null) {
      return false;
    }
    for (NodeSelectorTerm t : terms) {
      if (matchesTerm(t, labels, nodeName)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a node matches one term: every expression and field requirement; an empty term matches nothing. */
  public static boolean matchesTerm(NodeSelectorTerm t, Map<String, String> labels, String nodeName) {
    List<NodeSelectorRequirement> exprs = t.getMatchExpressions() == null ? List.of() : t.getMatchExpressions();
    List<NodeSelectorRequirement> fields = t.getMatchFields() == null ? List.of() : t.getMatchFields();
    if (exprs.isEmpty() && fields.isEmpty()) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (NodeSelectorRequirement r : exprs) {
      if (!requirement(r.getKey(), r.getOperator(), r.getValues(), l)) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : fields) {
      if (!"metadata.name".equals(r.getKey())
          || !requirement("metadata.name", r.getOperator(), r.getValues(), Map.of("metadata.name", nodeName))) {
        return false;
      }
    }
    return true;
  }
}
