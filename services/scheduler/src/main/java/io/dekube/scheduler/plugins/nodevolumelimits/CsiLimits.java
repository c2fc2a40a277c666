package io.dekube.scheduler.plugins.nodevolumelimits;

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
import io.dekube.scheduler.plugins.helper.ClaimClass;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NodeVolumeLimits, kube-scheduler's CSILimits: a node's {@code CSINode} says how many volumes of each CSI driver it
 * may attach ({@code spec.drivers[].allocatable.count}); a pod whose new CSI volumes would take a driver past that
 * count on the node is turned down ({@code node(s) exceed max volume count}). A claim's driver and volume handle come
 * from its bound volume's {@code spec.csi}, or, unbound, from its class's provisioner and the claim's
 * {@code <namespace>-<name>}; a volume the node's pods already use counts once. A node without a CSINode, or whose
 * drivers give no count, has no limit. dekube runs no CSI driver: the limits apply to CSINodes and CSI volumes
 * created through the API. In-tree volumes migrated to CSI are not counted.
 */
public final class CsiLimits implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {

  public static final String NAME = "NodeVolumeLimits";
  public static final String ERR_MAX_VOLUME_COUNT = "node(s) exceed max volume count";

  private final Handle handle;

  public CsiLimits(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * A pod deleted (frees its volumes), a claim added, with kube 1.32's hints: {@code isSchedulableAfterPodDeleted} (a
   * bound pod with a claim or a generic ephemeral volume) and {@code isSchedulableAfterPVCAdded} (one of the pod's
   * claims, an ephemeral volume's {@code <pod>-<volume>} too). Not built: kube's CSINode add and VolumeAttachment
   * delete events (dekube's queue has no such resources; such a pod waits for the 5-minute flush).
   */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE),
            (pod, oldObj, newObj) -> {
              Pod deleted = (Pod) oldObj;
              boolean bound = deleted.getSpec().getNodeName() != null && !deleted.getSpec().getNodeName().isEmpty();
              return bound && volumes(deleted).stream().anyMatch(v -> v.getPersistentVolumeClaim() != null
                  || v.getEphemeral() != null) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
            }),
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM, ClusterEvent.ADD),
            (pod, oldObj, newObj) -> {
              PersistentVolumeClaim added = (PersistentVolumeClaim) newObj;
              if (!added.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())) {
                return QueueingHint.QUEUE_SKIP;
              }
              return volumes(pod).stream().anyMatch(v -> added.getMetadata().getName().equals(
                  v.getPersistentVolumeClaim() != null ? v.getPersistentVolumeClaim().getClaimName()
                      : v.getEphemeral() != null ? pod.getMetadata().getName() + "-" + v.getName() : null))
                  ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
            }));
  }

  /** Skips pods without claims or generic ephemeral volumes. */
  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    for (Volume v : volumes(pod)) {
      if (v.getPersistentVolumeClaim() != null || v.getEphemeral() != null) {
        return Status.success();
      }
    }
    return Status.skip();
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    Map<String, String> newVolumes = new HashMap<>();
    String missing = attachable(pod, true, newVolumes);
    if (missing != null) {
      return Status.unresolvable(missing);
    }
    if (newVolumes.isEmpty()) {
      return Status.success();
    }
    Map<String, Integer> limits = handle == null ? Map.of() : handle.csiVolumeLimits(node.name());
    if (limits.isEmpty()) {
      return Status.success();
    }
    Map<String, String> attached = new HashMap<>();
    for (PodInfo p : node.pods()) {
      attachable(p.pod(), false, attached);
    }
    Map<String, Integer> attachedCount = new HashMap<>();
    attached.forEach((unique, driver) -> {
      newVolumes.remove(unique);
      attachedCount.merge(driver, 1, Integer::sum);
    });
    Map<String, Integer> newCount = new HashMap<>();
    newVolumes.values().forEach(driver -> newCount.merge(driver, 1, Integer::sum));
    for (Map.Entry<String, Integer> e : newCount.entrySet()) {
      Integer max = limits.get(e.getKey());
      if (max != null && attachedCount.getOrDefault(e.getKey(), 0) + e.getValue() > max) {
        return Status.unschedulable(ERR_MAX_VOLUME_COUNT);
      }
    }
    return Status.success();
  }

  /**
   * kube's {@code filterAttachableVolumes}: the pod's CSI volumes as {@code driver/handle} → driver. For the new pod a
   * missing claim is the answer (kube's {@code looking up PVC ns/name: ...}); an existing pod's is not counted.
   */
  private String attachable(Pod pod, boolean newPod, Map<String, String> out) {
    String ns = pod.getMetadata().getNamespace();
    for (Volume v : volumes(pod)) {
      String claimName;
      boolean ephemeral = false;
      if (v.getPersistentVolumeClaim() != null) {
        claimName = v.getPersistentVolumeClaim().getClaimName();
      } else if (v.getEphemeral() != null) {
        claimName = pod.getMetadata().getName() + "-" + v.getName();
        ephemeral = true;
      } else {
        continue;
      }
      PersistentVolumeClaim claim = handle == null ? null : handle.persistentVolumeClaim(ns, claimName);
      if (claim == null) {
        if (newPod) {
          return "looking up PVC " + ns + "/" + claimName + ": persistentvolumeclaim \"" + claimName + "\" not found";
        }
        continue;
      }
      if (ephemeral && !ownedBy(claim, pod)) {
        continue; // VolumeBinding turns such a pod down
      }
      String[] driverAndHandle = driverInfo(claim);
      if (driverAndHandle != null) {
        out.put(driverAndHandle[0] + "/" + driverAndHandle[1], driverAndHandle[0]);
      }
    }
    return null;
  }

  /** kube's {@code getCSIDriverInfo}: from the bound volume's {@code spec.csi}, else from the class's provisioner. */
  private String[] driverInfo(PersistentVolumeClaim claim) {
    String pvName = claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
    if (pvName == null || pvName.isEmpty()) {
      String className = ClaimClass.of(claim);
      String provisioner = className.isEmpty() ? null : handle.provisioner(className);
      if (provisioner == null || provisioner.isEmpty()) {
        return null;
      }
      return new String[] {provisioner, claim.getMetadata().getNamespace() + "-" + claim.getMetadata().getName()};
    }
    PersistentVolume pv = handle.persistentVolume(pvName);
    if (pv == null || pv.getSpec() == null || pv.getSpec().getCsi() == null) {
      return null;
    }
    String driver = pv.getSpec().getCsi().getDriver();
    String volumeHandle = pv.getSpec().getCsi().getVolumeHandle();
    return driver == null || driver.isEmpty() || volumeHandle == null || volumeHandle.isEmpty() ? null
        : new String[] {driver, volumeHandle};
  }

  private static boolean ownedBy(PersistentVolumeClaim claim, Pod pod) {
    List<OwnerReference> refs = claim.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(r -> Boolean.TRUE.equals(r.getController())
        && java.util.Objects.equals(r.getUid(), pod.getMetadata().getUid()));
  }

  private static List<Volume> volumes(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
  }
}
