package io.dekube.core.patch.smp;

import java.util.List;
import java.util.Map;

/**
 * The patch strategies, merge keys and list types of the built-in Kubernetes types, as their Go
 * struct tags ({@code patchStrategy}, {@code patchMergeKey}, {@code +listType}, {@code +listMapKey})
 * declare them. Keyed by {@code <TypeName>.<jsonField>} (type names as in Kubernetes, e.g.
 * {@code PodSpec.containers}). Lists absent from the table are atomic. Immutable and thread-safe.
 */
public final class PatchStrategies {

  private static final Map<String, PatchMeta> TABLE = new java.util.concurrent.ConcurrentHashMap<>();

  /** Struct types kube marks {@code +structType=atomic}: set and owned as one value by apply. */
  private static final java.util.Set<String> ATOMIC_STRUCTS = java.util.Set.of("LabelSelector",
      "LocalObjectReference", "ObjectFieldSelector", "ResourceFieldSelector", "ConfigMapKeySelector",
      "SecretKeySelector", "TypedLocalObjectReference", "NodeSelector", "ObjectReference");

  static {
    // metav1
    set("ObjectMeta.finalizers", "merge");
    map("ObjectMeta.ownerReferences", "merge", "uid");
    atomic("ObjectMeta.managedFields");
    atomic("LabelSelector.matchExpressions");
    atomic("LabelSelectorRequirement.values");
    // core/v1 pods
    map("PodSpec.volumes", "merge,retainKeys", "name");
    map("PodSpec.initContainers", "merge", "name");
    map("PodSpec.containers", "merge", "name");
    map("PodSpec.ephemeralContainers", "merge", "name");
    map("PodSpec.imagePullSecrets", "merge", "name");
    map("PodSpec.hostAliases", "merge", "ip");
    map("PodSpec.topologySpreadConstraints", "merge", "topologyKey", "whenUnsatisfiable");
    map("PodSpec.resourceClaims", "merge,retainKeys", "name");
    map("PodSpec.schedulingGates", "merge", "name");
    atomic("PodSpec.tolerations");
    atomic("PodSpec.readinessGates");
    for (String c : new String[] {"Container", "EphemeralContainer"}) {
      map(c + ".ports", "merge", "containerPort", "protocol");
      map(c + ".env", "merge", "name");
      map(c + ".volumeMounts", "merge", "mountPath");
      map(c + ".volumeDevices", "merge", "devicePath");
      atomic(c + ".command");
      atomic(c + ".args");
      atomic(c + ".envFrom");
      atomic(c + ".resizePolicy");
    }
    map("ResourceRequirements.claims", "", "name");
    atomic("Capabilities.add");
    atomic("Capabilities.drop");
    atomic("PodSecurityContext.supplementalGroups");
    atomic("PodSecurityContext.sysctls");
    map("PodStatus.conditions", "merge", "type");
    map("PodStatus.podIPs", "merge", "ip");
    map("PodStatus.hostIPs", "merge", "ip");
    atomic("PodStatus.containerStatuses");
    atomic("PodStatus.initContainerStatuses");
    atomic("PodStatus.ephemeralContainerStatuses");
    // core/v1 services, endpoints, nodes, namespaces, service accounts
    map("ServiceSpec.ports", "merge", "port", "protocol");
    atomic("ServiceSpec.clusterIPs");
    atomic("ServiceSpec.ipFamilies");
    atomic("ServiceSpec.externalIPs");
    atomic("ServiceSpec.loadBalancerSourceRanges");
    map("ServiceStatus.conditions", "merge", "type");
    atomic("LoadBalancerStatus.ingress");
    atomic("Endpoints.subsets");
    atomic("EndpointSubset.addresses");
    atomic("EndpointSubset.notReadyAddresses");
    atomic("EndpointSubset.ports");
    set("NodeSpec.podCIDRs", "merge");
    atomic("NodeSpec.taints");
    map("NodeStatus.conditions", "merge", "type");
    map("NodeStatus.addresses", "merge", "type");
    atomic("NodeStatus.images");
    atomic("NodeStatus.volumesInUse");
    atomic("NodeStatus.volumesAttached");
    atomic("NamespaceSpec.finalizers");
    map("NamespaceStatus.conditions", "merge", "type");
    map("ServiceAccount.secrets", "merge", "name");
    map("ReplicationControllerStatus.conditions", "merge", "type");
    atomic("ServiceAccount.imagePullSecrets");
    // apps/v1
    retainKeys("DeploymentSpec.strategy");
    map("DeploymentStatus.conditions", "merge", "type");
    map("ReplicaSetStatus.conditions", "merge", "type");
    map("DaemonSetStatus.conditions", "merge", "type");
    map("StatefulSetStatus.conditions", "merge", "type");
    atomic("StatefulSetSpec.volumeClaimTemplates");
    // networking, discovery
    atomic("IngressSpec.rules");
    atomic("IngressSpec.tls");
    atomic("HTTPIngressRuleValue.paths");
    for (String f : new String[] {"NetworkPolicySpec.ingress", "NetworkPolicySpec.egress", "NetworkPolicySpec.policyTypes",
        "NetworkPolicyIngressRule.ports", "NetworkPolicyIngressRule.from", "NetworkPolicyEgressRule.ports",
        "NetworkPolicyEgressRule.to", "IPBlock.except"}) {
      atomic(f);
    }
    atomic("EndpointSlice.endpoints");
    atomic("EndpointSlice.ports");
  }

  private PatchStrategies() {
  }

  private static void map(String key, String strategy, String mergeKey, String... extraKeys) {
    List<String> keys = new java.util.ArrayList<>();
    keys.add(mergeKey);
    keys.addAll(List.of(extraKeys));
    TABLE.put(key, new PatchMeta(strategy, strategy.contains("merge") ? mergeKey : "", "map", List.copyOf(keys)));
  }

  private static void set(String key, String strategy) {
    TABLE.put(key, new PatchMeta(strategy, "", "set", List.of()));
  }

  private static void atomic(String key) {
    TABLE.put(key, new PatchMeta("", "", "atomic", List.of()));
  }

  private static void retainKeys(String key) {
    TABLE.put(key, new PatchMeta("retainKeys", "", "", List.of()));
  }

  /** The metadata of {@code typeName.field}, {@link PatchMeta#NONE} when the table has none. */
  public static PatchMeta lookup(String typeName, String field) {
    return TABLE.getOrDefault(typeName + "." + field, PatchMeta.NONE);
  }

  /** Declares the metadata of {@code typeName.field} (for kinds modelled outside the table: plugins, tests). */
  public static void register(String typeName, String field, PatchMeta meta) {
    TABLE.put(typeName + "." + field, meta);
  }

  /** Whether kube treats the named struct type as one atomic value (server-side apply). */
  public static boolean atomicStruct(String typeName) {
    return ATOMIC_STRUCTS.contains(typeName);
  }

  /** Every entry, for the OpenAPI generator. */
  public static Map<String, PatchMeta> all() {
    return Map.copyOf(TABLE);
  }
}
