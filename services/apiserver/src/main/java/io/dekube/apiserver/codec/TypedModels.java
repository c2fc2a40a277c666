package io.dekube.apiserver.codec;

import io.dekube.core.model.ResourceType;
import java.util.Map;
import java.util.Optional;

/**
 * The fabric8 model class of each built-in kind in its stored version, keyed by
 * {@code group/Kind}. Kinds without a typed model here (CRD instances, APIService) are decoded
 * without typed checks. Immutable and thread-safe.
 */
public final class TypedModels {

  private static final String CORE = "io.fabric8.kubernetes.api.model.";
  private static final Map<String, String> CLASSES = Map.ofEntries(
      Map.entry("/Namespace", CORE + "Namespace"),
      Map.entry("/Pod", CORE + "Pod"),
      Map.entry("/Service", CORE + "Service"),
      Map.entry("/Endpoints", CORE + "Endpoints"),
      Map.entry("/ConfigMap", CORE + "ConfigMap"),
      Map.entry("/Secret", CORE + "Secret"),
      Map.entry("/ServiceAccount", CORE + "ServiceAccount"),
      Map.entry("/Node", CORE + "Node"),
      Map.entry("/Event", CORE + "Event"),
      Map.entry("/LimitRange", CORE + "LimitRange"),
      Map.entry("/ResourceQuota", CORE + "ResourceQuota"),
      Map.entry("/Binding", CORE + "Binding"),
      Map.entry("/PersistentVolume", CORE + "PersistentVolume"),
      Map.entry("/PersistentVolumeClaim", CORE + "PersistentVolumeClaim"),
      Map.entry("/ReplicationController", CORE + "ReplicationController"),
      Map.entry("storage.k8s.io/StorageClass", CORE + "storage.StorageClass"),
      Map.entry("storage.k8s.io/CSIDriver", CORE + "storage.CSIDriver"),
      Map.entry("storage.k8s.io/CSINode", CORE + "storage.CSINode"),
      Map.entry("storage.k8s.io/CSIStorageCapacity", CORE + "storage.CSIStorageCapacity"),
      Map.entry("storage.k8s.io/VolumeAttachment", CORE + "storage.VolumeAttachment"),
      Map.entry("/PodTemplate", CORE + "PodTemplate"),
      Map.entry("node.k8s.io/RuntimeClass", CORE + "node.v1.RuntimeClass"),
      Map.entry("flowcontrol.apiserver.k8s.io/FlowSchema", CORE + "flowcontrol.v1.FlowSchema"),
      Map.entry("flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
          CORE + "flowcontrol.v1.PriorityLevelConfiguration"),
      Map.entry("/DeleteOptions", CORE + "DeleteOptions"),
      Map.entry("apps/Deployment", CORE + "apps.Deployment"),
      Map.entry("apps/ReplicaSet", CORE + "apps.ReplicaSet"),
      Map.entry("apps/DaemonSet", CORE + "apps.DaemonSet"),
      Map.entry("apps/StatefulSet", CORE + "apps.StatefulSet"),
      Map.entry("apps/ControllerRevision", CORE + "apps.ControllerRevision"),
      Map.entry("networking.k8s.io/Ingress", CORE + "networking.v1.Ingress"),
      Map.entry("networking.k8s.io/IngressClass", CORE + "networking.v1.IngressClass"),
      Map.entry("networking.k8s.io/NetworkPolicy", CORE + "networking.v1.NetworkPolicy"),
      Map.entry("discovery.k8s.io/EndpointSlice", CORE + "discovery.v1.EndpointSlice"),
      Map.entry("coordination.k8s.io/Lease", CORE + "coordination.v1.Lease"),
      Map.entry("rbac.authorization.k8s.io/Role", CORE + "rbac.Role"),
      Map.entry("rbac.authorization.k8s.io/RoleBinding", CORE + "rbac.RoleBinding"),
      Map.entry("rbac.authorization.k8s.io/ClusterRole", CORE + "rbac.ClusterRole"),
      Map.entry("rbac.authorization.k8s.io/ClusterRoleBinding", CORE + "rbac.ClusterRoleBinding"),
      Map.entry("certificates.k8s.io/CertificateSigningRequest", CORE + "certificates.v1.CertificateSigningRequest"),
      Map.entry("scheduling.k8s.io/PriorityClass", CORE + "scheduling.v1.PriorityClass"),
      Map.entry("policy/PodDisruptionBudget", CORE + "policy.v1.PodDisruptionBudget"),
      Map.entry("policy/Eviction", CORE + "policy.v1.Eviction"),
      Map.entry("apiextensions.k8s.io/CustomResourceDefinition", CORE + "apiextensions.v1.CustomResourceDefinition"));

  private TypedModels() {
  }

  /** The model class of a resource's kind in its stored version, when known. */
  public static Optional<Class<?>> of(ResourceType type) {
    return of(type.group(), type.kind());
  }

  /** The model class of a group and kind, when known. */
  public static Optional<Class<?>> of(String group, String kind) {
    String name = CLASSES.get((group == null ? "" : group) + "/" + kind);
    if (name == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Class.forName(name));
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
  }
}
