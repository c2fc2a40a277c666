package io.dekube.scheduler.plugins.volumerestrictions;

import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.QueueingHint;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * VolumeRestrictions, as kube-scheduler's: a PersistentVolumeClaim with the {@code ReadWriteOncePod} access mode that a
 * pod of the cluster uses already keeps every other pod that names it off every node; the pod's claims must exist
 * ({@code persistentvolumeclaim "x" not found}); and the volumes that only one node may mount read-write — a GCE
 * persistent disk, an AWS EBS volume, an iSCSI target, an RBD image — conflict with the same volume of a pod on the
 * node unless both mount it read-only. PreFilter counts the claims' users over the snapshot, so preemption's what-if
 * nodes without a victim free its claim.
 */
public final class VolumeRestrictions implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {

  public static final String NAME = "VolumeRestrictions";
  public static final String ERR_DISK_CONFLICT = "node(s) had no available disk";
  public static final String ERR_READ_WRITE_ONCE_POD =
      "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";
  private static final String KEY = "PreFilter" + NAME;

  private final Handle handle;

  public VolumeRestrictions(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * A pod deleted (it may free a disk or a claim), a node added, a claim added, as kube 1.32's registrations, with
   * its hints: {@code isSchedulableAfterPodDeleted} (a pod of the pod's namespace whose disk conflicts with one of
   * the pod's or that uses one of its claims — a ReadWriteOncePod claim's user, the claim's mode not looked up, as
   * kube) and {@code isSchedulableAfterPersistentVolumeClaimAdded} (a claim of the pod's); any node added.
   */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE),
            (pod, oldObj, newObj) -> afterPodDeleted(pod, (Pod) oldObj)),
        ClusterEventWithHint.of(new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.ADD)),
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM, ClusterEvent.ADD),
            (pod, oldObj, newObj) -> {
              PersistentVolumeClaim claim = (PersistentVolumeClaim) newObj;
              return claim.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
                  && claims(pod).contains(claim.getMetadata().getName()) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
            }));
  }

  private static QueueingHint afterPodDeleted(Pod pod, Pod deleted) {
    if (deleted == null || !java.util.Objects.equals(deleted.getMetadata().getNamespace(),
        pod.getMetadata().getNamespace())) {
      return QueueingHint.QUEUE_SKIP;
    }
    for (Volume v : volumes(pod)) {
      if (Disks.exclusive(v) && volumes(deleted).stream().anyMatch(other -> Disks.conflict(v, other))) {
        return QueueingHint.QUEUE;
      }
    }
    Set<String> theirs = claims(deleted);
    return claims(pod).stream().anyMatch(theirs::contains) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
  }

  private static Set<String> claims(Pod pod) {
    Set<String> out = new HashSet<>();
    for (Volume v : volumes(pod)) {
      if (v.getPersistentVolumeClaim() != null) {
        out.add(v.getPersistentVolumeClaim().getClaimName());
      }
    }
    return out;
  }

  /** How many of the pod's ReadWriteOncePod claims another pod uses. */
  record State(int conflictingClaims) {
  }

  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    String ns = pod.getMetadata().getNamespace();
    Set<String> readWriteOncePod = new HashSet<>();
    boolean needsCheck = false;
    for (Volume v : volumes(pod)) {
      needsCheck |= Disks.exclusive(v);
      if (v.getPersistentVolumeClaim() == null) {
        continue;
      }
      String claim = v.getPersistentVolumeClaim().getClaimName();
      PersistentVolumeClaim c = handle == null ? null : handle.persistentVolumeClaim(ns, claim);
      if (c == null) {
        return Status.unresolvable("persistentvolumeclaim \"" + claim + "\" not found");
      }
      if (c.getSpec() != null && c.getSpec().getAccessModes() != null
          && c.getSpec().getAccessModes().contains("ReadWriteOncePod")) {
        readWriteOncePod.add(claim);
      }
    }
    int conflicting = 0;
    for (String claim : readWriteOncePod) {
      if (usedByAPod(ns, claim, nodes, pod)) {
        conflicting++;
      }
    }
    if (!needsCheck && conflicting == 0) {
      return Status.skip();
    }
    state.write(KEY, new State(conflicting));
    return Status.success();
  }

  /** kube's {@code IsPVCUsedByPods}: a pod of the snapshot (bound or assumed) names the claim. */
  private static boolean usedByAPod(String ns, String claim, List<NodeInfo> nodes, Pod self) {
    for (NodeInfo n : nodes) {
      for (PodInfo p : n.pods()) {
        if (ns.equals(p.pod().getMetadata().getNamespace()) && !p.key().equals(PodInfo.key(self))
            && volumes(p.pod()).stream().anyMatch(v -> v.getPersistentVolumeClaim() != null
                && claim.equals(v.getPersistentVolumeClaim().getClaimName()))) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    for (Volume v : volumes(pod)) {
      if (!Disks.exclusive(v)) {
        continue;
      }
      for (PodInfo p : node.pods()) {
        for (Volume other : volumes(p.pod())) {
          if (Disks.conflict(v, other)) {
            return Status.unschedulable(ERR_DISK_CONFLICT);
          }
        }
      }
    }
    State s = state.read(KEY);
    if (s != null && s.conflictingClaims() > 0) {
      return Status.unschedulable(ERR_READ_WRITE_ONCE_POD);
    }
    return Status.success();
  }

  static List<Volume> volumes(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
  }
}
