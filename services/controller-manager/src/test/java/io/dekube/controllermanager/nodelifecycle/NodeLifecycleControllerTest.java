package io.dekube.controllermanager.nodelifecycle;

import static io.dekube.controllermanager.testing.Fake.done;
import static io.dekube.controllermanager.testing.Nodes.lease;
import static io.dekube.controllermanager.testing.Nodes.node;
import static io.dekube.controllermanager.testing.Objects.pod;
import static io.dekube.controllermanager.testing.Objects.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.Taint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeLifecycleControllerTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(40);

  private final Fake fake = new Fake();
  private final ResourceType nodeType = fake.store.type("nodes");
  private final ResourceType leaseType = fake.store.type("leases.coordination.k8s.io");
  private final ResourceType podType = fake.store.type("pods");

  /** A controller started at T0 (so it judges nodes from T0 on), synced at {@code now}. */
  private NodeLifecycleController controllerAt(Instant now) {
    fake.clock.set(T0);
    NodeLifecycleController c = new NodeLifecycleController(fake.ctx, GRACE, NodeLifecycleOptions.DEFAULTS);
    fake.clock.set(now);
    return c;
  }

  private ObjectNode stored(String name) {
    return fake.store.object(nodeType, "", name);
  }

  private static String condition(ObjectNode node, String type, String field) {
    for (JsonNode c : node.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path(field).asText();
      }
    }
    return null;
  }

  private static List<String> taints(ObjectNode node) {
    List<String> out = new ArrayList<>();
    node.path("spec").path("taints").forEach(t -> out.add(t.path("key").asText() + ":" + t.path("effect").asText()));
    return out;
  }

  private void runningPodOn(String name, String node) {
    fake.store.put(podType, running(pod(name, null), node, "2026-01-01T00:00:00Z"));
  }

  @Test
  void aNodeHeardOfWithinTheGracePeriodIsLeftAlone() {
    fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z").build());
    fake.store.put(leaseType, lease("n1", T0.plusSeconds(30)));
    NodeLifecycleController c = controllerAt(T0.plusSeconds(60));
    assertFalse(c.needsSync(fake.ctx.lister("nodes", io.fabric8.kubernetes.api.model.Node.class).get("", "n1")));
    done(c.sync(new ObjectKey("", "n1")));
    assertTrue(fake.writes().isEmpty(), fake.writes().toString());
  }

  @Test
  void aSilentNodeGetsUnknownConditionsTheUnreachableTaintsAndItsPodsNotReady() {
    healthy("ok", ""); // a node alone going silent is master disruption: no NoExecute taint
    fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:05Z").build());
    fake.store.put(leaseType, lease("n1", T0.plusSeconds(10)));
    runningPodOn("p1", "n1");
    runningPodOn("other", "n2");
    done(controllerAt(T0.plusSeconds(51)).sync(new ObjectKey("", "n1")));

    ObjectNode n = stored("n1");
    for (String type : NodeHealth.KUBELET_CONDITIONS) {
      assertEquals("Unknown", condition(n, type, "status"), type);
      assertEquals("NodeStatusUnknown", condition(n, type, "reason"));
      assertEquals("Kubelet stopped posting node status.", condition(n, type, "message"));
    }
    assertEquals("2026-01-01T00:00:05Z", condition(n, "Ready", "lastHeartbeatTime"));
    assertEquals("2026-01-01T00:00:51Z", condition(n, "Ready", "lastTransitionTime"));
    assertEquals(List.of("node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"),
        taints(n));
    assertEquals("2026-01-01T00:00:51Z", n.path("spec").path("taints").get(0).path("timeAdded").asText());
    assertEquals("False", condition(fake.store.object(podType, "ns", "p1"), "Ready", "status"));
    assertEquals("True", condition(fake.store.object(podType, "ns", "other"), "Ready", "status"));
    assertEquals(List.of("NodeNotReady: Node n1 status is now: NodeNotReady", "NodeNotReady: Node is not ready"),
        fake.eventReasons());
  }

  @Test
  void aSyncAfterTheNodeWasMarkedWritesNothingMore() {
    fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z").build());
    runningPodOn("p1", "n1");
    NodeLifecycleController c = controllerAt(T0.plusSeconds(41));
    done(c.sync(new ObjectKey("", "n1")));
    fake.clearWritesForDebug();
    fake.clock.set(T0.plusSeconds(90));
    done(c.sync(new ObjectKey("", "n1")));
    assertTrue(fake.writes().isEmpty(), fake.writes().toString());
    assertEquals(2, fake.eventReasons().size());
  }

  @Test
  void aNewLeaderGivesEveryNodeAWholeGracePeriod() {
    fake.store.put(nodeType, node("n1", "True", "2025-12-31T00:00:00Z", "2025-12-31T00:00:00Z").build());
    NodeLifecycleController c = controllerAt(T0.plusSeconds(39));
    done(c.sync(new ObjectKey("", "n1")));
    assertEquals("True", condition(stored("n1"), "Ready", "status"));
    fake.clock.set(T0.plusSeconds(41));
    done(c.sync(new ObjectKey("", "n1")));
    assertEquals("Unknown", condition(stored("n1"), "Ready", "status"));
  }

  @Test
  void aNodeReportingNotReadyGetsTheNotReadyTaints() {
    healthy("ok", "");
    fake.store.put(nodeType, node("n1", "False", "2026-01-01T00:00:00Z", "2026-01-01T00:00:30Z").build());
    fake.store.put(leaseType, lease("n1", T0.plusSeconds(30)));
    done(controllerAt(T0.plusSeconds(35)).sync(new ObjectKey("", "n1")));
    assertEquals("False", condition(stored("n1"), "Ready", "status"));
    assertEquals(List.of("node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/not-ready:NoSchedule"),
        taints(stored("n1")));
  }

  @Test
  void aNodeThatIsReadyAgainLosesTheControllersTaintsOnly() {
    Taint own = new Taint("NoSchedule", "dedicated", null, "db");
    fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z",
        new Taint("NoExecute", "node.kubernetes.io/unreachable", "2026-01-01T00:00:50Z", null),
        new Taint("NoSchedule", "node.kubernetes.io/unreachable", null, null), own).build());
    fake.store.put(leaseType, lease("n1", T0.plusSeconds(60)));
    NodeLifecycleController c = controllerAt(T0.plusSeconds(61));
    assertTrue(c.needsSync(fake.ctx.lister("nodes", io.fabric8.kubernetes.api.model.Node.class).get("", "n1")));
    done(c.sync(new ObjectKey("", "n1")));
    assertEquals(List.of("dedicated:NoSchedule"), taints(stored("n1")));
    assertTrue(fake.eventReasons().isEmpty());
  }

  @Test
  void aNodeThatNeverPostedStatusGetsNeverUpdatedConditionsAfterTheStartupGracePeriod() {
    ObjectNode bare = fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:00Z", "x").build());
    bare.remove("status");
    fake.store.put(nodeType, bare);
    NodeLifecycleController c = controllerAt(T0.plusSeconds(59));
    done(c.sync(new ObjectKey("", "n1")));
    assertTrue(fake.writes().isEmpty(), "--node-startup-grace-period 1m0s, not the 40 s of a node that posted");
    fake.clock.set(T0.plusSeconds(61));
    done(c.sync(new ObjectKey("", "n1")));
    assertEquals("Unknown", condition(stored("n1"), "Ready", "status"));
    assertEquals("NodeStatusNeverUpdated", condition(stored("n1"), "Ready", "reason"));
    assertEquals("Kubelet never posted node status.", condition(stored("n1"), "Ready", "message"));
  }

  @Test
  void aNewNodeThatHasNotPostedYetIsNotTaintedWithinTheGracePeriod() {
    ObjectNode bare = fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:30Z", "x").build());
    bare.remove("status");
    fake.store.put(nodeType, bare);
    done(controllerAt(T0.plusSeconds(31)).sync(new ObjectKey("", "n1")));
    assertTrue(fake.writes().isEmpty(), fake.writes().toString());
    assertTrue(fake.eventReasons().isEmpty());
  }

  @Test
  void aCordonedNodeCarriesTheUnschedulableTaintUntilItIsUncordoned() {
    fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:30Z")
        .editSpec().withUnschedulable(true).endSpec().build());
    fake.store.put(leaseType, lease("n1", T0.plusSeconds(30)));
    NodeLifecycleController c = controllerAt(T0.plusSeconds(35));
    done(c.sync(new ObjectKey("", "n1")));
    assertEquals(List.of("node.kubernetes.io/unschedulable:NoSchedule"), taints(stored("n1")));
    assertEquals("2026-01-01T00:00:35Z", stored("n1").at("/spec/taints/0/timeAdded").asText(),
        "kube's SwapNodeControllerTaint stamps every taint it adds");
    ObjectNode uncordoned = stored("n1").deepCopy();
    ((ObjectNode) uncordoned.get("spec")).remove("unschedulable");
    fake.store.put(nodeType, uncordoned);
    done(c.sync(new ObjectKey("", "n1")));
    assertEquals(List.of(), taints(stored("n1")));
  }

  @Test
  void aNodeUnderPressureGetsTheConditionsNoScheduleTaint() {
    fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:30Z").editStatus()
        .editMatchingCondition(cond -> "DiskPressure".equals(cond.getType())).withStatus("True").endCondition()
        .endStatus().build());
    fake.store.put(leaseType, lease("n1", T0.plusSeconds(30)));
    done(controllerAt(T0.plusSeconds(35)).sync(new ObjectKey("", "n1")));
    assertEquals(List.of("node.kubernetes.io/disk-pressure:NoSchedule"), taints(stored("n1")));
  }

  @Test
  void theMonitorPeriodFollowsShortGracePeriods() {
    assertEquals(Duration.ofSeconds(5), NodeLifecycleController.monitorPeriod(Duration.ofSeconds(40)));
    assertEquals(Duration.ofMillis(2500), NodeLifecycleController.monitorPeriod(Duration.ofSeconds(5)));
    assertEquals(Duration.ofMillis(500), NodeLifecycleController.monitorPeriod(Duration.ofMillis(200)));
  }

  /** A node Ready at T0 that has been silent since (so Unknown at T0 + 51 s), in {@code zone} ("" for none). */
  private void silent(String name, String zone) {
    fake.store.put(nodeType, inZone(node(name, "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"), zone));
  }

  private static io.fabric8.kubernetes.api.model.Node inZone(io.fabric8.kubernetes.api.model.NodeBuilder b,
                                                            String zone) {
    if (!zone.isEmpty()) {
      b.editMetadata().addToLabels("topology.kubernetes.io/zone", zone).endMetadata();
    }
    return b.build();
  }

  /** A node that posted Ready at T0 + 50 s, in {@code zone}. */
  private void healthy(String name, String zone) {
    fake.store.put(nodeType, inZone(node(name, "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:50Z"), zone));
    fake.store.put(leaseType, lease(name, T0.plusSeconds(50)));
  }

  private boolean noExecute(String node) {
    return taints(stored(node)).contains("node.kubernetes.io/unreachable:NoExecute");
  }

  private void syncAll(NodeLifecycleController c, String... names) {
    for (String n : names) {
      done(c.sync(new ObjectKey("", n)));
    }
  }

  /** Lets the zones' queues out at {@code seconds} after T0 and syncs what they let out (the tainting pass). */
  private void taintingPassAt(NodeLifecycleController c, long seconds, String... names) {
    fake.clock.set(T0.plusSeconds(seconds));
    c.admit(fake.clock.instant());
    syncAll(c, names);
  }

  @Test
  void silentNodesOfAHealthyZoneGetTheNoExecuteTaintOneEveryTenSeconds() {
    for (int i = 1; i <= 8; i++) {
      healthy("ok" + i, "");
    }
    silent("a", "");
    silent("b", "");
    NodeLifecycleController c = controllerAt(T0.plusSeconds(51));
    c.monitor();
    syncAll(c, "a", "b");
    assertTrue(noExecute("a"), "the zone's first token is there at once");
    assertFalse(noExecute("b"), "--node-eviction-rate 0.1: b waits for the next token");
    assertTrue(taints(stored("b")).contains("node.kubernetes.io/unreachable:NoSchedule"), "NoSchedule is not limited");
    assertEquals("Unknown", condition(stored("b"), "Ready", "status"));
    taintingPassAt(c, 58, "b");
    assertFalse(noExecute("b"));
    taintingPassAt(c, 61, "b");
    assertTrue(noExecute("b"));
  }

  @Test
  void aPartiallyDisruptedZoneOfASmallClusterGetsNoNoExecuteTaints() {
    healthy("ok1", "");
    healthy("ok2", "");
    for (String n : List.of("a", "b", "c")) {
      silent(n, "");
    }
    NodeLifecycleController c = controllerAt(T0.plusSeconds(51));
    syncAll(c, "a", "b", "c"); // no monitor pass yet: the first sync judges the zones before it taints
    taintingPassAt(c, 500, "a", "b", "c");
    for (String n : List.of("a", "b", "c")) {
      assertFalse(noExecute(n), n + ": 3 of 5 not Ready is a partial disruption, and 5 <= 50 nodes");
      assertEquals("Unknown", condition(stored(n), "Ready", "status"));
    }
  }

  @Test
  void aPartiallyDisruptedZoneOfALargeClusterGetsThemAtTheSecondaryRate() {
    for (int i = 1; i <= 25; i++) {
      healthy("ok" + i, "");
    }
    for (int i = 1; i <= 31; i++) {
      silent("down" + i, "");
    }
    NodeLifecycleController c = controllerAt(T0.plusSeconds(51));
    c.monitor();
    syncAll(c, "down1", "down2");
    assertTrue(noExecute("down1"));
    assertFalse(noExecute("down2"));
    taintingPassAt(c, 51 + 60, "down2");
    assertFalse(noExecute("down2"), "--secondary-node-eviction-rate 0.01: one every 100 s");
    taintingPassAt(c, 51 + 100, "down2");
    assertTrue(noExecute("down2"));
  }

  @Test
  void whenEveryNodeIsDownTheTaintsComeOffUntilOneIsBack() {
    fake.store.put(nodeType, node("a", "Unknown", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z",
        new Taint("NoExecute", "node.kubernetes.io/unreachable", "2026-01-01T00:00:45Z", null)).build());
    silent("b", "");
    silent("c", "");
    NodeLifecycleController c = controllerAt(T0.plusSeconds(51));
    c.monitor();
    syncAll(c, "a", "b", "c");
    for (String n : List.of("a", "b", "c")) {
      assertFalse(noExecute(n), n + ": master disruption mode");
      assertEquals("Unknown", condition(stored(n), "Ready", "status"));
    }
    taintingPassAt(c, 300, "a", "b", "c");
    assertFalse(noExecute("b"));

    fake.store.put(nodeType, node("c", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z").build());
    fake.store.put(leaseType, lease("c", T0.plusSeconds(300)));
    c.monitor();
    syncAll(c, "a", "b", "c");
    assertFalse(noExecute("a") || noExecute("b"), "the zone's new limiter starts drained, as kube's SwapLimiter");
    taintingPassAt(c, 310, "a", "b");
    assertTrue(noExecute("a") ^ noExecute("b"), "out of the mode, one node every 10 s");
    taintingPassAt(c, 320, "a", "b");
    assertTrue(noExecute("a") && noExecute("b"));
    assertFalse(noExecute("c"));
  }

  @Test
  void aWhollyDownZoneBesideAHealthyOneIsTaintedAtTheNormalRate() {
    silent("a1", "a");
    silent("a2", "a");
    healthy("b1", "b");
    double before = evictions(":\0:a");
    NodeLifecycleController c = controllerAt(T0.plusSeconds(51));
    c.monitor();
    syncAll(c, "a1", "a2");
    assertTrue(noExecute("a1"));
    taintingPassAt(c, 61, "a2");
    assertTrue(noExecute("a2"));
    assertEquals(before + 2, evictions(":\0:a"), "node_collector_evictions_total{zone}");
  }

  @Test
  void aNodeLabelledExcludeDisruptionDoesNotCountInItsZone() {
    silent("a", "");
    silent("b", "");
    fake.store.put(nodeType, node("ok", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:50Z").editMetadata()
        .addToLabels(Zones.EXCLUDE_DISRUPTION, "").endMetadata().build());
    fake.store.put(leaseType, lease("ok", T0.plusSeconds(50)));
    NodeLifecycleController c = controllerAt(T0.plusSeconds(51));
    c.monitor();
    syncAll(c, "a", "b");
    assertFalse(noExecute("a") || noExecute("b"), "the only Ready node is left out: every zone is down");
  }

  @Test
  void eachNodeIsRegisteredInTheControllerOnceAndRemovedWhenGone() {
    healthy("n1", "");
    healthy("n2", "");
    NodeLifecycleController c = controllerAt(T0.plusSeconds(51));
    c.monitor();
    c.monitor();
    fake.store.delete(nodeType, "", "n2", io.dekube.core.store.WriteOptions.none());
    c.monitor();
    assertEquals(List.of("RegisteredNode: Node n1 event: Registered Node n1 in Controller",
        "RegisteredNode: Node n2 event: Registered Node n2 in Controller",
        "RemovingNode: Node n2 event: Removing Node n2 from Controller"), fake.eventReasons());
  }

  private static double evictions(String zone) {
    var counter = io.dekube.core.metrics.Metrics.registry().find("node_collector_evictions").tag("zone", zone).counter();
    return counter == null ? 0 : counter.count();
  }
}
