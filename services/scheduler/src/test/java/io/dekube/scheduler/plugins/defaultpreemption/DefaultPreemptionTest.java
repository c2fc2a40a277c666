package io.dekube.scheduler.plugins.defaultpreemption;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PostFilterResult;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.testing.NoHandle;
import io.dekube.scheduler.plugins.noderesources.NodeResourcesFit;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DefaultPreemption with PodDisruptionBudgets, as kube's defaultpreemption tests check it. */
class DefaultPreemptionTest {

  /** A handle over fixed nodes and budgets that runs NodeResourcesFit and records the writes. */
  static class FakeHandle extends NoHandle {
    final List<NodeInfo> nodes;
    final List<PodDisruptionBudget> budgets;
    final NodeResourcesFit fit = new NodeResourcesFit(Map.of());
    final List<String> deleted = new ArrayList<>();
    final List<String> nominations = new ArrayList<>();
    final Map<String, List<Pod>> nominatedPods = new java.util.HashMap<>();
    String nominated;

    FakeHandle(List<NodeInfo> nodes, List<PodDisruptionBudget> budgets) {
      this.nodes = nodes;
      this.budgets = budgets;
    }

    @Override
    public List<NodeInfo> nodes() {
      return nodes;
    }

    @Override
    public List<PodDisruptionBudget> podDisruptionBudgets() {
      return budgets;
    }

    @Override
    public Status runPreFilters(CycleState state, Pod pod, List<NodeInfo> nodes) {
      return fit.preFilter(state, pod, nodes);
    }

    @Override
    public Status runFilters(CycleState state, Pod pod, NodeInfo node) {
      return fit.filter(state, pod, node);
    }

    @Override
    public List<Pod> nominatedPods(String nodeName) {
      return nominatedPods.getOrDefault(nodeName, List.of());
    }

    @Override
    public CompletionStage<Void> deletePod(Pod victim, String reason) {
      deleted.add(victim.getMetadata().getName());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> nominate(Pod pod, String nodeName) {
      nominations.add(pod.getMetadata().getName() + "=" + nodeName);
      nominated = nodeName;
      return CompletableFuture.completedFuture(null);
    }
  }

  static PodDisruptionBudget pdb(String app, int allowed, String... disrupted) {
    Map<String, String> d = new java.util.HashMap<>();
    for (String p : disrupted) {
      d.put(p, "2026-01-01T00:00:00Z");
    }
    return new PodDisruptionBudgetBuilder().withNewMetadata().withName("pdb-" + app).withNamespace("default")
        .endMetadata().withNewSpec().withSelector(app == null ? new LabelSelectorBuilder().build()
            : new LabelSelectorBuilder().withMatchLabels(Map.of("app", app)).build()).endSpec()
        .withNewStatus().withDisruptionsAllowed(allowed).withDisruptedPods(d).endStatus().build();
  }

  static Pod victim(String name, String app, int priority, String cpu, String node) {
    return pod(name).label("app", app).priority(priority).req("cpu", cpu).node(node).obj();
  }

  /** Two nodes: a's victim has the lower priority (kube would pick a) but is guarded by app=guarded. */
  static List<NodeInfo> twoNodes() {
    return List.of(node("a").capacity("cpu", "4").info(victim("a1", "guarded", 1, "3", "a")),
        node("b").capacity("cpu", "4").info(victim("b1", "free", 5, "3", "b")));
  }

  /** One node with a guarded and a free victim, either of which makes room. */
  static List<NodeInfo> oneNode() {
    return List.of(node("a").capacity("cpu", "4").info(victim("g1", "guarded", 1, "2", "a"),
        victim("f1", "free", 2, "2", "a")));
  }

  /** (case, nodes, budgets, preemptor cpu, expected "node: victims"). */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no budgets: the lowest victim's node", twoNodes(), List.of(), "3", "a: [a1]"),
        Arguments.of("a budget that allows it", twoNodes(), List.of(pdb("guarded", 1)), "3", "a: [a1]"),
        Arguments.of("a budget at zero moves preemption to the other node", twoNodes(), List.of(pdb("guarded", 0)),
            "3", "b: [b1]"),
        Arguments.of("a pod the apiserver already counted does not violate", twoNodes(),
            List.of(pdb("guarded", 0, "a1")), "3", "a: [a1]"),
        Arguments.of("an empty selector matches nothing", twoNodes(), List.of(pdb(null, 0)), "3", "a: [a1]"),
        Arguments.of("both violate: the usual order decides", twoNodes(), List.of(pdb("guarded", 0), pdb("free", 0)),
            "3", "a: [a1]"),
        Arguments.of("no budgets: the lower pod goes", oneNode(), List.of(), "2", "a: [g1]"),
        Arguments.of("the guarded pod is reprieved first", oneNode(), List.of(pdb("guarded", 0)), "2", "a: [f1]"),
        Arguments.of("a guarded pod that must go still goes", oneNode(), List.of(pdb("guarded", 0)), "4",
            "a: [g1, f1]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void preemptionSparesBudgetedPods(String name, List<NodeInfo> nodes, List<PodDisruptionBudget> budgets,
                                    String cpu, String want) {
    FakeHandle h = new FakeHandle(nodes, budgets);
    Pod preemptor = pod("high").priority(100).req("cpu", cpu).obj();
    Map<String, Status> statuses = new java.util.HashMap<>();
    nodes.forEach(n -> statuses.put(n.name(), Status.unschedulable("Insufficient cpu")));
    PostFilterResult r = new DefaultPreemption(Map.of(), h).postFilter(new CycleState(), preemptor, statuses)
        .toCompletableFuture().join();
    assertEquals(want, r.nominatedNodeName() + ": " + h.deleted.stream().sorted((x, y) -> order(want, x, y)).toList());
  }

