package io.dekube.scheduler.plugins.podtopologyspread;

import io.dekube.scheduler.plugins.helper.Selectors;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One topology spread constraint of a pod, resolved: max skew, topology key, selector (with
 * {@code matchLabelKeys} folded in), min domains and whether it filters ({@code DoNotSchedule}) or
 * scores ({@code ScheduleAnyway}). Immutable.
 */
record Constraint(int maxSkew, String topologyKey, LabelSelector selector, int minDomains, boolean hard,
                  boolean honorNodeAffinity, boolean honorTaints) {

  static final String HOSTNAME = "kubernetes.io/hostname";
  static final String ZONE = "topology.kubernetes.io/zone";

  boolean matches(Pod p) {
    return Selectors.matches(selector, p.getMetadata().getLabels());
  }

  /**
   * The pod's constraints of one kind. A pod without constraints of its own gets kube's system
   * defaults (hostname skew 3, zone skew 5, ScheduleAnyway) when a controller owns it; its
   * selector is then the pod's own labels, standing in for the owner's selector.
   */
  static List<Constraint> of(Pod pod, boolean hard, boolean systemDefaults) {
    List<Constraint> out = new ArrayList<>();
    List<TopologySpreadConstraint> cs = pod.getSpec() == null ? null : pod.getSpec().getTopologySpreadConstraints();
    if (cs == null || cs.isEmpty()) {
      if (!hard && systemDefaults && controlled(pod) && pod.getMetadata().getLabels() != null
          && !pod.getMetadata().getLabels().isEmpty()) {
        LabelSelector s = new LabelSelector(null, new HashMap<>(pod.getMetadata().getLabels()));
        out.add(new Constraint(3, HOSTNAME, s, 1, false, true, false));
        out.add(new Constraint(5, ZONE, s, 1, false, true, false));
      }
      return out;
    }
    for (TopologySpreadConstraint c : cs) {
      boolean h = !"ScheduleAnyway".equals(c.getWhenUnsatisfiable());
      if (h != hard) {
        continue;
      }
      out.add(new Constraint(c.getMaxSkew() == null ? 1 : c.getMaxSkew(), c.getTopologyKey(),
          withLabelKeys(c, pod), c.getMinDomains() == null ? 1 : c.getMinDomains(), h,
          !"Ignore".equals(c.getNodeAffinityPolicy()), "Honor".equals(c.getNodeTaintsPolicy())));
    }
    return out;
  }

  private static boolean controlled(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(r -> Boolean.TRUE.equals(r.getController()));
  }

  private static LabelSelector withLabelKeys(TopologySpreadConstraint c, Pod pod) {
    LabelSelector s = c.getLabelSelector();
    if (s == null || c.getMatchLabelKeys() == null || c.getMatchLabelKeys().isEmpty()) {
      return s;
    }
    Map<String, String> ml = new HashMap<>(s.getMatchLabels() == null ? Map.of() : s.getMatchLabels());
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    for (String k : c.getMatchLabelKeys()) {
      if (labels.containsKey(k)) {
        ml.put(k, labels.get(k));
      }
    }
    return new LabelSelector(s.getMatchExpressions(), ml);
  }
}
