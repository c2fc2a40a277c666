package io.dekube.controllermanager.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.OwnedPodEvents;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ObjectKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code finalizerExpectations}: per Job, the pods whose tracking finalizer removal was sent
 * and not yet seen in the pod informer. Until it is seen such a pod is not counted again (the Job's
 * new counters may arrive before the pod without its finalizer). As a pod handler it forgets a pod
 * once it is seen without the finalizer, or deleted. Thread-safe.
 */
final class FinalizerRemovals implements InformerHandler {

  private final Map<ObjectKey, Set<String>> pending = new HashMap<>();

  /** The uids of the job's pods whose removal is pending (a copy). */
  synchronized Set<String> pending(ObjectKey job) {
    return new HashSet<>(pending.getOrDefault(job, Set.of()));
  }

  synchronized void expect(ObjectKey job, String uid) {
    pending.computeIfAbsent(job, k -> new HashSet<>()).add(uid);
  }

  synchronized void done(ObjectKey job, String uid) {
    Set<String> s = pending.get(job);
    if (s != null && s.remove(uid) && s.isEmpty()) {
      pending.remove(job);
    }
  }

  synchronized void forget(ObjectKey job) {
    pending.remove(job);
  }

  @Override
  public void onAdd(ObjectNode object) {
    // a new pod has nothing pending
  }

  @Override
  public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
    if (!hasTracking(newObject)) {
      seen(newObject);
    }
  }

  @Override
  public void onDelete(ObjectNode last, long rv) {
    seen(last);
  }

  private void seen(ObjectNode pod) {
    ObjectKey job = OwnedPodEvents.ownerKey(pod, "Job");
    if (job != null) {
      done(job, pod.path("metadata").path("uid").asText());
    }
  }

  static boolean hasTracking(ObjectNode pod) {
    for (var f : pod.path("metadata").path("finalizers")) {
      if (JobPods.TRACKING.equals(f.asText())) {
        return true;
      }
    }
    return false;
  }
}
