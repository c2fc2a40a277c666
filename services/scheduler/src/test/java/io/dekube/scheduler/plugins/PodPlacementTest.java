package io.dekube.scheduler.plugins;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.NodeScore;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.PreScorePlugin;
import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.interpodaffinity.InterPodAffinity;
import io.dekube.scheduler.plugins.nodeaffinity.NodeAffinityPlugin;
import io.dekube.scheduler.plugins.podtopologyspread.PodTopologySpread;
import io.dekube.scheduler.plugins.tainttoleration.TaintToleration;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plugins that look at the other pods and nodes: InterPodAffinity, PodTopologySpread; and scoring tables. */
class PodPlacementTest {

  private static final String HOST = "kubernetes.io/hostname";

  /** Runs PreFilter over all nodes, then Filter on each: node name → status. */
  private static <P extends PreFilterPlugin & FilterPlugin> Map<String, Status> filter(P plugin, Pod pod,
                                                                                        NodeInfo... nodes) {
    CycleState s = new CycleState();
    Status pre = plugin.preFilter(s, pod, List.of(nodes));
    Map<String, Status> out = new LinkedHashMap<>();
    for (NodeInfo n : nodes) {
      out.put(n.name(), pre.isSkip() ? Status.success() : plugin.filter(s, pod, n));
    }
    return out;
  }

  /** Runs PreScore, Score and normalize: node name → final score. */
  private static Map<String, Long> score(ScorePlugin plugin, Pod pod, NodeInfo... nodes) {
    CycleState s = new CycleState();
    if (plugin instanceof PreScorePlugin pre && pre.preScore(s, pod, List.of(nodes)).isSkip()) {
      return Map.of();
    }
    List<NodeScore> scores = new ArrayList<>();
    for (NodeInfo n : nodes) {
      scores.add(new NodeScore(n.name(), plugin.score(s, pod, n)));
    }
    if (plugin.scoreExtensions() != null) {
      plugin.scoreExtensions().normalizeScore(s, pod, scores);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    scores.forEach(x -> out.put(x.name(), x.score()));
    return out;
  }

  @Test
  void antiAffinityOnHostnameKeepsReplicasApart() {
    InterPodAffinity ipa = new InterPodAffinity(Map.of(), null);
    Pod web = pod("w4").label("app", "web").podAntiAffinity("app", "web", HOST).obj();
    Map<String, Status> got = filter(ipa, web,
        node("a").info(pod("w1").label("app", "web").podAntiAffinity("app", "web", HOST).obj()),
        node("b").info(),
        node("c").info(pod("x").label("app", "db").obj()));
    assertEquals(Status.unschedulable(InterPodAffinity.ERR_ANTI_AFFINITY), got.get("a"));
    assertEquals(Status.success(), got.get("b"));
    assertEquals(Status.success(), got.get("c"));
  }

  @Test
  void existingPodsAntiAffinityRepelsTheNewPod() {
    InterPodAffinity ipa = new InterPodAffinity(Map.of(), null);
    Map<String, Status> got = filter(ipa, pod("p").label("app", "web").obj(),
        node("a").info(pod("db").label("app", "db").podAntiAffinity("app", "web", HOST).obj()), node("b").info());
    assertEquals(Status.unschedulable(InterPodAffinity.ERR_EXISTING_ANTI_AFFINITY), got.get("a"));
    assertEquals(Status.success(), got.get("b"));
  }

  @Test
  void affinityNeedsAMatchingPodInTheDomainUnlessItIsTheFirst() {
    InterPodAffinity ipa = new InterPodAffinity(Map.of(), null);
    Pod p = pod("p").label("app", "web").podAffinity("app", "cache", "zone").obj();
    Map<String, Status> got = filter(ipa, p,
        node("a").label("zone", "z1").info(pod("c").label("app", "cache").obj()),
        node("b").label("zone", "z1").info(),
        node("c").label("zone", "z2").info());
    assertEquals(Status.success(), got.get("a"));
    assertEquals(Status.success(), got.get("b"));
    assertEquals(Status.unresolvable(InterPodAffinity.ERR_AFFINITY), got.get("c"));
    Pod first = pod("f").label("app", "cache").podAffinity("app", "cache", "zone").obj();
    assertEquals(Status.success(), filter(ipa, first, node("c").label("zone", "z2").info()).get("c"));
  }

  @Test
  void preferredAffinityScoresTheDomainWithMatches() {
    InterPodAffinity ipa = new InterPodAffinity(Map.of(), null);
    Pod p = pod("p").preferPodAffinity(10, "app", "cache", HOST).obj();
    Map<String, Long> got = score(ipa, p, node("a").info(pod("c").label("app", "cache").obj()), node("b").info());
    assertEquals(Map.of("a", 100L, "b", 0L), got);
  }

  @Test
  void hardSpreadLimitsSkew() {
    PodTopologySpread pts = new PodTopologySpread(Map.of(), null);
    Pod p = pod("p").label("app", "web").spread(1, "zone", "DoNotSchedule", "app", "web").obj();
    Map<String, Status> got = filter(pts, p,
        node("a").label("zone", "z1").info(pod("w1").label("app", "web").obj()),
        node("b").label("zone", "z2").info(),
        node("c").info());
    assertEquals(Status.unschedulable(PodTopologySpread.ERR_CONSTRAINTS), got.get("a"));
    assertEquals(Status.success(), got.get("b"));
    assertEquals(Status.unresolvable(PodTopologySpread.ERR_MISSING_LABEL), got.get("c"));
  }

  @Test
  void softSpreadScoresEmptierDomainsHigher() {
    PodTopologySpread pts = new PodTopologySpread(Map.of(), null);
    Pod p = pod("p").label("app", "web").spread(1, HOST, "ScheduleAnyway", "app", "web").obj();
    Map<String, Long> got = score(pts, p,
        node("a").info(pod("w1").label("app", "web").obj(), pod("w2").label("app", "web").obj()),
        node("b").info());
    assertEquals(true, got.get("b") > got.get("a"), got.toString());
  }

  @Test
  void nodeAffinityScoresPreferredWeights() {
    Pod p = pod("p").preferNode(20, "disk", "ssd").preferNode(80, "zone", "z1").obj();
    Map<String, Long> got = score(new NodeAffinityPlugin(), p,
        node("a").label("disk", "ssd").info(), node("b").label("zone", "z1").info(), node("c").info());
    assertEquals(Map.of("a", 25L, "b", 100L, "c", 0L), got);
  }

  @Test
  void taintTolerationScoresFewerPreferNoScheduleTaintsHigher() {
    Map<String, Long> got = score(new TaintToleration(), pod("p").obj(),
        node("a").taint("x", "1", "PreferNoSchedule").taint("y", "1", "PreferNoSchedule").info(),
        node("b").taint("x", "1", "PreferNoSchedule").info(), node("c").info());
    assertEquals(Map.of("a", 0L, "b", 50L, "c", 100L), got);
  }
}
