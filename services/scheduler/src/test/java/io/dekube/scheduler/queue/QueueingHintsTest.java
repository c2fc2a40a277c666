package io.dekube.scheduler.queue;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.plugins.interpodaffinity.InterPodAffinity;
import io.dekube.scheduler.plugins.nodeaffinity.NodeAffinityPlugin;
import io.dekube.scheduler.plugins.nodeports.NodePorts;
import io.dekube.scheduler.plugins.noderesources.NodeResourcesFit;
import io.dekube.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import io.dekube.scheduler.plugins.tainttoleration.TaintToleration;
import io.dekube.scheduler.testing.NoHandle;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which cluster events move an unschedulable pod back (kube 1.32's QueueingHints): only events a plugin
 * that rejected it registered, and only when its hint says they may help.
 */
class QueueingHintsTest {

  private long now = 1_000_000;
  private final SchedulingQueue queue = new SchedulingQueue(() -> now, QueueingHints.none()
      .profile("default-scheduler", List.of(new NodeUnschedulable(), new NodePorts(), new NodeResourcesFit(Map.of()),
          new NodeAffinityPlugin(), new TaintToleration(), new InterPodAffinity(Map.of(), new NoHandle()))));

  private static Node ready(Node n, String heartbeat) {
    return new NodeBuilder(n).editOrNewStatus().addNewCondition().withType("Ready").withStatus("True")
        .withLastHeartbeatTime(heartbeat).endCondition().endStatus().build();
  }

  /** Pops the pod and turns it down by these plugins; it waits in the unschedulable pool. */
  private void rejected(Pod p, String... plugins) {
    queue.add(p);
    QueuedPod q = queue.pop();
    queue.unschedulable(q, Set.of(plugins));
    now += 20_000; // past its back-off: a move sends it to active
    assertArrayEquals(new int[] {0, 0, 1}, queue.sizes());
  }

  /** A queue of one profile with {@code plugin} alone, holding {@code p} turned down by it, past its back-off. */
  private SchedulingQueue waitingFor(io.dekube.scheduler.api.Plugin plugin, Pod p) {
    SchedulingQueue q = new SchedulingQueue(() -> now, QueueingHints.none().profile("default-scheduler",
        List.of(plugin)));
    q.add(p);
    turnedDown(q, q.pop(), plugin.name());
    return q;
  }

  /** The popped pod {@code back} turned down by {@code plugin}: it waits in the pool, past its back-off. */
  private void turnedDown(SchedulingQueue q, QueuedPod back, String plugin) {
    q.unschedulable(back, Set.of(plugin));
    now += 60_000;
    assertArrayEquals(new int[] {0, 0, 1}, q.sizes());
  }

  private void event(ClusterEvent e, Object oldObj, Object newObj) {
    if (e != null) {
      queue.moveAllToActiveOrBackoff(e, oldObj, newObj);
    }
  }

  @Test
  void aNodeHeartbeatIsNoEventAndOtherNodeChangesOnlyWhenAllocatableGrowsEnough() {
    rejected(pod("big").req("cpu", "100").obj(), NodeResourcesFit.NAME);
    Node n1 = ready(node("n1").capacity("cpu", "4", "memory", "8Gi").obj(), "2026-12-07T01:00:00Z");
    Node beat = ready(node("n1").capacity("cpu", "4", "memory", "8Gi").obj(), "2026-12-07T01:00:10Z");
    assertNull(ClusterEvents.nodeUpdate(n1, beat), "a heartbeat changes nothing the scheduler looks at");
    Node labelled = ready(node("n1").capacity("cpu", "4", "memory", "8Gi").label("disk", "ssd").obj(),
        "2026-12-07T01:00:20Z");
    event(ClusterEvents.nodeUpdate(beat, labelled), beat, labelled);
    Node grown = ready(node("n1").capacity("cpu", "8", "memory", "8Gi").obj(), "2026-12-07T01:00:30Z");
    event(ClusterEvents.nodeUpdate(labelled, grown), labelled, grown);
    event(ClusterEvents.nodeUpdate(null, grown), null, grown);
    assertArrayEquals(new int[] {0, 0, 1}, queue.sizes(), "still 8 cpu < 100: no NodeResourcesFit hint queues");
    Node huge = ready(node("n1").capacity("cpu", "128", "memory", "8Gi").obj(), "2026-12-07T01:00:40Z");
    event(ClusterEvents.nodeUpdate(grown, huge), grown, huge);
    assertEquals("big", queue.pop().pod().getMetadata().getName());
  }

  @Test
  void deletingABoundPodRequeuesAnInsufficientCpuPodButDeletingAPendingOneDoesNot() {
    rejected(pod("big").req("cpu", "3").obj(), NodeResourcesFit.NAME);
    event(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE), pod("pending").req("cpu", "2").obj(), null);
    event(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.ADD), null, pod("other").node("n1").obj());
    assertArrayEquals(new int[] {0, 0, 1}, queue.sizes());
    event(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE), pod("web").node("n1").req("cpu", "2").obj(),
        null);
    assertEquals("big", queue.pop().pod().getMetadata().getName());
  }

  @Test
  void aBoundPodThatFinishesIsADeleteAndItsStatusWritesAreNoEvent() {
    Pod running = pod("job").node("n1").req("cpu", "2").obj();
    running.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").build());
    Pod done = pod("job").node("n1").req("cpu", "2").obj();
    done.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Succeeded").build());
    assertNull(ClusterEvents.assignedPodUpdate(running, running));
    assertEquals(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE),
        ClusterEvents.assignedPodUpdate(running, done));
  }

  @Test
  void aRemovedTaintOrAnUncordonRequeuesOnlyThePodsItHelps() {
    // one node tainted, the other cordoned
    rejected(pod("tainted").obj(), TaintToleration.NAME, NodeUnschedulable.NAME);
    Node t = node("n1").taint("dedicated", "db", "NoSchedule").obj();
    Node other = node("n1").taint("dedicated", "db", "NoSchedule").taint("gpu", "", "NoSchedule").obj();
    event(ClusterEvents.nodeUpdate(t, other), t, other);
    assertArrayEquals(new int[] {0, 0, 1}, queue.sizes(), "another taint added: still untolerated");
    Node cordoned = node("n2").unschedulable().obj();
    Node uncordoned = node("n2").obj();
    event(ClusterEvents.nodeUpdate(cordoned, uncordoned), cordoned, uncordoned);
    assertEquals("tainted", queue.pop().pod().getMetadata().getName(), "NodeUnschedulable: the node takes pods again");
  }

  @Test
  void theUntoleratedTaintRemovedRequeuesThePod() {
    rejected(pod("tainted").obj(), TaintToleration.NAME);
    Node t = node("n1").taint("dedicated", "db", "NoSchedule").obj();
    Node cordoned = node("n1").taint("dedicated", "db", "NoSchedule").unschedulable().obj();
    event(ClusterEvents.nodeUpdate(t, cordoned), t, cordoned);
    assertArrayEquals(new int[] {0, 0, 1}, queue.sizes());
    Node clean = node("n1").obj();
    event(ClusterEvents.nodeUpdate(t, clean), t, clean);
    assertEquals("tainted", queue.pop().pod().getMetadata().getName());
  }

  @Test
  void aNodeLabelRequeuesAPodWhoseSelectorItNowMatches() {
    rejected(pod("ssd").nodeSelector("disk", "ssd").obj(), NodeAffinityPlugin.NAME);
    Node plain = node("n1").obj();
    Node hdd = node("n1").label("disk", "hdd").obj();
    event(ClusterEvents.nodeUpdate(plain, hdd), plain, hdd);
    assertArrayEquals(new int[] {0, 0, 1}, queue.sizes());
    Node ssd = node("n1").label("disk", "ssd").obj();
    event(ClusterEvents.nodeUpdate(hdd, ssd), hdd, ssd);
    assertEquals("ssd", queue.pop().pod().getMetadata().getName());
  }

  @Test
  void aPodTurnedDownForNoKnownPluginMovesOnAnyEvent() {
    rejected(pod("nonodes").obj());
    event(new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.ADD), null, node("n1").obj());
    assertEquals("nonodes", queue.pop().pod().getMetadata().getName());
  }

  @Test
  void anEventThatMayHelpWhileThePodIsBeingScheduledSendsItToBackoffNotToThePool() {
    queue.add(pod("big").req("cpu", "3").obj());
    QueuedPod q = queue.pop();
    event(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE), pod("web").node("n1").obj(), null);
    queue.unschedulable(q, Set.of(NodeResourcesFit.NAME));
    assertArrayEquals(new int[] {0, 1, 0}, queue.sizes());

    queue.add(pod("big2").req("cpu", "3").obj());
    now += 20_000;
    QueuedPod q1 = queue.pop();
    QueuedPod q2 = queue.pop();
    Node t = node("n1").taint("a", "b", "NoSchedule").obj();
    event(ClusterEvents.nodeUpdate(t, node("n1").obj()), t, node("n1").obj());
    queue.unschedulable(q1, Set.of(NodeResourcesFit.NAME));
    queue.unschedulable(q2, Set.of(NodeResourcesFit.NAME));
    assertArrayEquals(new int[] {0, 0, 2}, queue.sizes(), "a taint removed does not help Insufficient cpu");
  }

  @Test
  void anUnschedulablePodIsRetriedAfterFiveMinutesWithoutAnyEvent() {
    rejected(pod("big").req("cpu", "100").obj(), NodeResourcesFit.NAME);
    now += SchedulingQueue.MAX_UNSCHEDULABLE_MS;
    assertEquals("big", queue.pop().pod().getMetadata().getName());
  }

  @Test
  void aSpreadPodMovesOnlyForBoundPodsItsSelectorCountsAndNodesWithItsTopologyKey() {
    SchedulingQueue spreadQueue = waitingFor(new io.dekube.scheduler.plugins.podtopologyspread.PodTopologySpread(
        Map.of(), new NoHandle()), pod("web").label("app", "web").spread(1, "topology.kubernetes.io/zone",
        "DoNotSchedule", "app", "web").obj());
    ClusterEvent podAdd = new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.ADD);
    ClusterEvent podDelete = new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE);
    ClusterEvent nodeAdd = new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.ADD);
    spreadQueue.moveAllToActiveOrBackoff(podDelete, pod("db").label("app", "db").node("n1").obj(), null);
    spreadQueue.moveAllToActiveOrBackoff(podDelete, pod("web-0").namespace("other").label("app", "web").node("n1")
        .obj(), null);
    spreadQueue.moveAllToActiveOrBackoff(podAdd, null, pod("web-1").label("app", "web").obj());
    spreadQueue.moveAllToActiveOrBackoff(nodeAdd, null, node("n9").obj());
    Node zoned = node("n2").label("topology.kubernetes.io/zone", "a").obj();
    Node relabelled = node("n2").label("topology.kubernetes.io/zone", "a").label("disk", "ssd").obj();
    spreadQueue.moveAllToActiveOrBackoff(ClusterEvents.nodeUpdate(zoned, relabelled), zoned, relabelled);
    assertArrayEquals(new int[] {0, 0, 1}, spreadQueue.sizes(), "another app's pod, another namespace's, a pending "
        + "pod, a node without the zone key, a label besides the key: none changes the counts");
    spreadQueue.moveAllToActiveOrBackoff(podDelete, pod("web-2").label("app", "web").node("n1").obj(), null);
    QueuedPod again = spreadQueue.pop();
    assertEquals("web", again.pod().getMetadata().getName(), "a bound web pod that goes frees room");

    turnedDown(spreadQueue, again, "PodTopologySpread");
    spreadQueue.moveAllToActiveOrBackoff(nodeAdd, null, node("n3").label("topology.kubernetes.io/zone", "b").obj());
    assertEquals("web", spreadQueue.pop().pod().getMetadata().getName(), "a node in a zone is a new domain");
  }

  @Test
  void anAntiAffinityPodMovesWhenAPodItAvoidsGoesOrIsRelabelledAndNotForOthers() {
    Pod lone = pod("lone").label("app", "cache").podAntiAffinity("app", "cache", "kubernetes.io/hostname").obj();
    rejected(lone, InterPodAffinity.NAME);
    ClusterEvent podDelete = new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE);
    event(podDelete, pod("web").label("app", "web").node("n1").obj(), null);
    event(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.ADD), null,
        pod("cache-2").label("app", "cache").node("n1").obj());
    event(podDelete, pod("pending").label("app", "cache").obj(), null);
    Node n1 = node("n1").label("kubernetes.io/hostname", "n1").obj();
    Node n1Labelled = node("n1").label("kubernetes.io/hostname", "n1").label("disk", "ssd").obj();
    event(ClusterEvents.nodeUpdate(n1, n1Labelled), n1, n1Labelled);
    assertArrayEquals(new int[] {0, 0, 1}, queue.sizes(), "another app's pod gone, a cache pod added, a pending "
        + "pod gone, a label besides the topology key: none eases the anti-affinity");
    Pod cache = pod("cache-1").label("app", "cache").node("n1").obj();
    Pod relabelled = pod("cache-1").label("app", "old-cache").node("n1").obj();
    event(ClusterEvents.assignedPodUpdate(cache, relabelled), cache, relabelled);
    assertEquals("lone", queue.pop().pod().getMetadata().getName(), "the cache pod it avoided is no longer one");
  }

  @Test
  void aPodWaitingForItsClaimMovesWhenItsClaimsUserGoesOrItsClaimIsCreatedNotForOthers() {
    SchedulingQueue q = waitingFor(new io.dekube.scheduler.plugins.volumerestrictions.VolumeRestrictions(
        new NoHandle()), pod("writer").claim("data", "rwop").obj());
    ClusterEvent podDelete = new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE);
    ClusterEvent claimAdd = new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM, ClusterEvent.ADD);
    q.moveAllToActiveOrBackoff(podDelete, pod("other").claim("data", "logs").node("n1").obj(), null);
    q.moveAllToActiveOrBackoff(podDelete, pod("elsewhere").namespace("other").claim("data", "rwop").node("n1").obj(),
        null);
    q.moveAllToActiveOrBackoff(claimAdd, null, new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("logs").withNamespace("default").endMetadata().build());
    assertArrayEquals(new int[] {0, 0, 1}, q.sizes(), "another claim's user, another namespace's, another claim");
    q.moveAllToActiveOrBackoff(podDelete, pod("reader").claim("data", "rwop").node("n1").obj(), null);
    QueuedPod back = q.pop();
    assertEquals("writer", back.pod().getMetadata().getName(), "the other user of its claim went");

    turnedDown(q, back, io.dekube.scheduler.plugins.volumerestrictions.VolumeRestrictions.NAME);
    q.moveAllToActiveOrBackoff(claimAdd, null, new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("rwop").withNamespace("default").endMetadata().build());
    assertEquals("writer", q.pop().pod().getMetadata().getName(), "its claim was created");
  }

  @Test
  void aPodOverItsNodesVolumeLimitMovesWhenABoundPodWithAClaimGoesOrItsClaimIsCreated() {
    SchedulingQueue q = waitingFor(new io.dekube.scheduler.plugins.nodevolumelimits.CsiLimits(new NoHandle()),
        pod("db").claim("data", "db-data").obj());
    ClusterEvent podDelete = new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE);
    ClusterEvent claimAdd = new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM, ClusterEvent.ADD);
    q.moveAllToActiveOrBackoff(podDelete, pod("web").node("n1").obj(), null);
    q.moveAllToActiveOrBackoff(podDelete, pod("pending").claim("data", "other").obj(), null);
    q.moveAllToActiveOrBackoff(claimAdd, null, new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("db-data").withNamespace("other").endMetadata().build());
    assertArrayEquals(new int[] {0, 0, 1}, q.sizes(), "a pod without volumes, a pending pod, another namespace's claim");
    q.moveAllToActiveOrBackoff(podDelete, pod("old").claim("data", "old-data").node("n1").obj(), null);
    QueuedPod back = q.pop();
    assertEquals("db", back.pod().getMetadata().getName(), "a bound pod's claim no longer counts on its node");

    turnedDown(q, back, "NodeVolumeLimits");
    q.moveAllToActiveOrBackoff(claimAdd, null, new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("db-data").withNamespace("default").endMetadata().build());
    assertEquals("db", q.pop().pod().getMetadata().getName(), "its claim was created");
  }

  @Test
  void aPodOutOfItsVolumesZoneMovesForItsClaimsAZoneChangeOrAWaitingClass() {
    SchedulingQueue q = waitingFor(new io.dekube.scheduler.plugins.volumezone.VolumeZone(new NoHandle()),
        pod("db").claim("data", "db-data").obj());
    ClusterEvent claimAdd = new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM, ClusterEvent.ADD);
    ClusterEvent volumeUpdate = new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME, ClusterEvent.UPDATE);
    ClusterEvent classAdd = new ClusterEvent(ClusterEvent.Resource.STORAGE_CLASS, ClusterEvent.ADD);
    q.moveAllToActiveOrBackoff(claimAdd, null, new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("logs").withNamespace("default").endMetadata().build());
    io.fabric8.kubernetes.api.model.PersistentVolume pvA = new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder()
        .withNewMetadata().withName("pv-1").addToLabels("topology.kubernetes.io/zone", "a").endMetadata().build();
    io.fabric8.kubernetes.api.model.PersistentVolume pvTagged = new io.fabric8.kubernetes.api.model
        .PersistentVolumeBuilder(pvA).editMetadata().addToLabels("team", "db").endMetadata().build();
    q.moveAllToActiveOrBackoff(volumeUpdate, pvA, pvTagged);
    q.moveAllToActiveOrBackoff(classAdd, null, new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
        .withNewMetadata().withName("fast").endMetadata().withVolumeBindingMode("Immediate").build());
    assertArrayEquals(new int[] {0, 0, 1}, q.sizes(), "another claim, a label besides the zone, an Immediate class");
    io.fabric8.kubernetes.api.model.PersistentVolume pvB = new io.fabric8.kubernetes.api.model
        .PersistentVolumeBuilder(pvTagged).editMetadata().addToLabels("topology.kubernetes.io/zone", "b")
        .endMetadata().build();
    q.moveAllToActiveOrBackoff(volumeUpdate, pvTagged, pvB);
    QueuedPod back = q.pop();
    assertEquals("db", back.pod().getMetadata().getName(), "a volume moved zone");

    turnedDown(q, back, io.dekube.scheduler.plugins.volumezone.VolumeZone.NAME);
    q.moveAllToActiveOrBackoff(classAdd, null, new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
        .withNewMetadata().withName("local").endMetadata().withVolumeBindingMode("WaitForFirstConsumer").build());
    assertEquals("db", q.pop().pod().getMetadata().getName(), "a WaitForFirstConsumer class");
  }
}
