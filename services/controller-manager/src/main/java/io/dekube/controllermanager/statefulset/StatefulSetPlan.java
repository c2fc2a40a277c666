package io.dekube.controllermanager.statefulset;

import io.dekube.controllermanager.common.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One sync of a StatefulSet decided from its pods, as kube's {@code updateStatefulSet}: the pods of
 * ordinals {@code [start, start+replicas)} are created (OrderedReady: one at a time, each Running
 * and Ready before the next; Parallel: all at once), finished ones are deleted to be recreated, the
 * ordinals beyond are deleted from the highest down, and a RollingUpdate deletes the highest pod not
 * at the update revision down to the partition, one at a time, once the others are healthy.
 * Pods below the partition are made from the current revision, the others from the update revision.
 * Pure.
 *
 * @param creates the pods to create
 * @param deletes the pods to delete
 */
record StatefulSetPlan(List<Pod> creates, List<Pod> deletes) {

  /** A revision: its name and the template it holds. */
  record Rev(String name, PodTemplateSpec template) {
  }

  static StatefulSetPlan plan(StatefulSet set, Rev current, Rev update, List<Pod> owned, Instant now) {
    int replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
    int start = set.getSpec().getOrdinals() == null || set.getSpec().getOrdinals().getStart() == null ? 0
        : set.getSpec().getOrdinals().getStart();
    boolean monotonic = !"Parallel".equals(set.getSpec().getPodManagementPolicy());
    Pod[] slots = new Pod[replicas];
    List<Pod> condemned = new ArrayList<>();
    for (Pod p : owned) {
      int ord = StatefulPods.ordinal(set, p);
      if (ord >= start && ord < start + replicas) {
        slots[ord - start] = p;
      } else if (ord >= 0) {
        condemned.add(p);
      }
    }
    condemned.sort(Comparator.comparing((Pod p) -> StatefulPods.ordinal(set, p)).reversed());
    List<Pod> creates = new ArrayList<>();
    List<Pod> deletes = new ArrayList<>();
    int min = set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
    for (int i = 0; i < replicas; i++) {
      Pod p = slots[i];
      if (p == null) {
        creates.add(newPod(set, current, update, start + i));
        if (monotonic) {
          return new StatefulSetPlan(creates, deletes);
        }
        continue;
      }
      if (StatefulPods.finished(p)) {
        if (!StatefulPods.terminating(p)) {
          deletes.add(p);
        }
        if (monotonic) {
          return new StatefulSetPlan(creates, deletes);
        }
        continue;
      }
      if (monotonic && (StatefulPods.terminating(p) || !healthy(p, min, now))) {
        return new StatefulSetPlan(creates, deletes);
      }
    }
    for (Pod p : condemned) {
      if (StatefulPods.terminating(p)) {
        if (monotonic) {
          return new StatefulSetPlan(creates, deletes);
        }
        continue;
      }
      deletes.add(p);
      if (monotonic) {
        return new StatefulSetPlan(creates, deletes);
      }
    }
    if (!creates.isEmpty() || !deletes.isEmpty()) {
      return new StatefulSetPlan(creates, deletes);
    }
    return new StatefulSetPlan(creates, rollingUpdate(set, update, slots, min, now));
  }

  /** The highest pod at or above the partition that is not at the update revision, once the ones above are healthy. */
  private static List<Pod> rollingUpdate(StatefulSet set, Rev update, Pod[] slots, int min, Instant now) {
    var strategy = set.getSpec().getUpdateStrategy();
    if (strategy != null && "OnDelete".equals(strategy.getType())) {
      return List.of();
    }
    int partition = strategy == null || strategy.getRollingUpdate() == null
        || strategy.getRollingUpdate().getPartition() == null ? 0 : strategy.getRollingUpdate().getPartition();
    for (int i = slots.length - 1; i >= Math.max(0, partition); i--) {
      Pod p = slots[i];
      if (p == null) {
        return List.of();
      }
      if (!update.name().equals(StatefulPods.revision(p)) && !StatefulPods.terminating(p)) {
        return List.of(p);
      }
      if (!healthy(p, min, now)) {
        return List.of();
      }
    }
    return List.of();
  }

  /** kube's {@code newVersionedStatefulSetPod}: below the partition from the current revision. */
  static Pod newPod(StatefulSet set, Rev current, Rev update, int ordinal) {
    var strategy = set.getSpec().getUpdateStrategy();
    boolean rolling = strategy == null || !"OnDelete".equals(strategy.getType());
    int start = set.getSpec().getOrdinals() == null || set.getSpec().getOrdinals().getStart() == null ? 0
        : set.getSpec().getOrdinals().getStart();
    Integer partition = strategy == null || strategy.getRollingUpdate() == null ? null
        : strategy.getRollingUpdate().getPartition();
    int currentReplicas = set.getStatus() == null || set.getStatus().getCurrentReplicas() == null ? 0
        : set.getStatus().getCurrentReplicas();
    boolean fromCurrent = rolling && current.template() != null
        && ordinal < start + (partition == null ? currentReplicas : partition);
    Rev r = fromCurrent ? current : update;
    return StatefulPods.build(set, r.template(), ordinal, r.name());
  }

  private static boolean healthy(Pod p, int minReadySeconds, Instant now) {
    return StatefulPods.runningAndReady(p) && !StatefulPods.terminating(p) && Pods.available(p, minReadySeconds, now);
  }

  /** kube's {@code computeReplicaStatus} and {@code completeRollingUpdate}. */
  static StatefulSetStatus status(StatefulSet set, Rev current, Rev update, List<Pod> owned, Integer collisionCount,
                                  Instant now) {
    int min = set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
    int replicas = 0;
    int ready = 0;
    int available = 0;
    int cur = 0;
    int updated = 0;
    for (Pod p : owned) {
      if (StatefulPods.ordinal(set, p) < 0) {
        continue;
      }
      replicas++;
      if (StatefulPods.runningAndReady(p)) {
        ready++;
        available += Pods.available(p, min, now) ? 1 : 0;
      }
      if (!StatefulPods.terminating(p)) {
        cur += current.name().equals(StatefulPods.revision(p)) ? 1 : 0;
        updated += update.name().equals(StatefulPods.revision(p)) ? 1 : 0;
      }
    }
    StatefulSetStatus s = new StatefulSetStatus();
    s.setObservedGeneration(set.getMetadata().getGeneration());
    s.setReplicas(replicas);
    s.setReadyReplicas(ready);
    s.setAvailableReplicas(available);
    s.setCurrentReplicas(cur);
    s.setUpdatedReplicas(updated);
    s.setCurrentRevision(current.name());
    s.setUpdateRevision(update.name());
    s.setCollisionCount(collisionCount);
    s.setConditions(set.getStatus() == null ? null : set.getStatus().getConditions());
    var strategy = set.getSpec().getUpdateStrategy();
    boolean rolling = strategy == null || !"OnDelete".equals(strategy.getType());
    if (rolling && updated == replicas && ready == replicas) {
      s.setCurrentReplicas(updated);
      s.setCurrentRevision(update.name());
    }
    return s;
  }
}
