package io.dekube.scheduler.framework;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.Registry;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default profile's filters with nominated pods, as kube's {@code RunFilterPluginsWithNominatedPods}: a pod
 * nominated to a node of equal or higher priority counts there, a lower one does not, nor the pod itself; and the
 * nominated node is tried first ({@code evaluateNominatedNode}).
 */
class NominatedPodsTest {

  private final Profile profile = SchedulerConfiguration.load(null, Registry.inTree(),
      name -> new SchedulerConfigurationTest.NoHandle()).get(0);
  private final Algorithm algorithm = new Algorithm(Executors.newSingleThreadExecutor(), 1);

  /** Node a (4 cpu) runs 1 cpu; "high" (priority 100, 2 cpu) is nominated to a. */
  static List<NodeInfo> nodes() {
    return List.of(node("a").capacity("cpu", "4").info(pod("run").req("cpu", "1").node("a").obj()));
  }

  static final Pod HIGH = pod("high").priority(100).req("cpu", "2").nominated("a").obj();

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a lower pod does not take the room freed for the nominated one", 0, "2", "uid-low", null),
        Arguments.of("an equal pod yields too", 100, "2", "uid-low", null),
        Arguments.of("a higher pod does not yield", 200, "2", "uid-low", "a"),
        Arguments.of("a lower pod fits beside it", 0, "1", "uid-low", "a"),
        Arguments.of("the nominated pod does not yield to itself", 100, "2", "uid-high", "a"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void nominatedPodsCountOnTheirNode(String name, int priority, String cpu, String uid, String want) {
    Pod p = pod("low").priority(priority).req("cpu", cpu).obj();
    p.getMetadata().setUid(uid);
    CycleResult r = algorithm.schedule(profile, p, nodes(), new Nominated(Map.of("a", List.of(HIGH))));
    assertEquals(want, r.node(), r.rejected().toString());
    if (want == null) {
      assertEquals(Status.unschedulable("Insufficient cpu"), r.rejected().get("a").withPlugin(null));
    }
  }

  @Test
  void withoutNominationsTheLowerPodFits() {
    assertEquals("a", algorithm.schedule(profile, pod("low").req("cpu", "2").obj(), nodes()).node());
  }

  @Test
  void podAffinityMustHoldWithoutTheNominatedPodsToo() {
    // the second pass: the nominated pod would satisfy the affinity, but it is not running yet
    Pod cache = pod("cache").label("app", "cache").priority(100).nominated("a").obj();
    Pod web = pod("web").podAffinity("app", "cache", "kubernetes.io/hostname").obj();
    List<NodeInfo> ns = List.of(node("a").info(), node("b").info(pod("c2").label("app", "cache").node("b").obj()));
    CycleState s = new CycleState();
    s.write(Profile.NOMINATED, new Nominated(Map.of("a", List.of(cache))));
    assertEquals(Status.success(), profile.runPreFilters(s, web, ns));
    assertEquals(false, profile.runFilters(s, web, ns.get(0)).isSuccess());
    assertEquals(Status.success(), profile.runFilters(s, web, ns.get(1)));
  }

  @Test
  void theNominatedNodeIsTriedFirst() {
    // b is busier, so scoring alone would pick a; the pod nominated to b goes there
    Pod p = pod("p").req("cpu", "1").nominated("b").obj();
    for (int i = 0; i < 5; i++) {
      List<NodeInfo> ns = List.of(node("a").capacity("cpu", "4").info(),
          node("b").capacity("cpu", "4").info(pod("busy").req("cpu", "2").node("b").obj()));
      assertEquals("b", algorithm.schedule(profile, p, ns).node());
    }
  }
}
