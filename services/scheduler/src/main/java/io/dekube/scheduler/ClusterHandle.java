package io.dekube.scheduler;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.framework.Profile;
import io.dekube.scheduler.framework.ProfileHandle;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link io.dekube.scheduler.api.Handle} of one profile over the running scheduler: the current
 * snapshot, the profile's filters, the PodDisruptionBudgets, and writes through {@link PodWrites}.
 */
final class ClusterHandle implements ProfileHandle {

  private final String schedulerName;
  private final Supplier<List<NodeInfo>> snapshot;
  private final Function<String, Map<String, String>> namespaceLabels;
  private final PodWrites writes;
  private final Permits permits;
  private final Supplier<List<PodDisruptionBudget>> budgets;
  private final Function<String, List<Pod>> nominated;
  private Profile profile;
  private VolumeObjects volumes;
  private WorkloadObjects workloads;

  ClusterHandle(String schedulerName, Supplier<List<NodeInfo>> snapshot,
                Function<String, Map<String, String>> namespaceLabels, PodWrites writes, Permits permits,
                Supplier<List<PodDisruptionBudget>> budgets, Function<String, List<Pod>> nominated) {
    this.budgets = budgets;
    this.nominated = nominated;
    this.schedulerName = schedulerName;
    this.snapshot = snapshot;
    this.namespaceLabels = namespaceLabels;
    this.writes = writes;
    this.permits = permits;
  }

  /** Gives the VolumeBinding plugin the scheduler's claims, volumes and classes. */
  ClusterHandle withVolumes(VolumeObjects v) {
    this.volumes = v;
    return this;
  }

  /** Gives PodTopologySpread's default selector the scheduler's Services and workloads. */
  ClusterHandle withWorkloads(WorkloadObjects w) {
    this.workloads = w;
    return this;
  }

  @Override
  public List<io.fabric8.kubernetes.api.model.Service> services(String namespace) {
    return workloads == null ? List.of() : workloads.services(namespace);
  }

  @Override
  public io.fabric8.kubernetes.api.model.HasMetadata workload(String kind, String namespace, String name) {
    return workloads == null ? null : workloads.workload(kind, namespace, name);
  }

  @Override
  public io.fabric8.kubernetes.api.model.PersistentVolumeClaim persistentVolumeClaim(String namespace, String name) {
    return volumes == null ? null : volumes.claim(namespace, name);
  }

  @Override
  public io.fabric8.kubernetes.api.model.PersistentVolume persistentVolume(String name) {
    return volumes == null ? null : volumes.volume(name);
  }

  @Override
  public String volumeBindingMode(String storageClass) {
    return volumes == null ? null : volumes.bindingMode(storageClass);
  }

  @Override
  public String provisioner(String storageClass) {
    return volumes == null ? null : volumes.provisioner(storageClass);
  }

  @Override
  public Map<String, Integer> csiVolumeLimits(String nodeName) {
    return volumes == null ? Map.of() : volumes.csiVolumeLimits(nodeName);
  }

  @Override
  public CompletionStage<Void> annotateClaim(String namespace, String name, String key, String value) {
    return stage(volumes.annotate(namespace, name, key, value));
  }

  @Override
  public void attach(Profile p) {
    this.profile = p;
  }

  @Override
  public String schedulerName() {
    return schedulerName;
  }

  @Override
  public List<NodeInfo> nodes() {
    return snapshot.get();
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    return namespaceLabels.apply(namespace);
  }

  @Override
  public List<PodDisruptionBudget> podDisruptionBudgets() {
    return budgets.get();
  }

  @Override
  public List<Pod> nominatedPods(String nodeName) {
    return nominated.apply(nodeName);
  }

  @Override
  public Status runPreFilters(CycleState state, Pod pod, List<NodeInfo> nodes) {
    return profile.runPreFilters(state, pod, nodes);
  }

  @Override
  public Status runFilters(CycleState state, Pod pod, NodeInfo node) {
    return profile.runFilters(state, pod, node);
  }

  @Override
  public CompletionStage<Void> deletePod(Pod victim, String reason) {
    return stage(writes.delete(victim));
  }

  @Override
  public CompletionStage<Void> preemptPod(Pod victim, Pod preemptor) {
    if (permits.waiting(victim)) {
      // kube's PreemptPod: a pod a Permit plugin holds is rejected, not deleted; it goes back to the queue
      permits.reject(victim, "DefaultPreemption", "preempted");
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    String scheduler = preemptor.getSpec().getSchedulerName() == null ? "default-scheduler"
        : preemptor.getSpec().getSchedulerName();
    return stage(writes.markDisrupted(victim, "PreemptionByScheduler",
        scheduler + ": preempting to accommodate a higher priority pod").compose(v -> writes.delete(victim)));
  }

  @Override
  public CompletionStage<Void> nominate(Pod pod, String nodeName) {
    return stage(writes.nominate(pod, nodeName));
  }

  @Override
  public CompletionStage<Void> bind(Pod pod, String nodeName) {
    return stage(writes.bind(pod, nodeName));
  }

  @Override
  public void event(Pod pod, String type, String reason, String message) {
    writes.event(pod, null, type, reason, message);
  }

  @Override
  public void event(Pod pod, Pod related, String type, String reason, String message) {
    writes.event(pod, related, type, reason, message);
  }

  @Override
  public void allow(Pod pod, String pluginName) {
    permits.allow(pod);
  }

  @Override
  public void reject(Pod pod, String pluginName, String message) {
    permits.reject(pod, pluginName, message);
  }

  private static CompletionStage<Void> stage(Future<Void> f) {
    return f.toCompletionStage();
  }
}
