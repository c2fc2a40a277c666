package io.dekube.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.Typed;
import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.cache.SchedulerCache;
import io.dekube.scheduler.queue.ClusterEvents;
import io.dekube.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Set;

/**
 * The pod informer's changes, converted to typed pods once: bound pods go to the cache, pending
 * pods of our profiles to the queue. A bound pod added (our own binds too), changed in what the
 * scheduler counts, finished or deleted is a cluster event for the queue's hints (a deleted pod may
 * make room, a new one may be what an affinity waits for). Runs on the scheduler's context.
 */
final class PodEvents implements InformerHandler {

  private final SchedulerCache cache;
  private final SchedulingQueue queue;
  private final Set<String> schedulerNames;
  private final Runnable kick;
  private final Nominator nominator;

  PodEvents(SchedulerCache cache, SchedulingQueue queue, Set<String> schedulerNames, Runnable kick,
            Nominator nominator) {
    this.nominator = nominator;
    this.cache = cache;
    this.queue = queue;
    this.schedulerNames = schedulerNames;
    this.kick = kick;
  }

  @Override
  public void onAdd(ObjectNode object) {
    apply(Typed.from(object, Pod.class));
  }

  @Override
  public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
    String node = nodeName(newObject);
    if (!node.isEmpty()) {
      String key = key(newObject);
      if (node.equals(nodeName(oldObject)) && sameForScheduling(oldObject, newObject) && cache.knows(key)) {
        return; // a status change of a bound pod (the kubelet's writes): nothing the cache counts changed
      }
      if (nodeName(oldObject).isEmpty() && cache.confirmAssumed(key, node)) {
        queue.delete(key); // our own bind: the assumed copy is the pod, no second conversion
        nominator.remove(key);
        moved(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.ADD), null, cache.pod(key));
        return;
      }
    }
    apply(Typed.from(newObject, Pod.class));
  }

  private static String nodeName(ObjectNode pod) {
    return pod.path("spec").path("nodeName").asText("");
  }

  /** The cache's key of a pod ({@link io.dekube.scheduler.api.PodInfo#key}): its uid. */
  private static String key(ObjectNode pod) {
    String uid = pod.path("metadata").path("uid").asText("");
    return uid.isEmpty() ? pod.path("metadata").path("namespace").asText("") + "/"
        + pod.path("metadata").path("name").asText("") : uid;
  }

  /**
   * Whether two versions of a bound pod are the same for the cache: spec (requests, ports, affinity),
   * labels, deletion, and whether it has finished (a finished pod frees its node).
   */
  private static boolean sameForScheduling(ObjectNode a, ObjectNode b) {
    return a.path("spec").equals(b.path("spec"))
        && a.path("metadata").path("labels").equals(b.path("metadata").path("labels"))
        && a.path("metadata").path("deletionTimestamp").equals(b.path("metadata").path("deletionTimestamp"))
        && finished(a) == finished(b);
  }

  private static boolean finished(ObjectNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  @Override
  public void onDelete(ObjectNode last, long rv) {
    Pod pod = Typed.from(last, Pod.class);
    queue.delete(pod);
    nominator.remove(pod);
    if (cache.knows(pod)) {
      cache.removePod(pod);
      moved(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE), pod, null);
    }
  }

  private void moved(ClusterEvent event, Pod oldPod, Pod newPod) {
    if (event != null) {
      queue.moveAllToActiveOrBackoff(event, oldPod, newPod);
      kick.run();
    }
  }

  private void apply(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (node != null && !node.isEmpty()) {
      queue.delete(pod);
      nominator.remove(pod);
      Pod previous = cache.pod(PodInfo.key(pod));
      cache.upsertBoundPod(pod);
      if (previous != null || !ClusterEvents.finished(pod)) {
        ClusterEvent event = ClusterEvents.assignedPodUpdate(previous, pod);
        // a pod that finished is a delete: its hints get the pod that was there, and nothing after it
        boolean gone = event != null && event.actionType() == ClusterEvent.DELETE;
        moved(event, previous, gone ? null : pod);
      }
      return;
    }
    if (responsible(pod)) {
      nominator.update(pod);
      queue.add(pod);
      kick.run();
    } else {
      nominator.remove(pod);
      queue.delete(pod);
    }
  }

  /** The pod's scheduler name ({@code default-scheduler} when unset). */
  static String schedulerName(Pod pod) {
    String n = pod.getSpec() == null ? null : pod.getSpec().getSchedulerName();
    return n == null || n.isEmpty() ? "default-scheduler" : n;
  }

  private boolean responsible(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    boolean gated = pod.getSpec().getSchedulingGates() != null && !pod.getSpec().getSchedulingGates().isEmpty();
    return schedulerNames.contains(schedulerName(pod)) && !gated && pod.getMetadata().getDeletionTimestamp() == null
        && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }
}
