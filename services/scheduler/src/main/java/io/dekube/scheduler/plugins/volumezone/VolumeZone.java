package io.dekube.scheduler.plugins.volumezone;

import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.QueueingHint;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.helper.ClaimClass;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * VolumeZone, as kube-scheduler's: the zone and region labels of the PersistentVolumes bound to the pod's claims
 * ({@code topology.kubernetes.io/zone} and {@code region}, and their deprecated {@code failure-domain.beta} forms,
 * several zones joined by {@code __}) must hold on the node; a node with none of these labels fits (a single-zone
 * cluster). Unbound claims of a WaitForFirstConsumer class are left to VolumeBinding; other unbound ones, missing
 * claims, volumes and classes are unresolvable, in kube's words.
 */
public final class VolumeZone implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {

  public static final String NAME = "VolumeZone";
  public static final String ERR_CONFLICT = "node(s) had no available volume zone";
  private static final String KEY = "PreFilter" + NAME;
  static final String BETA_ZONE = "failure-domain.beta.kubernetes.io/zone";
  static final String BETA_REGION = "failure-domain.beta.kubernetes.io/region";
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String REGION = "topology.kubernetes.io/region";
  private static final List<String> TOPOLOGY_LABELS = List.of(BETA_ZONE, BETA_REGION, ZONE, REGION);

  private final Handle handle;

  public VolumeZone(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * A node added or relabelled (no hint; kube 1.32 with its queueing hints leaves node taints out), a claim added or
   * changed, a volume added or changed, a class added, with kube's hints: one of the pod's claims
   * ({@code isSchedulableAfterPersistentVolumeClaimChange}), any volume added or one whose zone or region labels
   * changed ({@code isSchedulableAfterPersistentVolumeChange}), a {@code WaitForFirstConsumer} class
   * ({@code isSchedulableAfterStorageClassAdded}).
   */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(
        ClusterEventWithHint.of(new ClusterEvent(ClusterEvent.Resource.NODE,
            ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_LABEL)),
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM,
            ClusterEvent.ADD | ClusterEvent.UPDATE), (pod, oldObj, newObj) -> {
              PersistentVolumeClaim c = (PersistentVolumeClaim) newObj;
              return c.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
                  && claimNames(pod).contains(c.getMetadata().getName()) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
            }),
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME,
            ClusterEvent.ADD | ClusterEvent.UPDATE), (pod, oldObj, newObj) -> oldObj == null
            || !topologyLabels((PersistentVolume) oldObj).equals(topologyLabels((PersistentVolume) newObj))
            ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP),
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.STORAGE_CLASS, ClusterEvent.ADD),
            (pod, oldObj, newObj) -> "WaitForFirstConsumer".equals(
                ((io.fabric8.kubernetes.api.model.storage.StorageClass) newObj).getVolumeBindingMode())
                ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP));
  }

  private static Set<String> claimNames(Pod pod) {
    Set<String> out = new java.util.HashSet<>();
    for (Volume v : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
      if (v.getPersistentVolumeClaim() != null) {
        out.add(v.getPersistentVolumeClaim().getClaimName());
      }
    }
    return out;
  }

  /** A volume's zone and region labels (kube's {@code getPVTopologies}). */
  private static Map<String, String> topologyLabels(PersistentVolume pv) {
    Map<String, String> labels = pv.getMetadata().getLabels() == null ? Map.of() : pv.getMetadata().getLabels();
    Map<String, String> out = new java.util.HashMap<>();
    for (String key : TOPOLOGY_LABELS) {
      if (labels.containsKey(key)) {
        out.put(key, labels.get(key));
      }
    }
    return out;
  }

  /** One topology label of a bound volume: its key and the zones or regions it allows. */
  record Topology(String volume, String key, Set<String> values) {
  }

  /** The topologies of the pod's bound volumes. */
  record State(List<Topology> topologies) {
  }

  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    List<Topology> topologies = new ArrayList<>();
    Status s = topologies(pod, topologies);
    if (!s.isSuccess()) {
      return s;
    }
    if (topologies.isEmpty()) {
      return Status.skip();
    }
    state.write(KEY, new State(List.copyOf(topologies)));
    return Status.success();
  }

  /** kube's {@code getPVbyPod}. */
  private Status topologies(Pod pod, List<Topology> out) {
    List<Volume> volumes = pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume v : volumes) {
      if (v.getPersistentVolumeClaim() == null) {
        continue;
      }
      String claimName = v.getPersistentVolumeClaim().getClaimName();
      if (claimName == null || claimName.isEmpty()) {
        return Status.unresolvable("PersistentVolumeClaim had no name");
      }
      PersistentVolumeClaim claim = handle == null ? null
          : handle.persistentVolumeClaim(pod.getMetadata().getNamespace(), claimName);
      if (claim == null) {
        return Status.unresolvable("persistentvolumeclaim \"" + claimName + "\" not found");
      }
      String pvName = claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
      if (pvName == null || pvName.isEmpty()) {
        String className = ClaimClass.of(claim);
        if (className.isEmpty()) {
          return Status.unresolvable("PersistentVolumeClaim had no pv name and storageClass name");
        }
        String mode = handle.volumeBindingMode(className);
        if (mode == null) {
          return Status.unresolvable("storageclass.storage.k8s.io \"" + className + "\" not found");
        }
        if (mode.equals("WaitForFirstConsumer")) {
          continue;
        }
        return Status.unresolvable("PersistentVolume had no name");
      }
      PersistentVolume pv = handle.persistentVolume(pvName);
      if (pv == null) {
        return Status.unresolvable("persistentvolume \"" + pvName + "\" not found");
      }
      Map<String, String> labels = pv.getMetadata().getLabels() == null ? Map.of() : pv.getMetadata().getLabels();
      for (String key : TOPOLOGY_LABELS) {
        String value = labels.get(key);
        if (value != null) {
          Set<String> zones = zones(value);
          if (!zones.isEmpty()) {
            out.add(new Topology(pvName, key, zones));
          }
        }
      }
    }
    return Status.success();
  }

  /** kube's {@code LabelZonesToSet}: zones joined by {@code __}, blanks left out; none when one is empty. */
  static Set<String> zones(String value) {
    Set<String> out = new java.util.LinkedHashSet<>();
    for (String z : value.split("__", -1)) {
      String t = z.strip();
      if (t.isEmpty()) {
        return Set.of();
      }
      out.add(t);
    }
    return out;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    if (pod.getSpec().getVolumes() == null || pod.getSpec().getVolumes().isEmpty()) {
      return Status.success();
    }
    State s = state.read(KEY);
    List<Topology> topologies = s == null ? null : s.topologies();
    if (topologies == null) {
      List<Topology> computed = new ArrayList<>();
      Status st = topologies(pod, computed);
      if (!st.isSuccess()) {
        return st;
      }
      topologies = computed;
    }
    Map<String, String> labels = node.labels();
    if (TOPOLOGY_LABELS.stream().noneMatch(labels::containsKey)) {
      return Status.success();
    }
    for (Topology t : topologies) {
      String v = labels.get(t.key());
      if (v == null) {
        v = labels.get(t.key().equals(BETA_ZONE) ? ZONE : t.key().equals(BETA_REGION) ? REGION : t.key());
      }
      if (v == null || !t.values().contains(v)) {
        return Status.unresolvable(ERR_CONFLICT);
      }
    }
    return Status.success();
  }
}
