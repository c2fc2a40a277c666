package io.dekube.scheduler.plugins.defaultpreemption;

import static io.dekube.scheduler.plugins.defaultpreemption.DefaultPreemptionTest.pdb;
import static io.dekube.scheduler.plugins.defaultpreemption.DefaultPreemptionTest.victim;
import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PostFilterResult;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.defaultpreemption.DefaultPreemptionTest.FakeHandle;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DefaultPreemption's candidate sampling and choice as kube 1.32's {@code DryRunPreemption}, {@code
 * calculateNumCandidates} and {@code pickOneNodeForPreemption}, and {@code DefaultPreemptionArgs}' validation.
 */
class CandidateSamplingTest {

  /** Ten nodes n0..n9, each full with one victim; the lower the index the higher the victim's priority. */
  static List<NodeInfo> tenNodes() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      nodes.add(node("n" + i).capacity("cpu", "4").info(victim("v" + i, "free", 10 - i, "3", "n" + i)));
    }
    return nodes;
  }

  static Map<String, Status> insufficient(List<NodeInfo> nodes) {
    Map<String, Status> statuses = new HashMap<>();
    nodes.forEach(n -> statuses.put(n.name(), Status.unschedulable("Insufficient cpu")));
    return statuses;
  }

  static String preempt(PreemptionArgs args, int offset, List<NodeInfo> nodes, List<PodDisruptionBudget> budgets) {
    FakeHandle h = new FakeHandle(nodes, budgets);
    Pod preemptor = pod("high").priority(100).req("cpu", "3").obj();
    PostFilterResult r = new DefaultPreemption(args, h, n -> offset).postFilter(new CycleState(), preemptor,
        insufficient(nodes)).toCompletableFuture().join();
    return r.nominatedNodeName();
  }

  @ParameterizedTest(name = "{0}% at least {1} from offset {2}: {3}")
  @CsvSource({
      // one candidate: the node at the offset, though n9's victim is the lowest
      "0, 1, 3, n3",
      // every node: the lowest victim wins wherever the dry run starts
      "100, 0, 3, n9",
      "10, 100, 0, n9",
      // 10 % of 10 is 1, at least 2: the offset's node and the next
      "10, 2, 2, n3",
      "10, 2, 8, n9",
      // the dry run wraps around the potential nodes
      "0, 2, 9, n9",
      // 30 % of 10 is 3
      "30, 0, 5, n7"})
  void theDryRunStopsOnceItHasEnoughCandidates(int pct, int abs, int offset, String want) {
    assertEquals(want, preempt(new PreemptionArgs(pct, abs), offset, tenNodes(), List.of()));
  }

  @Test
  void candidatesThatViolateABudgetDoNotEndTheDryRun() {
    List<NodeInfo> nodes = List.of(node("a").capacity("cpu", "4").info(victim("a1", "guarded", 1, "3", "a")),
        node("b").capacity("cpu", "4").info(victim("b1", "free", 5, "3", "b")),
        node("c").capacity("cpu", "4").info(victim("c1", "free", 2, "3", "c")));
    // one candidate wanted: a violates, so b is tried too, and wins; c is never tried
    assertEquals("b", preempt(new PreemptionArgs(0, 1), 0, nodes, List.of(pdb("guarded", 0))));
    // without the budget a is enough
    assertEquals("a", preempt(new PreemptionArgs(0, 1), 0, nodes, List.of()));
  }

  @Test
  void nodesTurnedDownUnresolvablyAreNotPotential() {
    List<NodeInfo> nodes = tenNodes();
    Map<String, Status> statuses = insufficient(nodes);
    for (int i = 0; i < 10; i++) {
      if (i != 4) {
        statuses.put("n" + i, Status.unresolvable("node(s) didn't match Pod's node affinity/selector"));
      }
    }
    FakeHandle h = new FakeHandle(nodes, List.of());
    Pod preemptor = pod("high").priority(100).req("cpu", "3").obj();
    PostFilterResult r = new DefaultPreemption(new PreemptionArgs(0, 1), h, n -> {
      assertEquals(1, n); // the offset is drawn among the potential nodes only
      return 0;
    }).postFilter(new CycleState(), preemptor, statuses).toCompletableFuture().join();
    assertEquals("n4", r.nominatedNodeName());
  }

  @Test
  void noCandidateIsWordedAsKubesFitError() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      nodes.add(node("n" + i).capacity("cpu", "4").info(victim("v" + i, "free", 500, "3", "n" + i)));
    }
    Map<String, Status> statuses = insufficient(nodes);
    statuses.put("n0", Status.unresolvable("node(s) had untolerated taint {a: b}"));
    statuses.put("n1", Status.unresolvable("node(s) had untolerated taint {a: b}"));
    FakeHandle h = new FakeHandle(nodes, List.of());
    Pod preemptor = pod("high").priority(100).req("cpu", "3").obj();
    PostFilterResult r = new DefaultPreemption(PreemptionArgs.DEFAULTS, h, n -> 0).postFilter(new CycleState(),
        preemptor, statuses).toCompletableFuture().join();
    // sorted as kube's strings are: "10 ..." before "2 ..."
    assertEquals(Status.unschedulable("0/12 nodes are available: 10 No preemption victims found for incoming pod, "
        + "2 Preemption is not helpful for scheduling."), r.status());
  }

  static Pod started(String name, int priority, String startTime) {
    Pod p = pod(name).priority(priority).obj();
    p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withStartTime(startTime).build());
    return p;
  }

  @Test
  void pickOneNodeForPreemptionCriteriaInOrder() {
    Victims fewerViolations = new Victims("a", List.of(started("a1", 9, null)), 0);
    Victims moreViolations = new Victims("b", List.of(started("b1", 1, null)), 1);
    assertEquals("a", Candidates.pick(List.of(moreViolations, fewerViolations)).node());

    Victims lowHighest = new Victims("a", List.of(started("a1", 3, null), started("a2", 3, null)), 0);
    Victims highHighest = new Victims("b", List.of(started("b1", 4, null)), 0);
    assertEquals("a", Candidates.pick(List.of(highHighest, lowHighest)).node());

    Victims smallSum = new Victims("a", List.of(started("a1", 5, null), started("a2", 1, null)), 0);
    Victims bigSum = new Victims("b", List.of(started("b1", 5, null), started("b2", 2, null)), 0);
    assertEquals("a", Candidates.pick(List.of(bigSum, smallSum)).node());

    // negative priorities count from MinInt32: two pods of -5 weigh more than one
    Victims oneNegative = new Victims("a", List.of(started("a1", -5, null)), 0);
    Victims twoNegative = new Victims("b", List.of(started("b1", -5, null), started("b2", -5, null)), 0);
    assertEquals("a", Candidates.pick(List.of(twoNegative, oneNegative)).node());

    // equal highest and sums (a victim of MinInt32 adds 0), fewer victims
    Victims few = new Victims("a", List.of(started("a1", 5, null)), 0);
    Victims many = new Victims("b", List.of(started("b1", 5, null), started("b2", Integer.MIN_VALUE, null)), 0);
    assertEquals(few.prioritySum(), many.prioritySum());
    assertEquals("a", Candidates.pick(List.of(many, few)).node());

    // all else equal: the node whose highest-priority victims started latest loses the least work
    Victims early = new Victims("a", List.of(started("a1", 5, "2026-01-01T00:00:00Z"),
        started("a2", 1, "2026-06-01T00:00:00Z")), 0);
    Victims late = new Victims("b", List.of(started("b1", 5, "2026-03-01T00:00:00Z"),
        started("b2", 1, "2025-01-01T00:00:00Z")), 0);
    assertEquals("b", Candidates.pick(List.of(early, late)).node());
    // a victim not started yet counts as starting now
    Victims notStarted = new Victims("c", List.of(started("c1", 5, null), started("c2", 1, null)), 0);
    assertEquals("c", Candidates.pick(List.of(early, late, notStarted)).node());

    // still tied: the first found
    Victims same1 = new Victims("x", List.of(started("x1", 5, "2026-03-01T00:00:00Z")), 0);
    Victims same2 = new Victims("y", List.of(started("y1", 5, "2026-03-01T00:00:00Z")), 0);
    assertEquals("x", Candidates.pick(List.of(same1, same2)).node());
    assertEquals(null, Candidates.pick(List.of()));
  }

  @ParameterizedTest(name = "{0} nodes: {1}")
  @CsvSource({"1, 1", "99, 99", "100, 100", "500, 100", "1000, 100", "1001, 100", "1010, 101", "5000, 500"})
  void numCandidatesAsKube(int nodes, int want) {
    assertEquals(want, PreemptionArgs.DEFAULTS.numCandidates(nodes));
  }

  @Test
  void argsAreDefaultedAndValidatedInKubesWords() {
    assertEquals(new PreemptionArgs(10, 100), PreemptionArgs.of(Map.of()));
    assertEquals(new PreemptionArgs(50, 0), PreemptionArgs.of(Map.of("minCandidateNodesPercentage", 50,
        "minCandidateNodesAbsolute", 0)));
    assertEquals("minCandidateNodesPercentage: Invalid value: 101: not in valid range [0, 100]",
        assertThrows(IllegalArgumentException.class,
            () -> PreemptionArgs.of(Map.of("minCandidateNodesPercentage", 101))).getMessage());
    assertEquals("minCandidateNodesAbsolute: Invalid value: -1: not in valid range [0, inf)",
        assertThrows(IllegalArgumentException.class,
            () -> PreemptionArgs.of(Map.of("minCandidateNodesAbsolute", -1))).getMessage());
    assertEquals("[minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as "
            + "minCandidateNodesAbsolute, minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same "
            + "time as minCandidateNodesPercentage]",
        assertThrows(IllegalArgumentException.class, () -> PreemptionArgs.of(Map.of("minCandidateNodesPercentage", 0,
            "minCandidateNodesAbsolute", 0))).getMessage());
  }
}
