package io.dekube.controllermanager.podgc;

import static io.dekube.controllermanager.testing.Fake.done;
import static io.dekube.controllermanager.testing.Nodes.node;
import static io.dekube.controllermanager.testing.Objects.pod;
import static io.dekube.controllermanager.testing.Objects.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodGarbageCollectorTest {

  private final Fake fake = new Fake();
  private final ResourceType nodeType = fake.store.type("nodes");
  private final ResourceType podType = fake.store.type("pods");
  private final PodGarbageCollector gc = new PodGarbageCollector(fake.ctx, 12500);

  private void put(String name, String node, String deletionTimestamp) {
    Pod p = running(pod(name, null), node, "2026-01-01T00:00:00Z");
    ObjectNode tree = Typed.tree(p);
    if (node == null) {
      ((ObjectNode) tree.get("spec")).remove("nodeName");
    }
    if (deletionTimestamp != null) {
      ((ObjectNode) tree.get("metadata")).put("deletionTimestamp", deletionTimestamp)
          .put("deletionGracePeriodSeconds", 30);
    }
    fake.store.put(podType, tree);
  }

  private void sync(String pod) {
    done(gc.sync(new ObjectKey("ns", pod)));
  }

  /** Syncs a pod whose node is missing: first seen, then again after kube's quarantine. */
  private void syncPastQuarantine(String pod) {
    sync(pod);
    fake.clock.set(fake.clock.instant().plus(PodGarbageCollector.QUARANTINE));
    sync(pod);
  }

  @Test
  void aPodBoundToANodeThatNoLongerExistsIsForceDeletedAfterTheQuarantine() {
    put("orphan", "gone", null);
    sync("orphan");
    fake.clock.set(fake.clock.instant().plus(PodGarbageCollector.QUARANTINE).minusSeconds(1));
    sync("orphan");
    assertNotNull(fake.store.object(podType, "ns", "orphan"), "kube waits 40 s for the node to show up");
    assertEquals(List.of(), fake.writes());
    fake.clock.set(fake.clock.instant().plusSeconds(1));
    sync("orphan");
    assertNull(fake.store.object(podType, "ns", "orphan"));
    assertEquals(List.of("update pods/status ns/orphan", "delete pods ns/orphan"), fake.writes());
  }

  @Test
  void aNodeThatShowsUpDuringTheQuarantineKeepsItsPods() {
    put("p", "late", null);
    sync("p");
    fake.store.put(nodeType, node("late", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z").build());
    fake.clock.set(fake.clock.instant().plus(PodGarbageCollector.QUARANTINE));
    sync("p");
    assertNotNull(fake.store.object(podType, "ns", "p"));
  }

  @Test
  void aPodAFinalizerKeepsIsLeftFailedWithTheDisruptionTargetCondition() {
    put("tracked", "gone", null);
    ObjectNode tree = fake.store.object(podType, "ns", "tracked").deepCopy();
    ((ObjectNode) tree.get("metadata")).putArray("finalizers").add("batch.kubernetes.io/job-tracking");
    fake.store.put(podType, tree);
    syncPastQuarantine("tracked");
    ObjectNode left = fake.store.object(podType, "ns", "tracked");
    assertEquals("Failed", left.at("/status/phase").asText(), "no kubelet will end it: the pod GC does");
    assertEquals("DeletionByPodGC", left.at("/status/conditions").findValues("reason").stream()
        .map(r -> r.asText()).filter("DeletionByPodGC"::equals).findFirst().orElse(null));
    assertTrue(left.at("/metadata/deletionTimestamp").isTextual());
  }

  @Test
  void aTerminatingPodNoNodeRunsIsForceDeleted() {
    put("unbound", null, "2026-01-01T00:20:00Z");
    sync("unbound");
    assertNull(fake.store.object(podType, "ns", "unbound"));
  }

  @Test
  void aTerminatingPodOnASilentNodeIsForceDeletedOnceItsGraceIsOver() {
    fake.store.put(nodeType, node("n1", "Unknown", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z").build());
    put("p", "n1", "2026-01-01T00:10:30Z");
    fake.clock.set(Instant.parse("2026-01-01T00:10:29Z"));
    sync("p");
    assertNotNull(fake.store.object(podType, "ns", "p"));
    fake.clock.set(Instant.parse("2026-01-01T00:10:30Z"));
    sync("p");
    assertNull(fake.store.object(podType, "ns", "p"));
  }

  @Test
  void podsOnAReadyNodeOrNotTerminatingStay() {
    fake.store.put(nodeType, node("ready", "True", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z").build());
    fake.store.put(nodeType, node("silent", "Unknown", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z").build());
    fake.store.put(nodeType, node("sick", "False", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z").build());
    put("terminating-on-ready", "ready", "2026-01-01T00:00:30Z");
    put("running-on-silent", "silent", null);
    put("terminating-on-sick", "sick", "2026-01-01T00:00:30Z");
    fake.clock.set(Instant.parse("2026-01-01T01:00:00Z"));
    for (String p : List.of("terminating-on-ready", "running-on-silent", "terminating-on-sick")) {
      sync(p);
      assertNotNull(fake.store.object(podType, "ns", p), p);
    }
  }

  @Test
  void aTerminatingPodOnANodeOutOfServiceIsForceDeletedAtOnce() {
    fake.store.put(nodeType, node("n1", "False", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z",
        new Taint("NoExecute", PodGarbageCollector.OUT_OF_SERVICE, null, "shutdown")).build());
    put("p", "n1", "2026-01-01T01:00:00Z");
    sync("p");
    assertNull(fake.store.object(podType, "ns", "p"));
  }

  /**
   * Pods as {@code name:phase:created-minute[:reason]}, separated by spaces; the threshold; the pods left.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "under the threshold nothing goes  | a:Succeeded:1 b:Failed:2                       | 2 | a b",
      "the oldest terminated go first    | a:Succeeded:3 b:Failed:1 c:Succeeded:2 r:Running:0 p:Pending:0 | 1 | a p r",
      "evicted pods go before older ones | a:Succeeded:1 b:Failed:5:Evicted c:Failed:3     | 2 | a c",
      "the name breaks a tie             | b:Succeeded:1 a:Succeeded:1 c:Succeeded:1       | 2 | b c",
      "0 keeps every terminated pod      | a:Succeeded:1 b:Failed:2                       | 0 | a b",
      "a negative threshold too          | a:Succeeded:1 b:Failed:2                       | -1 | a b",
      "unknown phases are not terminated | u:Unknown:1 a:Succeeded:2                      | 1 | a u",
  })
  void terminatedPodsAboveTheThresholdAreDeletedOldestFirst(String name, String pods, int threshold, String left) {
    for (String spec : pods.split(" ")) {
      String[] f = spec.split(":");
      ObjectNode tree = Typed.tree(running(pod(f[0], null), "n1", "2026-01-01T00:00:00Z"));
      ((ObjectNode) tree.get("metadata")).put("creationTimestamp", "2026-01-01T00:0" + f[2] + ":00Z");
      ((ObjectNode) tree.get("status")).put("phase", f[1]);
      if (f.length > 3) {
        ((ObjectNode) tree.get("status")).put("reason", f[3]);
      }
      fake.store.put(podType, tree);
    }
    PodGarbageCollector gc = new PodGarbageCollector(fake.ctx, threshold);
    done(gc.gcTerminated());
    List<String> remaining = new java.util.ArrayList<>();
    for (ObjectNode p : fake.store.cache(podType).list("ns")) {
      remaining.add(p.path("metadata").path("name").asText());
    }
    java.util.Collections.sort(remaining);
    assertEquals(List.of(left.split(" ")), remaining);
  }
}
