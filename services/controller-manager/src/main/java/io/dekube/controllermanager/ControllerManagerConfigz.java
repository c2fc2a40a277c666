package io.dekube.controllermanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.GoDuration;
import java.time.Duration;

/**
 * kube-controller-manager's {@code /configz}: {@code {"kubecontrollermanager.config.k8s.io": {...}}} (kube registers
 * its configz under its config group's name, {@link #NAME}, not {@code componentconfig} as kube-scheduler does), its internal
 * {@code KubeControllerManagerConfiguration} as kube 1.32 holds it after reading its flags. The internal type has no
 * JSON tags, so Go's encoder names the fields as Go does ({@code Generic.LeaderElection.LeaseDuration} as
 * {@code "15s"}, {@code PodGCController.TerminatedPodGCThreshold}), in the structs' field order; its empty TypeMeta
 * leaves no {@code kind} nor {@code apiVersion}. Built once; pure.
 * <p>
 * dekube's own flags give the values it has flags for (leader election's timings, {@code --cluster-cidr},
 * {@code --node-monitor-period} and the node lifecycle controller's, the HPA controller's,
 * {@code --terminated-pod-gc-threshold}); every other field holds kube 1.32's default. Decisions, where dekube's
 * controller-manager is not kube's: {@code UseServiceAccountCredentials} and {@code AllocateNodeCIDRs} are
 * {@code true} because dekube's controllers do write as their service accounts and its node IPAM does allocate
 * pod CIDRs; {@code Kubeconfig} is empty, the controllers talking on the bus; the {@code Concurrent*Syncs} and
 * {@code MinResyncPeriod} are kube's defaults, while dekube's loops run 5 workers each (the HPA's its flag) and
 * resync every 5 minutes.
 */
public final class ControllerManagerConfigz {

  /** The name kube registers the configuration under ({@code ConfigzName}, its config group). */
  public static final String NAME = "kubecontrollermanager.config.k8s.io";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Duration UPSCALE_FORBIDDEN_WINDOW = Duration.ofMinutes(3);
  private static final Duration DOWNSCALE_FORBIDDEN_WINDOW = Duration.ofMinutes(5);

  private ControllerManagerConfigz() {
  }

  /** The configuration for {@code c}, with kube's defaults for the deprecated HPA forbidden windows. */
  public static ObjectNode configuration(ControllerManagerConfig c) {
    return configuration(c, UPSCALE_FORBIDDEN_WINDOW, DOWNSCALE_FORBIDDEN_WINDOW);
  }