  private static int order(String want, String x, String y) {
    return Integer.compare(want.indexOf(x), want.indexOf(y));
  }

  private static Map<String, Status> insufficient(List<NodeInfo> nodes) {
    Map<String, Status> statuses = new java.util.HashMap<>();
    nodes.forEach(n -> statuses.put(n.name(), Status.unschedulable("Insufficient cpu")));
    return statuses;
  }

  @org.junit.jupiter.api.Test
  void aPodWaitsForItsVictimStillTerminatingOnItsNominatedNode() {
    Pod terminating = victim("a1", "free", 1, "3", "a");
    terminating.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    terminating.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().addNewCondition()
        .withType("DisruptionTarget").withStatus("True").withReason("PreemptionByScheduler").endCondition().build());
    List<NodeInfo> nodes = List.of(node("a").capacity("cpu", "4").info(terminating),
        node("b").capacity("cpu", "4").info(victim("b1", "free", 5, "3", "b")));
    FakeHandle h = new FakeHandle(nodes, List.of());
    Pod preemptor = pod("high").priority(100).req("cpu", "3").nominated("a").obj();
    PostFilterResult r = new DefaultPreemption(Map.of(), h).postFilter(new CycleState(), preemptor, insufficient(nodes))
        .toCompletableFuture().join();
    assertEquals(Status.unschedulable("not eligible due to a terminating pod on the nominated node."), r.status());
    assertEquals(List.of(), h.deleted);
    // its filters now call the node unresolvable: it may preempt elsewhere
    Map<String, Status> statuses = insufficient(nodes);
    statuses.put("a", Status.unresolvable("node(s) didn't match Pod's node affinity/selector"));
    r = new DefaultPreemption(Map.of(), h).postFilter(new CycleState(), preemptor, statuses).toCompletableFuture().join();
    assertEquals("b", r.nominatedNodeName());
  }

  @org.junit.jupiter.api.Test
  void lowerPodsNominatedToTheChosenNodeLoseTheirNomination() {
    FakeHandle h = new FakeHandle(twoNodes(), List.of());
    h.nominatedPods.put("a", List.of(pod("lower").priority(50).nominated("a").obj(),
        pod("higher").priority(200).nominated("a").obj()));
    Pod preemptor = pod("high").priority(100).req("cpu", "3").obj();
    new DefaultPreemption(Map.of(), h).postFilter(new CycleState(), preemptor, insufficient(twoNodes())).toCompletableFuture()
        .join();
    assertEquals(List.of("lower=null", "high=a"), h.nominations);
  }

  @org.junit.jupiter.api.Test
  void aPodThatCanPreemptNowhereLosesItsNomination() {
    List<NodeInfo> nodes = List.of(node("a").capacity("cpu", "4").info(victim("a1", "free", 500, "3", "a")));
    FakeHandle h = new FakeHandle(nodes, List.of());
    Pod preemptor = pod("high").priority(100).req("cpu", "3").nominated("a").obj();
    PostFilterResult r = new DefaultPreemption(Map.of(), h).postFilter(new CycleState(), preemptor, insufficient(nodes))
        .toCompletableFuture().join();
    assertEquals(Status.unschedulable("0/1 nodes are available: 1 No preemption victims found for incoming pod."),
        r.status());
    assertEquals(List.of("high=null"), h.nominations);
  }

  @org.junit.jupiter.api.Test
  void aVictimAlreadyBeingDeletedIsNotDeletedAgainNorToldOfIt() {
    Pod going = victim("a1", "free", 1, "2", "a");
    going.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z"); // deleted by someone else: still on the node
    List<NodeInfo> nodes = List.of(node("a").capacity("cpu", "4").info(going, victim("a2", "free", 2, "2", "a")));
    List<String> events = new ArrayList<>();
    FakeHandle h = new FakeHandle(nodes, List.of()) {
      @Override
      public void event(Pod pod, Pod related, String type, String reason, String message) {
        events.add(pod.getMetadata().getName() + " " + reason);
      }
    };
    Pod preemptor = pod("high").priority(100).req("cpu", "4").obj();
    PostFilterResult r = new DefaultPreemption(Map.of(), h).postFilter(new CycleState(), preemptor,
        insufficient(nodes)).toCompletableFuture().join();
    assertEquals("a", r.nominatedNodeName());
    assertEquals(List.of("a2"), h.deleted);
    assertEquals(List.of("a2 Preempted"), events);
  }
}
