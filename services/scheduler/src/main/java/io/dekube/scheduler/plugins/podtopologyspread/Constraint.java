package io.dekube.scheduler.plugins.podtopologyspread;

import io.dekube.scheduler.plugins.helper.Selectors;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One topology spread constraint of a pod, resolved: max skew, topology key, selector (with
 * {@code matchLabelKeys} folded in), min domains and whether it filters ({@code DoNotSchedule}) or
 * scores ({@code ScheduleAnyway}). Immutable.
 */
record Constraint(int maxSkew, String topologyKey, LabelSelector selector, int minDomains, boolean hard,
                  boolean honorNodeAffinity, boolean honorTaints) {

  static final String HOSTNAME = "kubernetes.io/hostname";
  static final String ZONE = "topology.kubernetes.io/zone";

  /** kube's system default constraints: hostname skew 3, zone skew 5, both ScheduleAnyway. */
  static final List<TopologySpreadConstraint> SYSTEM_DEFAULTS = List.of(
      defaultConstraint(3, HOSTNAME, "ScheduleAnyway"), defaultConstraint(5, ZONE, "ScheduleAnyway"));

  static TopologySpreadConstraint defaultConstraint(int maxSkew, String key, String whenUnsatisfiable) {
    TopologySpreadConstraint c = new TopologySpreadConstraint();
    c.setMaxSkew(maxSkew);
    c.setTopologyKey(key);
    c.setWhenUnsatisfiable(whenUnsatisfiable);
    return c;
  }

  /** Whether the selector selects the pod (the incoming pod's self-match: an empty selector selects it). */
  boolean matches(Pod p) {
    return Selectors.matches(selector, p.getMetadata().getLabels());
  }

  /** Whether an existing pod counts, as kube's {@code countPodsMatchSelector}: an empty selector counts none. */
  boolean counts(Pod p) {
    return !Selectors.isEmpty(selector) && matches(p);
  }

  /**
   * The pod's constraints of one kind. A pod without constraints of its own gets the default ones (kube's
   * {@code buildDefaultConstraints}), with the selector {@code defaultSelector} gives (kube's
   * {@code helper.DefaultSelector}: its Services' and controller's); none when that selector is empty.
   */
  static List<Constraint> of(Pod pod, boolean hard, List<TopologySpreadConstraint> defaults,
                             Supplier<LabelSelector> defaultSelector) {
    List<Constraint> out = new ArrayList<>();
    List<TopologySpreadConstraint> cs = pod.getSpec() == null ? null : pod.getSpec().getTopologySpreadConstraints();
    if (cs == null || cs.isEmpty()) {
      List<TopologySpreadConstraint> wanted = defaults.stream().filter(c -> hard(c) == hard).toList();
      LabelSelector s = wanted.isEmpty() ? null : defaultSelector.get();
      if (s != null) {
        wanted.forEach(c -> out.add(resolved(c, s)));
      }
      return out;
    }
    for (TopologySpreadConstraint c : cs) {
      if (hard(c) == hard) {
        out.add(resolved(c, withLabelKeys(c, pod)));
      }
    }
    return out;
  }

  private static boolean hard(TopologySpreadConstraint c) {
    return !"ScheduleAnyway".equals(c.getWhenUnsatisfiable());
  }

  private static Constraint resolved(TopologySpreadConstraint c, LabelSelector s) {
    return new Constraint(c.getMaxSkew() == null ? 1 : c.getMaxSkew(), c.getTopologyKey(), s,
        c.getMinDomains() == null ? 1 : c.getMinDomains(), hard(c),
        !"Ignore".equals(c.getNodeAffinityPolicy()), "Honor".equals(c.getNodeTaintsPolicy()));
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