  /**
   * The configuration for {@code c}, as {@code /configz} shows it under {@link #NAME}; {@code upscaleForbidden} and {@code downscaleForbidden} are the deprecated no-op
   * {@code --horizontal-pod-autoscaler-upscale-delay} and {@code -downscale-delay} (3m0s and 5m0s), which kube
   * still stores.
   */
  public static ObjectNode configuration(ControllerManagerConfig c, Duration upscaleForbidden,
                                         Duration downscaleForbidden) {
    ObjectNode k = F.objectNode();
    k.set("Generic", generic(c));
    k.set("KubeCloudShared", kubeCloudShared(c));
    k.putObject("AttachDetachController").put("DisableAttachDetachReconcilerSync", false)
        .put("ReconcilerSyncLoopPeriod", "1m0s").put("DisableForceDetachOnTimeout", false);
    ObjectNode csr = k.putObject("CSRSigningController").put("ClusterSigningCertFile", "")
        .put("ClusterSigningKeyFile", "");
    for (String signer : new String[] {"KubeletServingSignerConfiguration", "KubeletClientSignerConfiguration",
        "KubeAPIServerClientSignerConfiguration", "LegacyUnknownSignerConfiguration"}) {
      csr.putObject(signer).put("CertFile", "").put("KeyFile", "");
    }
    csr.put("ClusterSigningDuration", "8760h0m0s");
    k.putObject("DaemonSetController").put("ConcurrentDaemonSetSyncs", 2);
    k.putObject("DeploymentController").put("ConcurrentDeploymentSyncs", 5);
    k.putObject("StatefulSetController").put("ConcurrentStatefulSetSyncs", 5);
    k.putObject("DeprecatedController");
    k.putObject("EndpointController").put("ConcurrentEndpointSyncs", 5).put("EndpointUpdatesBatchPeriod", "0s");
    k.putObject("EndpointSliceController").put("ConcurrentServiceEndpointSyncs", 5).put("MaxEndpointsPerSlice", 100)
        .put("EndpointUpdatesBatchPeriod", "0s");
    k.putObject("EndpointSliceMirroringController").put("MirroringConcurrentServiceEndpointSyncs", 5)
        .put("MirroringMaxEndpointsPerSubset", 1000).put("MirroringEndpointUpdatesBatchPeriod", "0s");
    k.putObject("EphemeralVolumeController").put("ConcurrentEphemeralVolumeSyncs", 5);
    ObjectNode gc = k.putObject("GarbageCollectorController").put("EnableGarbageCollector", true)
        .put("ConcurrentGCSyncs", 20);
    gc.putArray("GCIgnoredResources").add(F.objectNode().put("Group", "").put("Resource", "events"))
        .add(F.objectNode().put("Group", "events.k8s.io").put("Resource", "events"));
    k.set("HPAController", hpa(c, upscaleForbidden, downscaleForbidden));
    k.putObject("JobController").put("ConcurrentJobSyncs", 5);
    k.putObject("CronJobController").put("ConcurrentCronJobSyncs", 5);
    k.putObject("LegacySATokenCleaner").put("CleanUpPeriod", "8760h0m0s");
    k.putObject("NamespaceController").put("NamespaceSyncPeriod", "5m0s").put("ConcurrentNamespaceSyncs", 10);
    k.putObject("NodeIPAMController").put("ServiceCIDR", "").put("SecondaryServiceCIDR", "")
        .put("NodeCIDRMaskSize", 0).put("NodeCIDRMaskSizeIPv4", 0).put("NodeCIDRMaskSizeIPv6", 0);
    k.set("NodeLifecycleController", nodeLifecycle(c));
    k.set("PersistentVolumeBinderController", persistentVolumeBinder());
    k.putObject("PodGCController").put("TerminatedPodGCThreshold", c.terminatedPodGcThreshold());
    k.putObject("ReplicaSetController").put("ConcurrentRSSyncs", 5);
    k.putObject("ReplicationController").put("ConcurrentRCSyncs", 5);
    k.putObject("ResourceQuotaController").put("ResourceQuotaSyncPeriod", "5m0s")
        .put("ConcurrentResourceQuotaSyncs", 5);
    k.putObject("SAController").put("ServiceAccountKeyFile", "").put("ConcurrentSATokenSyncs", 5)
        .put("RootCAFile", "");
    k.putObject("ServiceController").put("ConcurrentServiceSyncs", 1);
    k.putObject("TTLAfterFinishedController").put("ConcurrentTTLSyncs", 5);
    k.putObject("ValidatingAdmissionPolicyStatusController").put("ConcurrentPolicySyncs", 5);
    return k;
  }

  private static ObjectNode generic(ControllerManagerConfig c) {
    ObjectNode g = F.objectNode();
    g.put("Port", 0); // kube's insecure port is gone; the secure port is not part of this type
    g.put("Address", "0.0.0.0");
    g.put("MinResyncPeriod", "12h0m0s");
    g.putObject("ClientConnection").put("Kubeconfig", "").put("AcceptContentTypes", "")
        .put("ContentType", "application/vnd.kubernetes.protobuf").put("QPS", 20).put("Burst", 30);
    g.put("ControllerStartInterval", "0s");
    g.putObject("LeaderElection").put("LeaderElect", true).put("LeaseDuration", go(c.leaseDuration()))
        .put("RenewDeadline", go(c.renewDeadline())).put("RetryPeriod", go(c.retryPeriod()))
        .put("ResourceLock", "leases").put("ResourceName", "kube-controller-manager")
        .put("ResourceNamespace", "kube-system");
    g.putArray("Controllers").add("*");
    g.putObject("Debugging").put("EnableProfiling", true).put("EnableContentionProfiling", false);
    g.put("LeaderMigrationEnabled", false);
    g.putObject("LeaderMigration").put("LeaderName", "").put("ResourceLock", "").putNull("ControllerLeaders");
    return g;
  }

