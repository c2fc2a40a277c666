package io.dekube.controllermanager;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.cronjob.CronJobController;
import io.dekube.controllermanager.daemonset.DaemonSetController;
import io.dekube.controllermanager.deployment.DeploymentController;
import io.dekube.controllermanager.disruption.DisruptionController;
import io.dekube.controllermanager.endpoints.EndpointSliceController;
import io.dekube.controllermanager.endpoints.EndpointsController;
import io.dekube.controllermanager.ephemeral.EphemeralVolumeController;
import io.dekube.controllermanager.expand.VolumeResizer;
import io.dekube.controllermanager.gc.GarbageCollector;
import io.dekube.controllermanager.job.JobController;
import io.dekube.controllermanager.localpath.LocalPathProvisioner;
import io.dekube.controllermanager.localpath.LocalPathReclaimer;
import io.dekube.controllermanager.localpath.VolumeFolders;
import io.dekube.controllermanager.persistentvolume.ClaimBinder;
import io.dekube.controllermanager.persistentvolume.VolumeReclaimer;
import io.dekube.controllermanager.namespace.NamespaceController;
import io.dekube.controllermanager.nodeipam.NodeIpamController;
import io.dekube.controllermanager.nodelifecycle.NodeLifecycleController;
import io.dekube.controllermanager.podgc.PodGarbageCollector;
import io.dekube.controllermanager.replicaset.ReplicaSetController;
import io.dekube.controllermanager.replication.ReplicationManager;
import io.dekube.controllermanager.resourcequota.ResourceQuotaController;
import io.dekube.controllermanager.statefulset.StatefulSetController;
import io.dekube.controllermanager.storageprotection.StorageProtection;
import io.dekube.controllermanager.serviceaccount.RootCaPublisher;
import io.dekube.controllermanager.serviceaccount.ServiceAccountsController;
import io.dekube.controllermanager.serviceaccount.TokenCredentials;
import io.dekube.controllermanager.serviceaccount.TokensController;
import io.dekube.controllermanager.tainteviction.TaintEvictionController;
import io.dekube.controllermanager.ttl.TtlAfterFinishedController;
import io.dekube.core.controller.ControllerLoop;
import java.util.List;
import java.util.function.Function;

/** The registry of built-in controllers: each one's name, the resources it reads, and how to build its loop. */
final class Controllers {

  /** One controller: the informers it needs synced before it starts, and its loop. */
  record Spec(String name, List<String> reads, Function<ControllerContext, ControllerLoop> factory) {
  }

  private Controllers() {
  }

  static List<Spec> all(ControllerManagerConfig c) {
    return all(c, null, null, List.of(), List.of());
  }

  /**
   * Every controller; the token controllers only when {@code tokens} (the PKI's signer and CA) is given;
   * the HPA controller reads metrics.k8s.io through the apiserver with {@code api} (without it, every HPA
   * says that it has no metrics API). The garbage collector also follows the plugin controllers' kinds:
   * {@code pluginOwners} own objects of {@code pluginDependents}.
   */
  static List<Spec> all(ControllerManagerConfig c, TokenCredentials tokens,
                        io.dekube.controllermanager.podautoscaler.ApiCredentials api, List<String> pluginOwners,
                        List<String> pluginDependents) {
    List<Spec> specs = new java.util.ArrayList<>(builtIn(c));
    specs.add(new Spec("garbagecollector",
        GarbageCollector.union(gcReads(), GarbageCollector.union(pluginOwners, pluginDependents)),
        ctx -> new GarbageCollector(ctx, pluginOwners, pluginDependents).loop(c.resync(), c.workers())));
    specs.addAll(storage(c));
    specs.add(new Spec("horizontalpodautoscaling", List.of("horizontalpodautoscalers.autoscaling", "pods",
        "deployments.apps", "replicasets.apps", "statefulsets.apps", "replicationcontrollers", "endpoints"),
        ctx -> new io.dekube.controllermanager.podautoscaler.HorizontalController(ctx,
            io.dekube.controllermanager.podautoscaler.HorizontalController.metricsSource(ctx, api, c.hpa()), c.hpa())
            .loop(c.resync(), c.hpa().concurrentSyncs())));
    // quotas: status.hard and status.used of every ResourceQuota, from the kinds it counts
    List<String> quotaReads = new java.util.ArrayList<>(List.of("resourcequotas"));
    ResourceQuotaController.served(io.dekube.core.model.ResourceRegistry.builtIn()).stream()
        .filter(r -> !quotaReads.contains(r)).forEach(quotaReads::add);
    specs.add(new Spec("resourcequota", quotaReads, ctx -> new ResourceQuotaController(ctx).loop(c.resync(), c.workers())));
    specs.add(new Spec("serviceaccount", List.of("namespaces", "serviceaccounts"),
        ctx -> new ServiceAccountsController(ctx).loop(c.resync(), c.workers())));
    if (tokens != null) {
      specs.add(new Spec("serviceaccount-token", List.of("secrets", "serviceaccounts"),
          ctx -> new TokensController(ctx, tokens.signer(), tokens.caPem()).loop(c.resync(), c.workers())));
      specs.add(new Spec("root-ca-cert-publisher", List.of("namespaces", "configmaps"),
          ctx -> new RootCaPublisher(ctx, tokens.caPem()).loop(c.resync(), c.workers())));
    }
    return specs;
  }

