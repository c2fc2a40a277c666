package io.dekube.scheduler.plugins.interpodaffinity;

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
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * InterPodAffinity: required pod affinity and anti-affinity (the pod's own, and existing pods'
 * anti-affinity against it) by topology domain, and preferred terms as scores. PreFilter counts
 * matching pods per topology pair over all nodes once; Filter only looks the node's pairs up.
 * A pod whose affinity matches no pod anywhere but itself may go anywhere its topology keys exist
 * (the first pod of a group), as in kube.
 */
public final class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin,
    ScoreExtensions, EnqueueExtensions {

  public static final String NAME = "InterPodAffinity";
  public static final String ERR_AFFINITY = "node(s) didn't match pod affinity rules";
  public static final String ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
  public static final String ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
  private static final String PRE_FILTER = "PreFilter" + NAME;
  private static final String PRE_SCORE = "PreScore" + NAME;

  private final Handle handle;
  private final long hardPodAffinityWeight;
  private final boolean ignorePreferredTermsOfExistingPods;

  public InterPodAffinity(Map<String, Object> args, Handle handle) {
    this.handle = handle;
    this.hardPodAffinityWeight = Args.number(args, "hardPodAffinityWeight", 1);
    this.ignorePreferredTermsOfExistingPods = Boolean.parseBoolean(
        Args.string(args, "ignorePreferredTermsOfExistingPods", "false"));
    if (hardPodAffinityWeight < 0 || hardPodAffinityWeight > 100) {
      throw new IllegalArgumentException("hardPodAffinityWeight: Invalid value: " + hardPodAffinityWeight
          + ": not in valid range [0-100]");
    }
  }

  /** Bound pods added, deleted or relabelled, nodes added or relabelled, with kube 1.32's hints (below). */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.POD,
            ClusterEvent.ADD | ClusterEvent.DELETE | ClusterEvent.UPDATE_POD_LABEL),
            (pod, oldObj, newObj) -> afterPodChange(pod, (Pod) oldObj, (Pod) newObj)),
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.NODE,
            ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_LABEL),
            (pod, oldObj, newObj) -> afterNodeChange(pod, (io.fabric8.kubernetes.api.model.Node) oldObj,
                (io.fabric8.kubernetes.api.model.Node) newObj)));
  }

  /**
   * kube 1.32's {@code isSchedulableAfterPodChange}, for bound pods only: one added that all the pod's affinity terms
   * select, one relabelled so that they all select it or so that no anti-affinity term does any more, one deleted
   * that an anti-affinity term selects. Decision: a deleted pod with required anti-affinity of its own queues too, as
   * an existing pod's anti-affinity turns pods down as well.
   */
  private QueueingHint afterPodChange(Pod pod, Pod before, Pod after) {
    if (after != null && !bound(after) || before != null && !bound(before)) {
      return QueueingHint.QUEUE_SKIP;
    }
    Function<String, Map<String, String>> ns = nsLabels();
    List<AffinityTerm> terms = AffinityTerm.requiredAffinity(pod);
    List<AffinityTerm> anti = AffinityTerm.requiredAntiAffinity(pod);
    if (before != null && after != null) {
      return !allMatch(terms, before, ns) && allMatch(terms, after, ns)
          || anyMatch(anti, before, ns) && !anyMatch(anti, after, ns) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
    }
    if (after != null) {
      return allMatch(terms, after, ns) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
    }
    return anyMatch(anti, before, ns) || !AffinityTerm.requiredAntiAffinity(before).isEmpty() ? QueueingHint.QUEUE
        : QueueingHint.QUEUE_SKIP;
  }

  private static boolean bound(Pod p) {
    return p.getSpec() != null && p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty();
  }

  private static boolean allMatch(List<AffinityTerm> terms, Pod p, Function<String, Map<String, String>> ns) {
    return !terms.isEmpty() && terms.stream().allMatch(t -> t.matches(p, ns));
  }

  private static boolean anyMatch(List<AffinityTerm> terms, Pod p, Function<String, Map<String, String>> ns) {
    return terms.stream().anyMatch(t -> t.matches(p, ns));
  }

  /**
   * kube 1.32's {@code isSchedulableAfterNodeChange}: a node added with an affinity term's topology key, or one that
   * gains that key or changes its value; for anti-affinity any node added, or one that loses a term's key or changes
   * its value.
   */
  private static QueueingHint afterNodeChange(Pod pod, io.fabric8.kubernetes.api.model.Node before,
                                              io.fabric8.kubernetes.api.model.Node after) {
    Map<String, String> was = before == null ? null : labels(before);
    Map<String, String> is = labels(after);
    for (AffinityTerm t : AffinityTerm.requiredAffinity(pod)) {
      String key = t.topologyKey();
      if (is.containsKey(key) && (was == null || !was.containsKey(key) || !was.get(key).equals(is.get(key)))) {
        return QueueingHint.QUEUE;
      }
    }
    for (AffinityTerm t : AffinityTerm.requiredAntiAffinity(pod)) {
      String key = t.topologyKey();
      if (was == null || was.containsKey(key) && (!is.containsKey(key) || !was.get(key).equals(is.get(key)))) {
        return QueueingHint.QUEUE;
      }
    }
    return QueueingHint.QUEUE_SKIP;
  }

  private static Map<String, String> labels(io.fabric8.kubernetes.api.model.Node n) {
    Map<String, String> l = n.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  @Override
  public String name() {
    return NAME;
  }

  private Function<String, Map<String, String>> nsLabels() {
    return ns -> handle == null ? Map.of() : handle.namespaceLabels(ns);
  }

  /** What PreFilter computes: matching pod counts per topology pair. */
  record PreFilterState(List<AffinityTerm> affinity, List<AffinityTerm> antiAffinity,
                        Map<TopologyPair, Integer> existingAnti, Map<TopologyPair, Integer> affinityCounts,
                        Map<TopologyPair, Integer> antiCounts) {
  }

  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    List<AffinityTerm> affinity = AffinityTerm.requiredAffinity(pod);
    List<AffinityTerm> anti = AffinityTerm.requiredAntiAffinity(pod);
    Map<TopologyPair, Integer> existingAnti = new HashMap<>();
    Map<TopologyPair, Integer> affinityCounts = new HashMap<>();
    Map<TopologyPair, Integer> antiCounts = new HashMap<>();
    Function<String, Map<String, String>> ns = nsLabels();
    for (NodeInfo n : nodes) {
      if (affinity.isEmpty() && anti.isEmpty() && n.podsWithRequiredAntiAffinity() == 0) {
        continue;
      }
      Map<String, String> labels = n.labels();
      for (PodInfo existing : n.pods()) {
        if (n.podsWithRequiredAntiAffinity() > 0 && existing.hasRequiredAntiAffinity()) {
          for (AffinityTerm t : AffinityTerm.requiredAntiAffinity(existing.pod())) {
            if (labels.containsKey(t.topologyKey()) && t.matches(pod, ns)) {
              existingAnti.merge(new TopologyPair(t.topologyKey(), labels.get(t.topologyKey())), 1, Integer::sum);
            }
          }
        }
        if (!affinity.isEmpty() && affinity.stream().allMatch(t -> t.matches(existing.pod(), ns))) {
          for (AffinityTerm t : affinity) {
            count(affinityCounts, labels, t.topologyKey());
          }
        }
        for (AffinityTerm t : anti) {
          if (t.matches(existing.pod(), ns)) {
            count(antiCounts, labels, t.topologyKey());
          }
        }
      }
    }
    if (affinity.isEmpty() && anti.isEmpty() && existingAnti.isEmpty()) {
      return Status.skip();
    }
    state.write(PRE_FILTER, new PreFilterState(affinity, anti, existingAnti, affinityCounts, antiCounts));
    return Status.success();
  }

  private static void count(Map<TopologyPair, Integer> counts, Map<String, String> labels, String key) {
    String v = labels.get(key);
    if (v != null) {
      counts.merge(new TopologyPair(key, v), 1, Integer::sum);
    }
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    PreFilterState s = state.read(PRE_FILTER);
    if (s == null) {
      return Status.success();
    }
    Map<String, String> labels = node.labels();
    if (!satisfiesAffinity(s, pod, labels)) {
      return Status.unresolvable(ERR_AFFINITY);
    }
    for (AffinityTerm t : s.antiAffinity()) {
      String v = labels.get(t.topologyKey());
      if (v != null && s.antiCounts().getOrDefault(new TopologyPair(t.topologyKey(), v), 0) > 0) {
        return Status.unschedulable(ERR_ANTI_AFFINITY);
      }
    }
    for (Map.Entry<String, String> l : labels.entrySet()) {
      if (s.existingAnti().getOrDefault(new TopologyPair(l.getKey(), l.getValue()), 0) > 0) {
        return Status.unschedulable(ERR_EXISTING_ANTI_AFFINITY);
      }
    }
    return Status.success();
  }

  private boolean satisfiesAffinity(PreFilterState s, Pod pod, Map<String, String> labels) {
    boolean all = true;
    for (AffinityTerm t : s.affinity()) {
      String v = labels.get(t.topologyKey());
      if (v == null) {
        return false;
      }
      if (s.affinityCounts().getOrDefault(new TopologyPair(t.topologyKey(), v), 0) <= 0) {
        all = false;
      }
    }
    if (all) {
      return true;
    }
    Function<String, Map<String, String>> ns = nsLabels();
    return s.affinityCounts().isEmpty() && s.affinity().stream().allMatch(t -> t.matches(pod, ns));
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes) {
    List<AffinityTerm> prefAffinity = AffinityTerm.preferredAffinity(pod);
    List<AffinityTerm> prefAnti = AffinityTerm.preferredAntiAffinity(pod);
    boolean podHasTerms = !prefAffinity.isEmpty() || !prefAnti.isEmpty();
    Map<TopologyPair, Long> scores = new HashMap<>();
    Function<String, Map<String, String>> ns = nsLabels();
    for (NodeInfo n : handle == null ? feasibleNodes : handle.nodes()) {
      if (!podHasTerms && n.podsWithAffinity() == 0) {
        continue;
      }
      Map<String, String> labels = n.labels();
      for (PodInfo existing : n.pods()) {
        Pod e = existing.pod();
        add(scores, prefAffinity, e, labels, 1, ns);
        add(scores, prefAnti, e, labels, -1, ns);
        if (existing.hasAffinity()) {
          if (hardPodAffinityWeight > 0) {
            for (AffinityTerm t : AffinityTerm.requiredAffinity(e)) {
              if (t.matches(pod, ns)) {
                add(scores, t.topologyKey(), labels, hardPodAffinityWeight);
              }
            }
          }
          if (!ignorePreferredTermsOfExistingPods) {
            add(scores, AffinityTerm.preferredAffinity(e), pod, labels, 1, ns);
            add(scores, AffinityTerm.preferredAntiAffinity(e), pod, labels, -1, ns);
          }
        }
      }
    }
    if (scores.isEmpty()) {
      return Status.skip();
    }
    state.write(PRE_SCORE, scores);
    return Status.success();
  }

  private static void add(Map<TopologyPair, Long> scores, List<AffinityTerm> terms, Pod target,
                          Map<String, String> labels, int sign, Function<String, Map<String, String>> ns) {
    for (AffinityTerm t : terms) {
      if (t.matches(target, ns)) {
        add(scores, t.topologyKey(), labels, (long) sign * t.weight());
      }
    }
  }

  private static void add(Map<TopologyPair, Long> scores, String key, Map<String, String> labels, long w) {
    String v = labels.get(key);
    if (v != null) {
      scores.merge(new TopologyPair(key, v), w, Long::sum);
    }
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo node) {
    Map<TopologyPair, Long> scores = state.read(PRE_SCORE);
    if (scores == null) {
      return 0;
    }
    long sum = 0;
    for (Map.Entry<String, String> l : node.labels().entrySet()) {
      sum += scores.getOrDefault(new TopologyPair(l.getKey(), l.getValue()), 0L);
    }
    return sum;
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
    long diff = max - min;
    for (NodeScore s : scores) {
      s.score(diff > 0 ? MAX_NODE_SCORE * (s.score() - min) / diff : 0);
    }
    return Status.success();
  }
}
