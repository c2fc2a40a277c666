package io.dekube.scheduler.plugins.podtopologyspread;

import io.dekube.core.model.Tolerations;
import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.NodeScore;
import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.PreScorePlugin;
import io.dekube.scheduler.api.QueueingHint;
import io.dekube.scheduler.api.ScoreExtensions;
import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.helper.Args;
import io.dekube.scheduler.plugins.helper.DefaultSelector;
import io.dekube.scheduler.plugins.nodeaffinity.NodeAffinityPlugin;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PodTopologySpread: {@code DoNotSchedule} constraints filter nodes where placing the pod would
 * make the count of matching pods in its domain exceed the smallest domain's by more than
 * {@code maxSkew}; {@code ScheduleAnyway} constraints score nodes with fewer matching pods in their
 * domains higher. A pod without constraints gets the default ones (kube's system defaults, or the
 * args' list) with the selector of the Services and controller that select it (kube's
 * {@code helper.DefaultSelector}). Domains are counted over nodes that carry the constraints' keys
 * and pass their inclusion policies (node affinity, taints).
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin,
    ScoreExtensions, EnqueueExtensions {

  public static final String NAME = "PodTopologySpread";
  public static final String ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
  public static final String ERR_MISSING_LABEL = ERR_CONSTRAINTS + " (missing required label)";
  private static final String PRE_FILTER = "PreFilter" + NAME;
  private static final String PRE_SCORE = "PreScore" + NAME;

  private final Handle handle;
  private final boolean systemDefaulted;
  private final List<TopologySpreadConstraint> defaultConstraints;

  /**
   * Reads kube's {@code PodTopologySpreadArgs}: {@code defaultingType} {@code System} (kube's system defaults) or
   * {@code List} (the {@code defaultConstraints} given, which may be empty), validated in kube's words.
   */
  public PodTopologySpread(Map<String, Object> args, Handle handle) {
    this.handle = handle;
    String type = Args.string(args, "defaultingType", "System");
    List<Map<String, Object>> given = Args.list(args, "defaultConstraints");
    if (!type.equals("System") && !type.equals("List")) {
      throw new IllegalArgumentException("defaultingType: Unsupported value: \"" + type
          + "\": supported values: \"System\", \"List\"");
    }
    if (type.equals("System") && !given.isEmpty()) {
      throw new IllegalArgumentException("defaultingType: Invalid value: \"System\": when .defaultConstraints are not "
          + "empty");
    }
    this.systemDefaulted = type.equals("System");
    List<TopologySpreadConstraint> list = new java.util.ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      Map<String, Object> c = given.get(i);
      if (c.get("labelSelector") != null) {
        throw new IllegalArgumentException("defaultConstraints[" + i + "].labelSelector: Forbidden: constraint must "
            + "not define a selector, as they deduced for each pod");
      }
      list.add(Constraint.defaultConstraint((int) Args.number(c, "maxSkew", 0), Args.string(c, "topologyKey", ""),
          Args.string(c, "whenUnsatisfiable", "")));
    }
    this.defaultConstraints = systemDefaulted ? Constraint.SYSTEM_DEFAULTS : List.copyOf(list);
  }

  private List<Constraint> constraints(Pod pod, boolean hard) {
    return Constraint.of(pod, hard, defaultConstraints, () -> DefaultSelector.of(pod, handle));
  }

  /**
   * Bound pods added, deleted or relabelled, and nodes added, deleted, relabelled or tainted, with kube 1.32's hints
   * ({@code isSchedulableAfterPodChange}, {@code isSchedulableAfterNodeChange}) over the pod's hard constraints.
   */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.POD,
            ClusterEvent.ADD | ClusterEvent.DELETE | ClusterEvent.UPDATE_POD_LABEL),
            (pod, oldObj, newObj) -> afterPodChange(pod, (Pod) oldObj, (Pod) newObj)),
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.DELETE
            | ClusterEvent.UPDATE_NODE_LABEL | ClusterEvent.UPDATE_NODE_TAINT),
            (pod, oldObj, newObj) -> afterNodeChange(pod, (io.fabric8.kubernetes.api.model.Node) oldObj,
                (io.fabric8.kubernetes.api.model.Node) newObj)));
  }

  /**
   * A bound pod of the pod's namespace (or the pod itself) that a constraint's selector matches was added or deleted,
   * or was relabelled into or out of a selector: it changes the counts.
   */
  private QueueingHint afterPodChange(Pod pod, Pod before, Pod after) {
    if (after != null && !involved(after, pod) || before != null && !involved(before, pod)) {
      return QueueingHint.QUEUE_SKIP;
    }
    List<Constraint> cs = constraints(pod, true);
    if (before != null && after != null) {
      if (java.util.Objects.equals(labels(before), labels(after))) {
        return QueueingHint.QUEUE_SKIP;
      }
      return cs.stream().anyMatch(c -> c.matches(before) != c.matches(after)) ? QueueingHint.QUEUE
          : QueueingHint.QUEUE_SKIP;
    }
    Pod added = after != null ? after : before;
    return cs.stream().anyMatch(c -> c.matches(added)) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
  }

  /** kube's {@code involvedInTopologySpreading}: the pod itself, or a bound pod of its namespace. */
  private static boolean involved(Pod other, Pod pod) {
    return java.util.Objects.equals(other.getMetadata().getUid(), pod.getMetadata().getUid())
        || other.getSpec() != null && other.getSpec().getNodeName() != null && !other.getSpec().getNodeName().isEmpty()
        && java.util.Objects.equals(other.getMetadata().getNamespace(), pod.getMetadata().getNamespace());
  }

  private static Map<String, String> labels(Pod p) {
    Map<String, String> l = p.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  /**
   * A node with every topology key of the pod's hard constraints added or deleted, one that gains or loses one of
   * them, or one that keeps them all and changes a key's value or its taints.
   */
  private QueueingHint afterNodeChange(Pod pod, io.fabric8.kubernetes.api.model.Node before,
                                       io.fabric8.kubernetes.api.model.Node after) {
    List<Constraint> cs = constraints(pod, true);
    boolean wasIn = before != null && hasKeys(before, cs);
    boolean isIn = after != null && hasKeys(after, cs);
    if (before != null && after != null) {
      if (wasIn != isIn) {
        return QueueingHint.QUEUE;
      }
      boolean keyChanged = cs.stream().anyMatch(c -> !java.util.Objects.equals(nodeLabels(before).get(c.topologyKey()),
          nodeLabels(after).get(c.topologyKey())));
      boolean taintsChanged = !java.util.Objects.equals(before.getSpec() == null ? null : before.getSpec().getTaints(),
          after.getSpec() == null ? null : after.getSpec().getTaints());
      return isIn && (keyChanged || taintsChanged) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
    }
    return (after != null ? isIn : wasIn) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
  }

  private static boolean hasKeys(io.fabric8.kubernetes.api.model.Node n, List<Constraint> cs) {
    return cs.stream().allMatch(c -> nodeLabels(n).containsKey(c.topologyKey()));
  }

  private static Map<String, String> nodeLabels(io.fabric8.kubernetes.api.model.Node n) {
    Map<String, String> l = n.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Matching pod counts per constraint, by domain value. */
  record Counts(List<Constraint> constraints, List<Map<String, Integer>> perDomain) {
  }

  /** kube's PreFilter counts: over nodes carrying every key, each constraint where its inclusion policies admit. */
  private static Counts count(Pod pod, List<Constraint> cs, List<NodeInfo> nodes) {
    List<Map<String, Integer>> per = new java.util.ArrayList<>();
    cs.forEach(c -> per.add(new HashMap<>()));
    for (NodeInfo n : nodes) {
      if (!hasAllKeys(cs, n)) {
        continue;
      }
      for (int i = 0; i < cs.size(); i++) {
        Constraint c = cs.get(i);
        if (included(pod, c, n)) {
          per.get(i).merge(n.labels().get(c.topologyKey()), matching(pod, c, n), Integer::sum);
        }
      }
    }
    return new Counts(cs, per);
  }

  private static boolean hasAllKeys(List<Constraint> cs, NodeInfo n) {
    return cs.stream().allMatch(c -> n.labels().containsKey(c.topologyKey()));
  }

  /** kube's {@code matchNodeInclusionPolicies}: the pod's required node affinity, and its taints when honoured. */
  private static boolean included(Pod pod, Constraint c, NodeInfo n) {
    return (!c.honorNodeAffinity() || NodeAffinityPlugin.matches(pod, n)) && (!c.honorTaints() || toleratesAll(pod, n));
  }

  /** kube's {@code countPodsMatchSelector}: the node's pods of the pod's namespace, not terminating, selected. */
  private static int matching(Pod pod, Constraint c, NodeInfo n) {
    int matching = 0;
    for (PodInfo p : n.pods()) {
      if (p.pod().getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
          && p.pod().getMetadata().getDeletionTimestamp() == null && c.counts(p.pod())) {
        matching++;
      }
    }
    return matching;
  }

  private static boolean toleratesAll(Pod pod, NodeInfo n) {
    List<Taint> taints = n.node().getSpec() == null || n.node().getSpec().getTaints() == null ? List.of()
        : n.node().getSpec().getTaints();
    return taints.stream().filter(t -> !"PreferNoSchedule".equals(t.getEffect()))
        .allMatch(t -> Tolerations.tolerated(Tolerations.of(pod), t));
  }

  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    List<Constraint> cs = constraints(pod, true);
    if (cs.isEmpty()) {
      return Status.skip();
    }
    state.write(PRE_FILTER, count(pod, cs, nodes));
    return Status.success();
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    Counts s = state.read(PRE_FILTER);
    if (s == null) {
      return Status.success();
    }
    for (int i = 0; i < s.constraints().size(); i++) {
      Constraint c = s.constraints().get(i);
      String v = node.labels().get(c.topologyKey());
      if (v == null) {
        return Status.unresolvable(ERR_MISSING_LABEL);
      }
      Map<String, Integer> domains = s.perDomain().get(i);
      int min = domains.size() < c.minDomains() ? 0
          : domains.values().stream().mapToInt(Integer::intValue).min().orElse(0);
      int self = c.matches(pod) ? 1 : 0;
      if (domains.getOrDefault(v, 0) + self - min > c.maxSkew()) {
        return Status.unschedulable(ERR_CONSTRAINTS);
      }
    }
    return Status.success();
  }

  /**
   * kube's scoring state: the soft constraints, the feasible nodes left out (missing a key, when all keys are
   * required), matching pods per domain of the feasible nodes (hostname counted at Score), and each constraint's
   * weight, log(domains + 2).
   */
  record ScoreState(List<Constraint> constraints, java.util.Set<String> ignored, List<Map<String, Integer>> perDomain,
                    double[] weights) {
  }

  /**
   * As kube: a pod's own constraints, or List defaults, need every topology key on a node; the system defaults do
   * not, so nodes without a zone label are still spread by hostname.
   */
  @Override
  public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes) {
    List<NodeInfo> all = handle == null ? feasibleNodes : handle.nodes();
    if (all.isEmpty()) {
      return Status.skip();
    }
    List<Constraint> cs = constraints(pod, false);
    if (cs.isEmpty()) {
      return Status.skip();
    }
    boolean requireAll = hasOwnConstraints(pod) || !systemDefaulted;
    java.util.Set<String> ignored = new java.util.HashSet<>();
    List<Map<String, Integer>> per = new java.util.ArrayList<>();
    cs.forEach(c -> per.add(new HashMap<>()));
    for (NodeInfo n : feasibleNodes) {
      if (requireAll && !hasAllKeys(cs, n)) {
        ignored.add(n.name());
        continue;
      }
      for (int i = 0; i < cs.size(); i++) {
        if (!cs.get(i).topologyKey().equals(Constraint.HOSTNAME)) {
          per.get(i).putIfAbsent(n.labels().getOrDefault(cs.get(i).topologyKey(), ""), 0);
        }
      }
    }
    double[] weights = new double[cs.size()];
    for (int i = 0; i < cs.size(); i++) {
      int size = cs.get(i).topologyKey().equals(Constraint.HOSTNAME) ? feasibleNodes.size() - ignored.size()
          : per.get(i).size();
      weights[i] = Math.log(size + 2);
    }
    for (NodeInfo n : all) {
      if (requireAll && !hasAllKeys(cs, n)) {
        continue;
      }
      for (int i = 0; i < cs.size(); i++) {
        Constraint c = cs.get(i);
        String v = n.labels().getOrDefault(c.topologyKey(), "");
        if (included(pod, c, n) && per.get(i).containsKey(v)) {
          per.get(i).merge(v, matching(pod, c, n), Integer::sum);
        }
      }
    }
    state.write(PRE_SCORE, new ScoreState(cs, ignored, per, weights));
    return Status.success();
  }

  private static boolean hasOwnConstraints(Pod pod) {
    return pod.getSpec() != null && pod.getSpec().getTopologySpreadConstraints() != null
        && !pod.getSpec().getTopologySpreadConstraints().isEmpty();
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo node) {
    ScoreState s = state.read(PRE_SCORE);
    if (s == null || s.ignored().contains(node.name())) {
      return 0;
    }
    double score = 0;
    for (int i = 0; i < s.constraints().size(); i++) {
      Constraint c = s.constraints().get(i);
      String v = node.labels().get(c.topologyKey());
      if (v == null) {
        continue;
      }
      int count = c.topologyKey().equals(Constraint.HOSTNAME) ? matching(pod, c, node)
          : s.perDomain().get(i).getOrDefault(v, 0);
      score += count * s.weights()[i] + (c.maxSkew() - 1);
    }
    return Math.round(score);
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  /** kube's normalizing: fewer matching pods score higher; ignored nodes score 0. */
  @Override
  public Status normalizeScore(CycleState state, Pod pod, List<NodeScore> scores) {
    ScoreState st = state.read(PRE_SCORE);
    if (st == null) {
      return Status.success();
    }
    long min = Long.MAX_VALUE;
    long max = 0;
    for (NodeScore s : scores) {
      if (!st.ignored().contains(s.name())) {
        min = Math.min(min, s.score());
        max = Math.max(max, s.score());
      }
    }
    for (NodeScore s : scores) {
      if (st.ignored().contains(s.name())) {
        s.score(0);
      } else {
        s.score(max == 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE * (max + min - s.score()) / max);
      }
    }
    return Status.success();
  }
}
