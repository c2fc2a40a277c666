package io.dekube.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.Typed;
import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.cache.SchedulerCache;
import io.dekube.scheduler.plugins.interpodaffinity.InterPodAffinity;
import io.dekube.scheduler.plugins.noderesources.NodeResourcesFit;
import io.dekube.scheduler.queue.QueuedPod;
import io.dekube.scheduler.queue.QueueingHints;
import io.dekube.scheduler.queue.SchedulingQueue;
import io.dekube.scheduler.testing.MakePod;
import io.dekube.scheduler.testing.NoHandle;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How pod events reach the cache and the queue, and which updates skip the conversion to a typed pod. */
class PodEventsTest {

  private final SchedulerCache cache = new SchedulerCache();
  private final SchedulingQueue queue = new SchedulingQueue(System::currentTimeMillis);
  private final PodEvents events = new PodEvents(cache, queue, Set.of("default-scheduler"), () -> { }, new Nominator());

  PodEventsTest() {
    Node n1 = new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewStatus()
        .withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110")))
        .endStatus().build();
    cache.upsertNode(n1);
  }

  @Test
  void ourBindConfirmsTheAssumedPodAndStatusChangesOfABoundPodLeaveTheCacheAlone() {
    ObjectNode pending = pod("", "Pending", "web");
    events.onAdd(pending);
    Pod typed = Typed.from(pending, Pod.class);
    assertTrue(queue.contains(typed), "a pending pod of ours is queued");
    cache.assume(typed, "n1");
    PodInfo assumed = onlyPod();

    ObjectNode bound = pod("n1", "Pending", "web");
    events.onUpdate(pending, bound);
    assertFalse(cache.isAssumed(typed), "the bind event confirms it");
    assertFalse(queue.contains(typed));
    assertSame(assumed.pod(), onlyPod().pod(), "the assumed copy stays: no second conversion");

    events.onUpdate(bound, pod("n1", "Running", "web"));
    assertSame(assumed.pod(), onlyPod().pod(), "a status change of a bound pod changes nothing the cache counts");

    events.onUpdate(pod("n1", "Running", "web"), pod("n1", "Running", "api"));
    assertNotSame(assumed.pod(), onlyPod().pod(), "a label change replaces the cached pod");
    assertEquals("api", onlyPod().pod().getMetadata().getLabels().get("app"));

    events.onUpdate(pod("n1", "Running", "api"), pod("n1", "Succeeded", "api"));
    assertFalse(cache.knows(typed), "a finished pod frees its node");
    assertEquals(0, cache.snapshot().get(0).pods().size());
  }

  @Test
  void aPodBoundBySomeoneElseIsCountedFromItsEvent() {
    ObjectNode pending = pod("", "Pending", "web");
    events.onAdd(pending);
    events.onUpdate(pending, pod("n1", "Pending", "web"));
    Pod typed = Typed.from(pending, Pod.class);
    assertTrue(cache.knows(typed));
    assertFalse(cache.isAssumed(typed));
    assertFalse(queue.contains(typed));
    assertEquals(1, cache.snapshot().get(0).pods().size());
  }

  @Test
  void ourOwnBindIsAPodAddThatRequeuesAPodWaitingForAffinityButNotOneWaitingForCpu() {
    SchedulingQueue hinted = new SchedulingQueue(() -> 1_000_000L, QueueingHints.none().profile("default-scheduler",
        List.of(new NodeResourcesFit(Map.of()), new InterPodAffinity(Map.of(), new NoHandle()))));
    PodEvents withHints = new PodEvents(cache, hinted, Set.of("default-scheduler"), () -> { }, new Nominator());
    hinted.add(MakePod.pod("big").namespace("d").req("cpu", "8").obj());
    hinted.unschedulable(hinted.pop(), Set.of(NodeResourcesFit.NAME));
    hinted.add(MakePod.pod("near").namespace("d").podAffinity("app", "web", "kubernetes.io/hostname").obj());
    hinted.unschedulable(hinted.pop(), Set.of(InterPodAffinity.NAME));

    ObjectNode pending = pod("", "Pending", "web");
    withHints.onAdd(pending);
    QueuedPod web = hinted.pop();
    cache.assume(web.pod(), "n1");
    hinted.done(web);
    withHints.onUpdate(pending, pod("n1", "Pending", "web"));
    assertArrayEquals(new int[] {0, 1, 1}, hinted.sizes(), "the affinity pod moved (to backoff), the cpu one stayed");
    withHints.onUpdate(pod("n1", "Running", "web"), pod("n1", "Running", "web"));
    withHints.onDelete(pod("n1", "Running", "web"), 9);
    assertArrayEquals(new int[] {0, 2, 0}, hinted.sizes(), "the deleted pod freed cpu");
  }

  private PodInfo onlyPod() {
    return cache.snapshot().get(0).pods().iterator().next();
  }

  private static ObjectNode pod(String node, String phase, String app) {
    ObjectNode p = Json.object().put("apiVersion", "v1").put("kind", "Pod");
    p.putObject("metadata").put("name", "p").put("namespace", "d").put("uid", "u1").putObject("labels").put("app", app);
    ObjectNode spec = p.putObject("spec");
    if (!node.isEmpty()) {
      spec.put("nodeName", node);
    }
    spec.putArray("containers").addObject().put("name", "c").put("image", "i").putObject("resources")
        .putObject("requests").put("cpu", "1");
    p.putObject("status").put("phase", phase);
    return p;
  }
}
