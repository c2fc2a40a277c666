package io.dekube.apiserver.rest.table;

import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceType;
import java.util.List;
import java.util.Map;

/**
 * The printer of each built-in resource (by bus resource name), and the default
 * {@code Name / Created At} table kube-apiserver gives kinds without a printer (roles,
 * CRDs...). Immutable and thread-safe.
 */
public final class Printers {

  private static final TablePrinter DEFAULT = TablePrinter.of(List.of(Column.NAME, Column.CREATED_AT),
      (o, now) -> List.of(Cells.name(o), Cells.str(o, "metadata", "creationTimestamp")));

  private static final TablePrinter SCALE = AutoscalingPrinters.scales();

  private static final Map<String, TablePrinter> BY_RESOURCE = Map.ofEntries(
      Map.entry("pods", new PodPrinter()),
      Map.entry("deployments.apps", WorkloadPrinters.deployments()),
      Map.entry("replicasets.apps", WorkloadPrinters.replicaSets()),
      Map.entry("replicationcontrollers", WorkloadPrinters.replicationControllers()),
      Map.entry("daemonsets.apps", WorkloadPrinters.daemonSets()),
      Map.entry("statefulsets.apps", WorkloadPrinters.statefulSets()),
      Map.entry("controllerrevisions.apps", WorkloadPrinters.controllerRevisions()),
      Map.entry("jobs.batch", BatchPrinters.jobs()),
      Map.entry("cronjobs.batch", BatchPrinters.cronJobs()),
      Map.entry("services", NetworkPrinters.services()),
      Map.entry("endpoints", NetworkPrinters.endpoints()),
      Map.entry("endpointslices.discovery.k8s.io", NetworkPrinters.endpointSlices()),
      Map.entry("ingresses.networking.k8s.io", NetworkPrinters.ingresses()),
      Map.entry("networkpolicies.networking.k8s.io", NetworkPrinters.networkPolicies()),
      Map.entry("ingressclasses.networking.k8s.io", NetworkPrinters.ingressClasses()),
      Map.entry("namespaces", ClusterPrinters.namespaces()),
      Map.entry("nodes", ClusterPrinters.nodes()),
      Map.entry("configmaps", ClusterPrinters.configMaps()),
      Map.entry("secrets", ClusterPrinters.secrets()),
      Map.entry("serviceaccounts", ClusterPrinters.serviceAccounts()),
      Map.entry("events", ClusterPrinters.events()),
      Map.entry("leases.coordination.k8s.io", ClusterPrinters.leases()),
      Map.entry("priorityclasses.scheduling.k8s.io", PolicyPrinters.priorityClasses()),
      Map.entry("poddisruptionbudgets.policy", PolicyPrinters.podDisruptionBudgets()),
      Map.entry("resourcequotas", PolicyPrinters.resourceQuotas()),
      Map.entry("persistentvolumes", StoragePrinters.persistentVolumes()),
      Map.entry("persistentvolumeclaims", StoragePrinters.persistentVolumeClaims()),
      Map.entry("storageclasses.storage.k8s.io", StoragePrinters.storageClasses()),
      Map.entry("csidrivers.storage.k8s.io", CsiPrinters.csiDrivers()),
      Map.entry("csinodes.storage.k8s.io", CsiPrinters.csiNodes()),
      Map.entry("csistoragecapacities.storage.k8s.io", CsiPrinters.csiStorageCapacities()),
      Map.entry("volumeattachments.storage.k8s.io", CsiPrinters.volumeAttachments()),
      Map.entry("flowschemas.flowcontrol.apiserver.k8s.io", FlowControlPrinters.flowSchemas()),
      Map.entry("prioritylevelconfigurations.flowcontrol.apiserver.k8s.io", FlowControlPrinters.priorityLevels()),
      Map.entry("runtimeclasses.node.k8s.io", ClusterPrinters.runtimeClasses()),
      Map.entry("certificatesigningrequests.certificates.k8s.io", ClusterPrinters.certificateSigningRequests()),
      Map.entry("podtemplates", WorkloadPrinters.podTemplates()),
      Map.entry("rolebindings.rbac.authorization.k8s.io", ClusterPrinters.roleBindings("roleBinding")),
      Map.entry("clusterrolebindings.rbac.authorization.k8s.io", ClusterPrinters.roleBindings("clusterRoleBinding")),
      Map.entry("apiservices.apiregistration.k8s.io", AggregationPrinters.apiServices()),
      Map.entry("validatingwebhookconfigurations.admissionregistration.k8s.io",
          AdmissionPrinters.webhookConfigurations()),
      Map.entry("mutatingwebhookconfigurations.admissionregistration.k8s.io",
          AdmissionPrinters.webhookConfigurations()),
      Map.entry("validatingadmissionpolicies.admissionregistration.k8s.io",
          AdmissionPrinters.validatingAdmissionPolicies()),
      Map.entry("validatingadmissionpolicybindings.admissionregistration.k8s.io",
          AdmissionPrinters.validatingAdmissionPolicyBindings()),
      Map.entry("horizontalpodautoscalers.autoscaling", AutoscalingPrinters.horizontalPodAutoscalers()));

  private Printers() {
  }

  /** The printer for a resource; the default table when it has none. */
  public static TablePrinter of(ResourceType type) {
    return BY_RESOURCE.getOrDefault(type.resourceName(), DEFAULT);
  }

  /** The printer for a resource served in {@code version}: a custom kind's columns when it is one. */
  public static TablePrinter of(ResourceType type, CustomKind custom, String version) {
    if (custom != null) {
      return custom.served(version).or(() -> java.util.Optional.of(custom.storage())).map(CustomPrinter::of).get();
    }
    return of(type);
  }

  /** The printer of {@code autoscaling/v1} Scales, the {@code scale} subresource's answers. */
  public static TablePrinter scale() {
    return SCALE;
  }

  /** The default {@code Name / Created At} printer. */
  public static TablePrinter defaultPrinter() {
    return DEFAULT;
  }
}