  private static ObjectNode kubeCloudShared(ControllerManagerConfig c) {
    ObjectNode s = F.objectNode();
    s.putObject("CloudProvider").put("Name", "").put("CloudConfigFile", "");
    s.put("ExternalCloudVolumePlugin", "");
    s.put("UseServiceAccountCredentials", true);
    s.put("AllowUntaggedCloud", false);
    s.put("RouteReconciliationPeriod", "10s");
    Duration monitor = c.nodeLifecycle().monitorPeriod();
    s.put("NodeMonitorPeriod", monitor == null ? "5s" : go(monitor));
    s.put("ClusterName", "kubernetes");
    s.put("ClusterCIDR", c.clusterCidr() == null ? "" : c.clusterCidr());
    s.put("AllocateNodeCIDRs", c.clusterCidr() != null && !c.clusterCidr().isEmpty());
    s.put("CIDRAllocatorType", "RangeAllocator");
    s.put("ConfigureCloudRoutes", true);
    s.put("NodeSyncPeriod", "0s");
    return s;
  }

  private static ObjectNode hpa(ControllerManagerConfig c, Duration upscaleForbidden, Duration downscaleForbidden) {
    var h = c.hpa();
    return F.objectNode().put("ConcurrentHorizontalPodAutoscalerSyncs", h.concurrentSyncs())
        .put("HorizontalPodAutoscalerSyncPeriod", go(h.syncPeriod()))
        .put("HorizontalPodAutoscalerUpscaleForbiddenWindow", go(upscaleForbidden))
        .put("HorizontalPodAutoscalerDownscaleStabilizationWindow", go(h.downscaleStabilization()))
        .put("HorizontalPodAutoscalerDownscaleForbiddenWindow", go(downscaleForbidden))
        .put("HorizontalPodAutoscalerTolerance", h.tolerance())
        .put("HorizontalPodAutoscalerCPUInitializationPeriod", go(h.cpuInitializationPeriod()))
        .put("HorizontalPodAutoscalerInitialReadinessDelay", go(h.initialReadinessDelay()));
  }

  private static ObjectNode nodeLifecycle(ControllerManagerConfig c) {
    var n = c.nodeLifecycle();
    ObjectNode o = F.objectNode();
    o.set("NodeEvictionRate", float32(n.nodeEvictionRate()));
    o.set("SecondaryNodeEvictionRate", float32(n.secondaryNodeEvictionRate()));
    o.put("NodeStartupGracePeriod", go(n.startupGracePeriod()));
    o.put("NodeMonitorGracePeriod", go(c.nodeMonitorGracePeriod()));
    o.put("LargeClusterSizeThreshold", n.largeClusterSizeThreshold());
    o.set("UnhealthyZoneThreshold", float32(n.unhealthyZoneThreshold()));
    return o;
  }

  private static ObjectNode persistentVolumeBinder() {
    ObjectNode p = F.objectNode().put("PVClaimBinderSyncPeriod", "15s");
    ObjectNode v = p.putObject("VolumeConfiguration").put("EnableHostPathProvisioning", false)
        .put("EnableDynamicProvisioning", true);
    v.putObject("PersistentVolumeRecyclerConfiguration").put("MaximumRetry", 3).put("MinimumTimeoutNFS", 300)
        .put("PodTemplateFilePathNFS", "").put("IncrementTimeoutNFS", 30).put("PodTemplateFilePathHostPath", "")
        .put("MinimumTimeoutHostPath", 60).put("IncrementTimeoutHostPath", 30);
    v.put("FlexVolumePluginDir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec/");
    p.putNull("VolumeHostCIDRDenylist");
    p.put("VolumeHostAllowLocalLoopback", true);
    return p;
  }

  private static String go(Duration d) {
    return GoDuration.format(d);
  }

  /** A float32 as Go's encoder writes it: its shortest form, no {@code .0} on a whole number. */
  private static JsonNode float32(float f) {
    return f == Math.rint(f) && !Float.isInfinite(f) ? F.numberNode((long) f) : F.numberNode(f);
  }
}
