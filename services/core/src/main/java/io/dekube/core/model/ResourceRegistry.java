package io.dekube.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resources the cluster knows: the built-in ones and, later, those CRDs add. Lookups by bus
 * name ({@code deployments.apps}), by group and plural, and by group and kind. Thread-safe;
 * registration is idempotent.
 */
public final class ResourceRegistry {

  private static final List<String> ALL = List.of("all");
  private static final List<String> NONE = List.of();
  private static final List<String> STATUS = List.of("status");
  private static final List<String> STATUS_SCALE = List.of("status", "scale");

  private final Map<String, ResourceType> byName = new ConcurrentHashMap<>();

  /** A registry holding every built-in resource of DESIGN.md and the apiserver issue. */
  public static ResourceRegistry builtIn() {
    ResourceRegistry r = new ResourceRegistry();
    // core/v1
    r.register(new ResourceType("", "v1", "namespaces", "namespace", "Namespace", false, List.of("ns"), NONE, List.of("status", "finalize")));
    r.register(new ResourceType("", "v1", "pods", "pod", "Pod", true, List.of("po"), ALL, List.of("status", "binding", "log", "exec", "eviction")));
    r.register(new ResourceType("", "v1", "services", "service", "Service", true, List.of("svc"), ALL, List.of("status", "proxy")));
    r.register(new ResourceType("", "v1", "endpoints", "endpoints", "Endpoints", true, List.of("ep"), NONE, NONE));
    r.register(new ResourceType("", "v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm"), NONE, NONE));
    r.register(new ResourceType("", "v1", "secrets", "secret", "Secret", true, NONE, NONE, NONE));
    r.register(new ResourceType("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa"), NONE, List.of("token")));
    r.register(new ResourceType("", "v1", "nodes", "node", "Node", false, List.of("no"), NONE, List.of("status", "proxy")));
    r.register(new ResourceType("", "v1", "events", "event", "Event", true, List.of("ev"), NONE, NONE));
    r.register(new ResourceType("", "v1", "limitranges", "limitrange", "LimitRange", true, List.of("limits"), NONE, NONE));
    r.register(new ResourceType("", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true, List.of("quota"), NONE, STATUS));
    // apps/v1
    r.register(new ResourceType("apps", "v1", "deployments", "deployment", "Deployment", true, List.of("deploy"), ALL, STATUS_SCALE));
    r.register(new ResourceType("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, List.of("rs"), ALL, STATUS_SCALE));
    r.register(new ResourceType("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, List.of("ds"), ALL, STATUS));
    r.register(new ResourceType("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, List.of("sts"), ALL, STATUS_SCALE));
    r.register(new ResourceType("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, NONE, NONE, NONE));
    // networking, discovery, coordination
    r.register(new ResourceType("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, List.of("ing"), NONE, STATUS));
    r.register(new ResourceType("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false, NONE, NONE, NONE));
    r.register(new ResourceType("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, NONE, NONE, NONE));
    r.register(new ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, NONE, NONE, NONE));
    // rbac (stored; enforced in a later issue)
    String rbac = "rbac.authorization.k8s.io";
    r.register(new ResourceType(rbac, "v1", "roles", "role", "Role", true, NONE, NONE, NONE));
    r.register(new ResourceType(rbac, "v1", "rolebindings", "rolebinding", "RoleBinding", true, NONE, NONE, NONE));
    r.register(new ResourceType(rbac, "v1", "clusterroles", "clusterrole", "ClusterRole", false, NONE, NONE, NONE));
    r.register(new ResourceType(rbac, "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, NONE, NONE, NONE));
    // extension points (stored now; served kinds later)
    r.register(new ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, List.of("crd", "crds"), NONE, STATUS));
    r.register(new ResourceType("apiregistration.k8s.io", "v1", "apiservices", "apiservice", "APIService", false, NONE, NONE, STATUS));
    return r;
  }

  /** Adds or replaces a resource type (CRDs). */
  public void register(ResourceType type) {
    byName.put(type.resourceName(), type);
  }

  /** By bus name: {@code pods}, {@code deployments.apps}. */
  public Optional<ResourceType> byResourceName(String name) {
    return Optional.ofNullable(name == null ? null : byName.get(name));
  }

  /** By API group ("" for core) and plural. */
  public Optional<ResourceType> byGroupPlural(String group, String plural) {
    return byResourceName(group == null || group.isEmpty() ? plural : plural + "." + group);
  }

  /** By API group ("" for core) and kind. */
  public Optional<ResourceType> byGroupKind(String group, String kind) {
    String g = group == null ? "" : group;
    return byName.values().stream().filter(t -> t.group().equals(g) && t.kind().equals(kind)).findFirst();
  }

  /** Every registered type, in no particular order. */
  public Collection<ResourceType> all() {
    return new ArrayList<>(byName.values());
  }
}
