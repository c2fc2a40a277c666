package io.dekube.scheduler.plugins;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.Resource;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.noderesources.NodeResourcesBalancedAllocation;
import io.dekube.scheduler.plugins.noderesources.NodeResourcesFit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** NodeResourcesFit and BalancedAllocation: requests incl. init containers and overhead, kube's reasons and scores. */
class NodeResourcesTest {

  static Stream<FilterCase> filters() {
    NodeInfo n4 = node("n1").capacity("cpu", "4", "memory", "4Gi").info(pod("e").req("cpu", "3", "memory", "1Gi").obj());
    return Stream.of(
        new FilterCase("fits", pod("p").req("cpu", "1").obj(), n4, Status.success()),
        new FilterCase("Insufficient cpu", pod("p").req("cpu", "2").obj(), n4, Status.unschedulable("Insufficient cpu")),
        new FilterCase("both short", pod("p").req("cpu", "2", "memory", "4Gi").obj(), n4,
            Status.unschedulable("Insufficient cpu", "Insufficient memory")),
        new FilterCase("init container max counts", pod("p").req("cpu", "500m").initReq("cpu", "2").obj(), n4,
            Status.unschedulable("Insufficient cpu")),
        new FilterCase("overhead counts", pod("p").req("cpu", "1").overhead("cpu", "100m").obj(), n4,
            Status.unschedulable("Insufficient cpu")),
        new FilterCase("extended resource", pod("p").req("nvidia.com/gpu", "1").obj(), n4,
            Status.unschedulable("Insufficient nvidia.com/gpu")),
        new FilterCase("no requests only counts pods", pod("p").req().obj(),
            node("n1").capacity("cpu", "1", "pods", "1").info(pod("e").req("cpu", "1").obj()),
            Status.unschedulable("Too many pods")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void filter(FilterCase c) {
    NodeResourcesFit fit = new NodeResourcesFit(Map.of());
    CycleState s = new CycleState();
    fit.preFilter(s, c.pod(), List.of(c.node()));
    assertEquals(c.want(), fit.filter(s, c.pod(), c.node()));
  }

  @Test
  void podRequestsTakeTheLargestInitContainerAndSidecars() {
    Resource r = Resource.podRequests(pod("p").req("cpu", "1").req("cpu", "1").initReq("cpu", "3").obj());
    assertEquals(3000, r.milliCpu());
    assertEquals(2000, Resource.podRequests(pod("p").req("cpu", "1").req("cpu", "1").initReq("cpu", "1").obj())
        .milliCpu());
    assertEquals(Resource.DEFAULT_MILLI_CPU_REQUEST, Resource.podRequestsNonZero(pod("p").req().obj()).milliCpu());
  }

  @Test
  void leastAllocatedPrefersTheEmptierNode() {
    NodeResourcesFit fit = new NodeResourcesFit(Map.of());
    NodeInfo empty = node("a").capacity("cpu", "4", "memory", "4Gi").info();
    NodeInfo half = node("b").capacity("cpu", "4", "memory", "4Gi").info(pod("e").req("cpu", "2", "memory", "2Gi").obj());
    var p = pod("p").req("cpu", "1", "memory", "1Gi").obj();
    assertEquals(75, fit.score(new CycleState(), p, empty));
    assertEquals(25, fit.score(new CycleState(), p, half));
  }

  @Test
  void mostAllocatedPrefersTheFullerNode() {
    NodeResourcesFit fit = new NodeResourcesFit(Map.of("scoringStrategy", Map.of("type", "MostAllocated")));
    NodeInfo half = node("b").capacity("cpu", "4", "memory", "4Gi").info(pod("e").req("cpu", "2", "memory", "2Gi").obj());
    assertEquals(75, fit.score(new CycleState(), pod("p").req("cpu", "1", "memory", "1Gi").obj(), half));
  }

  @Test
  void requestedToCapacityRatioFollowsTheShape() {
    NodeResourcesFit fit = new NodeResourcesFit(Map.of("scoringStrategy", Map.of("type", "RequestedToCapacityRatio",
        "resources", List.of(Map.of("name", "cpu", "weight", 1)),
        "requestedToCapacityRatio", Map.of("shape", List.of(Map.of("utilization", 0, "score", 0),
            Map.of("utilization", 100, "score", 10))))));
    NodeInfo n = node("b").capacity("cpu", "4", "memory", "4Gi").info();
    assertEquals(50, fit.score(new CycleState(), pod("p").req("cpu", "2").obj(), n));
  }

  @Test
  void badStrategyIsRefusedWithTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NodeResourcesFit(Map.of("scoringStrategy", Map.of("type", "Fullest"))));
    assertEquals(true, e.getMessage().startsWith("scoringStrategy.type: Unsupported value: \"Fullest\""));
  }

  @Test
  void balancedAllocationScoresEvenUse() {
    NodeResourcesBalancedAllocation b = new NodeResourcesBalancedAllocation(Map.of());
    NodeInfo n = node("a").capacity("cpu", "4", "memory", "4Gi").info();
    var even = pod("p").req("cpu", "2", "memory", "2Gi").obj();
    var uneven = pod("q").req("cpu", "4", "memory", "0").obj();
    CycleState s = new CycleState();
    b.preScore(s, even, List.of(n));
    assertEquals(100, b.score(s, even, n));
    CycleState s2 = new CycleState();
    b.preScore(s2, uneven, List.of(n));
    assertEquals(50, b.score(s2, uneven, n));
    assertEquals(Status.skip(), b.preScore(new CycleState(), pod("z").req().obj(), List.of(n)));
  }
}
