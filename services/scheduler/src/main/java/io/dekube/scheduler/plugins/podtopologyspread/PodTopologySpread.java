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
import io.dekube.scheduler.plugins.helper.ScoreRange;
import io.dekube.scheduler.plugins.nodeaffinity.NodeAffinityPlugin;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PodTopologySpread: {@code DoNotSchedule} constraints filter nodes where placing the pod would
 * make the count of matching pods in its domain exceed the smallest domain's by more than
 * {@code maxSkew}; {@code ScheduleAnyway} constraints (and kube's system defaults for pods a
 * controller owns) score nodes with fewer matching pods in their domains higher. Domains are
 * counted over nodes that pass the pod's node affinity and carry every constraint's key.
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin,
    ScoreExtensions, EnqueueExtensions {

  public static final String NAME = "PodTopologySpread";
  public static final String ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
  public static final String ERR_MISSING_LABEL = ERR_CONSTRAINTS + " (missing required label)";
  private static final String PRE_FILTER = "PreFilter" + NAME;
  private static final String PRE_SCORE = "PreScore" + NAME;

  private final Handle handle;
  private final boolean systemDefaults;

  public PodTopologySpread(Map<String, Object> args, Handle handle) {
    this.handle = handle;
    this.systemDefaults = !"List".equals(Args.string(args, "defaultingType", "System"));
  }

  /** Bound pods added, deleted or relabelled; nodes added, deleted, relabelled or tainted (no hints: any may help). */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(
        ClusterEventWithHint.of(new ClusterEvent(ClusterEvent.Resource.POD,
            ClusterEvent.ADD | ClusterEvent.DELETE | ClusterEvent.UPDATE_POD_LABEL)),
        ClusterEventWithHint.of(new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.DELETE
            | ClusterEvent.UPDATE_NODE_LABEL | ClusterEvent.UPDATE_NODE_TAINT)));
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Matching pod counts per constraint, by domain value. */
  record Counts(List<Constraint> constraints, List<Map<String, Integer>> perDomain) {
  }

  private static Counts count(Pod pod, List<Constraint> cs, List<NodeInfo> nodes) {
    List<Map<String, Integer>> per = new java.util.ArrayList<>();
    cs.forEach(c -> per.add(new HashMap<>()));
    for (NodeInfo n : nodes) {
      if (!eligible(pod, cs, n)) {
        continue;
      }
      for (int i = 0; i < cs.size(); i++) {
        Constraint c = cs.get(i);
        String v = n.labels().get(c.topologyKey());
        int matching = 0;
        for (PodInfo p : n.pods()) {
          if (p.pod().getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
              && p.pod().getMetadata().getDeletionTimestamp() == null && c.matches(p.pod())) {
            matching++;
          }
        }
        per.get(i).merge(v, matching, Integer::sum);
      }
    }
    return new Counts(cs, per);
  }

  private static boolean eligible(Pod pod, List<Constraint> cs, NodeInfo n) {
    for (Constraint c : cs) {
      if (!n.labels().containsKey(c.topologyKey())) {
        return false;
      }
      if (c.honorNodeAffinity() && !NodeAffinityPlugin.matches(pod, n)) {
        return false;
      }
      if (c.honorTaints() && !toleratesAll(pod, n)) {
        return false;
      }
    }
    return true;
  }

  private static boolean toleratesAll(Pod pod, NodeInfo n) {
    List<Taint> taints = n.node().getSpec() == null || n.node().getSpec().getTaints() == null ? List.of()
        : n.node().getSpec().getTaints();
    return taints.stream().filter(t -> !"PreferNoSchedule".equals(t.getEffect()))
        .allMatch(t -> Tolerations.tolerated(Tolerations.of(pod), t));
  }

  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    List<Constraint> cs = Constraint.of(pod, true, systemDefaults);
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

  @Override
  public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes) {
    List<Constraint> cs = Constraint.of(pod, false, systemDefaults);
    if (cs.isEmpty()) {
      return Status.skip();
    }
    List<Constraint> present = cs.stream()
        .filter(c -> feasibleNodes.stream().anyMatch(n -> n.labels().containsKey(c.topologyKey()))).toList();
    if (present.isEmpty()) {
      return Status.skip();
    }
    state.write(PRE_SCORE, count(pod, present, handle == null ? feasibleNodes : handle.nodes()));
    return Status.success();
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo node) {
    Counts s = state.read(PRE_SCORE);
    if (s == null) {
      return 0;
    }
    double score = 0;
    for (int i = 0; i < s.constraints().size(); i++) {
      Constraint c = s.constraints().get(i);
      String v = node.labels().get(c.topologyKey());
      if (v == null) {
        continue;
      }
      double weight = Math.log(s.perDomain().get(i).size() + 2);
      score += s.perDomain().get(i).getOrDefault(v, 0) * weight + (c.maxSkew() - 1);
    }
    return Math.round(score);
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, List<NodeScore> scores) {
    if (state.read(PRE_SCORE) == null) {
      return Status.success();
    }
    ScoreRange range = ScoreRange.of(scores);
    long min = range.min();
    long max = range.max();
    for (NodeScore s : scores) {
      s.score(max == 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE * (max + min - s.score()) / max);
    }
    return Status.success();
  }
}