  private static List<Spec> builtIn(ControllerManagerConfig c) {
    return List.of(
        new Spec("replicaset", List.of("replicasets.apps", "pods"),
            ctx -> new ReplicaSetController(ctx).loop(c.resync(), c.workers())),
        new Spec("replicationcontroller", List.of("replicationcontrollers", "pods"),
            ctx -> new ReplicationManager(ctx).loop(c.resync(), c.workers())),
        new Spec("deployment", List.of("deployments.apps", "replicasets.apps", "pods"),
            ctx -> new DeploymentController(ctx).loop(c.resync(), c.workers())),
        new Spec("endpoints", List.of("services", "pods", "endpoints"),
            ctx -> new EndpointsController(ctx).loop(c.resync(), c.workers())),
        new Spec("endpointslice", List.of("services", "pods", "endpointslices.discovery.k8s.io"),
            ctx -> new EndpointSliceController(ctx).loop(c.resync(), c.workers())),
        new Spec("namespace", List.of("namespaces"),
            ctx -> new NamespaceController(ctx).loop(c.resync(), c.workers())),
        // workloads: daemonsets, statefulsets, jobs (and their TTL)
        new Spec("statefulset", List.of("statefulsets.apps", "pods", "controllerrevisions.apps", "persistentvolumeclaims"),
            ctx -> new StatefulSetController(ctx).loop(c.resync(), c.workers())),
        new Spec("daemonset", List.of("daemonsets.apps", "pods", "nodes", "controllerrevisions.apps"),
            ctx -> new DaemonSetController(ctx).loop(c.resync(), c.workers())),
        new Spec("job", List.of("jobs.batch", "pods"),
            ctx -> new JobController(ctx).loop(c.resync(), c.workers())),
        new Spec("cronjob", List.of("cronjobs.batch", "jobs.batch"),
            ctx -> new CronJobController(ctx).loop(c.resync(), c.workers())),
        new Spec("ttl-after-finished", List.of("jobs.batch"),
            ctx -> new TtlAfterFinishedController(ctx).loop(c.resync(), c.workers())),
        // disruption budgets: their status, read by the eviction API and the scheduler's preemption
        new Spec("disruption", List.of("poddisruptionbudgets.policy", "pods", "replicasets.apps", "deployments.apps",
            "statefulsets.apps", "replicationcontrollers"), ctx -> new DisruptionController(ctx).loop(c.resync(), c.workers())),
        // nodes: lifecycle, taint eviction, pod GC, IPAM
        new Spec("nodelifecycle", List.of("nodes", "leases.coordination.k8s.io", "pods"),
            ctx -> new NodeLifecycleController(ctx, c.nodeMonitorGracePeriod(), c.nodeLifecycle()).loop(c.resync(), c.workers())),
        new Spec("tainteviction", List.of("nodes", "pods"),
            ctx -> new TaintEvictionController(ctx).loop(c.resync(), c.workers())),
        new Spec("podgc", List.of("nodes", "pods"),
            ctx -> new PodGarbageCollector(ctx, c.terminatedPodGcThreshold()).loop(c.resync(), c.workers())),
        new Spec("nodeipam", List.of("nodes"),
            ctx -> new NodeIpamController(ctx, c.clusterCidr()).loop(c.resync())));
  }

  /**
   * kube's PersistentVolume binder, storage protection, volume expansion, the ephemeral volume controller, and the
   * local-path provisioner when it has a folder to work in.
   */
  private static List<Spec> storage(ControllerManagerConfig c) {
    List<String> reads = List.of("persistentvolumeclaims", "persistentvolumes", "storageclasses.storage.k8s.io");
    List<Spec> specs = new java.util.ArrayList<>(List.of(
        new Spec("persistentvolume-binder", reads, ctx -> new ClaimBinder(ctx).loop(c.resync(), c.workers())),
        new Spec("persistentvolume-reclaimer", reads, ctx -> new VolumeReclaimer(ctx).loop(c.resync(), c.workers())),
        new Spec("pvc-protection", List.of("persistentvolumeclaims", "pods"),
            ctx -> StorageProtection.claims(ctx, c.resync(), c.workers())),
        new Spec("pv-protection", List.of("persistentvolumes"),
            ctx -> StorageProtection.volumes(ctx, c.resync(), c.workers())),
        new Spec("persistentvolume-expander", List.of("persistentvolumeclaims", "persistentvolumes"),
            ctx -> new VolumeResizer(ctx).loop(c.resync(), c.workers())),
        new Spec("ephemeral-volume", List.of("pods", "persistentvolumeclaims"),
            ctx -> new EphemeralVolumeController(ctx).loop(c.resync(), c.workers()))));
    if (c.localPathDir() != null) {
      java.nio.file.Path root = java.nio.file.Path.of(c.localPathDir());
      specs.add(new Spec("local-path-provisioner", reads, ctx -> new LocalPathProvisioner(ctx, root,
          VolumeFolders.onDisk(ctx.vertx())).loop(c.resync(), c.workers())));
      specs.add(new Spec("local-path-reclaimer", reads, ctx -> new LocalPathReclaimer(ctx, root,
          VolumeFolders.onDisk(ctx.vertx())).loop(c.resync(), c.workers())));
    }
    return specs;
  }

  private static List<String> gcReads() {
    List<String> all = new java.util.ArrayList<>(GarbageCollector.OWNERS);
    GarbageCollector.DEPENDENTS.stream().filter(d -> !all.contains(d)).forEach(all::add);
    return all;
  }
}
