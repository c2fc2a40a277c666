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
    NodeLifecycleController c = new NodeLifecycleController(fake.ctx, GRACE);
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
  void aNodeThatNeverPostedStatusGetsNeverUpdatedConditions() {
    ObjectNode bare = fake.store.put(nodeType, node("n1", "True", "2026-01-01T00:00:00Z", "x").build());
    bare.remove("status");
    fake.store.put(nodeType, bare);
    done(controllerAt(T0.plusSeconds(45)).sync(new ObjectKey("", "n1")));
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
}
