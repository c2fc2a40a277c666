package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What the framework offers its plugins (kube's {@code framework.Handle}): the current node
 * snapshot, the profile's own filters (preemption re-runs them on what-if copies of nodes), and the
 * few writes a plugin may make — delete a pod, nominate a node, bind, record an Event. Writes go
 * through the store and complete their stage on the scheduler's thread. Thread-safe reads.
 */
public interface Handle {

  /** The profile's scheduler name. */
  String schedulerName();

  /** The nodes of the current cycle's snapshot. */
  List<NodeInfo> nodes();

  /** The labels of a namespace (empty when unknown); for namespace selectors. */
  Map<String, String> namespaceLabels(String namespace);

  /**
   * The PodDisruptionBudgets of the cluster, as the scheduler's informer holds them (kube's PDB
   * lister), for preemption to spare pods whose budget allows no disruption. Empty unless the
   * scheduler provides them; shared objects, not to be changed. Thread-safe.
   */
  default List<PodDisruptionBudget> podDisruptionBudgets() {
    return List.of();
  }

  /**
   * A PersistentVolumeClaim as the scheduler's informer holds it (kube's PVC lister), or null (also
   * when the scheduler provides none). Shared, not to be changed. Thread-safe.
   */
  default io.fabric8.kubernetes.api.model.PersistentVolumeClaim persistentVolumeClaim(String namespace, String name) {
    return null;
  }

  /** A PersistentVolume as the scheduler's informer holds it, or null. Shared, not to be changed. Thread-safe. */
  default io.fabric8.kubernetes.api.model.PersistentVolume persistentVolume(String name) {
    return null;
  }

  /** The {@code volumeBindingMode} of a StorageClass ({@code Immediate}, {@code WaitForFirstConsumer}), null when unknown. */
  default String volumeBindingMode(String storageClass) {
    return null;
  }

  /** The {@code provisioner} of a StorageClass, null when the class is unknown. */
  default String provisioner(String storageClass) {
    return null;
  }

  /**
   * The CSI volume limits of a node: each driver of its {@code CSINode} with an {@code allocatable.count}, by driver
   * name (kube's CSINode lister); empty when the node has no CSINode. Thread-safe.
   */
  default Map<String, Integer> csiVolumeLimits(String nodeName) {
    return Map.of();
  }

  /** Sets an annotation of a PersistentVolumeClaim (VolumeBinding's {@code volume.kubernetes.io/selected-node}). */
  default CompletionStage<Void> annotateClaim(String namespace, String name, String key, String value) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /**
   * The Services of a namespace, as the scheduler's informer holds them (kube's Service lister; PodTopologySpread's
   * default selector). Empty unless the scheduler provides them. Shared, not to be changed. Thread-safe.
   */
  default List<io.fabric8.kubernetes.api.model.Service> services(String namespace) {
    return List.of();
  }

  /**
   * A workload that may own pods — {@code v1} ReplicationController, {@code apps/v1} ReplicaSet or StatefulSet —
   * by kind, namespace and name, as the scheduler's informers hold it (kube's listers), or null (also when the
   * scheduler provides none). Shared, not to be changed. Thread-safe.
   */
  default io.fabric8.kubernetes.api.model.HasMetadata workload(String kind, String namespace, String name) {
    return null;
  }

  /** Runs the profile's PreFilter plugins for a pod over a set of nodes into {@code state}. */
  Status runPreFilters(CycleState state, Pod pod, List<NodeInfo> nodes);

  /**
   * The pending pods nominated to a node ({@code status.nominatedNodeName}, kube's {@code NominatedPodsForNode}),
   * as the scheduler's nominator holds them; empty by default. Shared, not to be changed.
   */
  default List<Pod> nominatedPods(String nodeName) {
    return List.of();
  }

  /**
   * Runs the profile's Filter plugins (those PreFilter did not skip) for a pod on one node, counting the pods
   * nominated there that it must yield to (kube's {@code RunFilterPluginsWithNominatedPods}).
   */
  Status runFilters(CycleState state, Pod pod, NodeInfo node);

  /** Deletes a pod (a preemption victim); {@code reason} goes into the victim's Event. */
  CompletionStage<Void> deletePod(Pod victim, String reason);

  /**
   * Preempts a victim for {@code preemptor}, as kube's {@code prepareCandidate}: the victim's
   * {@code DisruptionTarget} condition ({@code PreemptionByScheduler}), then its deletion. By default
   * only the deletion (a handle without status writes).
   */
  default CompletionStage<Void> preemptPod(Pod victim, Pod preemptor) {
    return deletePod(victim, "preempted");
  }

  /** Sets {@code status.nominatedNodeName} of a pod (null clears it). */
  CompletionStage<Void> nominate(Pod pod, String nodeName);

  /** Binds a pod to a node through the {@code pods/binding} subresource. */
  CompletionStage<Void> bind(Pod pod, String nodeName);

  /** Records an Event on a pod ({@code type} Normal or Warning). */
  void event(Pod pod, String type, String reason, String message);

  /**
   * Records an Event on a pod that names another object as {@code related} (kube's preemption: the victim's
   * {@code Preempted} names its preemptor). By default the related pod is left out.
   */
  default void event(Pod pod, Pod related, String type, String reason, String message) {
    event(pod, type, reason, message);
  }

  /** Lets a pod that a Permit plugin holds go on (by that plugin's name). */
  void allow(Pod pod, String pluginName);

  /** Rejects a pod that a Permit plugin holds, with a message. */
  void reject(Pod pod, String pluginName, String message);
}
