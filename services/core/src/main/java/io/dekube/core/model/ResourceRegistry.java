package io.dekube.core.model;

import io.dekube.core.patch.smp.PatchSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resources the cluster knows: the built-in ones and those CRDs and plugins add ({@link #serve}). Lookups by bus
 * name ({@code deployments.apps}), by group and plural, and by group and kind. Thread-safe;
 * registration is idempotent.
 */
public final class ResourceRegistry {

  private static final List<String> ALL = List.of("all");
  private static final List<String> NONE = List.of();
  /** kube's category of the kinds that extend the API (CRDs, APIServices, admission configurations). */
  private static final List<String> API_EXTENSIONS = List.of("api-extensions");
  private static final List<String> STATUS = List.of("status");
  private static final List<String> STATUS_SCALE = List.of("status", "scale");

  private final Map<String, ResourceType> byName = new ConcurrentHashMap<>();
  private final Map<String, CustomKind> custom = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong generation = new AtomicLong();

  /** A registry holding every built-in resource of DESIGN.md and the apiserver issue. */
  public static ResourceRegistry builtIn() {
    ResourceRegistry r = new ResourceRegistry();
    // core/v1
    r.register(new ResourceType("", "v1", "namespaces", "namespace", "Namespace", false, List.of("ns"), NONE, List.of("status", "finalize")));
    r.register(new ResourceType("", "v1", "pods", "pod", "Pod", true, List.of("po"), ALL, List.of("status", "binding", "log", "exec", "attach", "portforward", "eviction",
        "ephemeralcontainers", "proxy")));
    r.register(new ResourceType("", "v1", "services", "service", "Service", true, List.of("svc"), ALL, List.of("status", "proxy")));
    r.register(new ResourceType("", "v1", "endpoints", "endpoints", "Endpoints", true, List.of("ep"), NONE, NONE));
    r.register(new ResourceType("", "v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm"), NONE, NONE));
    r.register(new ResourceType("", "v1", "secrets", "secret", "Secret", true, NONE, NONE, NONE));
    r.register(new ResourceType("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa"), NONE, List.of("token")));
    r.register(new ResourceType("", "v1", "nodes", "node", "Node", false, List.of("no"), NONE, List.of("status", "proxy")));
    r.register(new ResourceType("", "v1", "events", "event", "Event", true, List.of("ev"), NONE, NONE));
    r.register(new ResourceType("", "v1", "limitranges", "limitrange", "LimitRange", true, List.of("limits"), NONE, NONE));
    r.register(new ResourceType("", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true, List.of("quota"), NONE, STATUS));
    r.register(new ResourceType("", "v1", "replicationcontrollers", "replicationcontroller", "ReplicationController", true,
        List.of("rc"), ALL, STATUS_SCALE));
    r.register(new ResourceType("", "v1", "podtemplates", "podtemplate", "PodTemplate", true, NONE, NONE, NONE));
    // storage: volumes, claims and their classes
    r.register(new ResourceType("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false,
        List.of("pv"), NONE, STATUS));
    r.register(new ResourceType("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim",
        true, List.of("pvc"), NONE, STATUS));
    r.register(new ResourceType("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false,
        List.of("sc"), NONE, NONE));
    // CSI objects: stored and validated, no CSI driver behind them
    r.register(new ResourceType("storage.k8s.io", "v1", "csidrivers", "csidriver", "CSIDriver", false, NONE, NONE, NONE));
    r.register(new ResourceType("storage.k8s.io", "v1", "csinodes", "csinode", "CSINode", false, NONE, NONE, NONE));
    r.register(new ResourceType("storage.k8s.io", "v1", "csistoragecapacities", "csistoragecapacity",
        "CSIStorageCapacity", true, NONE, NONE, NONE));
    r.register(new ResourceType("storage.k8s.io", "v1", "volumeattachments", "volumeattachment", "VolumeAttachment",
        false, NONE, NONE, STATUS));
    // apps/v1
    r.register(new ResourceType("apps", "v1", "deployments", "deployment", "Deployment", true, List.of("deploy"), ALL, STATUS_SCALE));
    r.register(new ResourceType("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, List.of("rs"), ALL, STATUS_SCALE));
    r.register(new ResourceType("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, List.of("ds"), ALL, STATUS));
    r.register(new ResourceType("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, List.of("sts"), ALL, STATUS_SCALE));
    r.register(new ResourceType("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, NONE, NONE, NONE));
    // batch/v1
    r.register(new ResourceType("batch", "v1", "jobs", "job", "Job", true, NONE, ALL, STATUS));
    r.register(new ResourceType("batch", "v1", "cronjobs", "cronjob", "CronJob", true, List.of("cj"), ALL, STATUS));
    // autoscaling/v2 (autoscaling/v1 is served by conversion in the apiserver)
    r.register(new ResourceType("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler",
        "HorizontalPodAutoscaler", true, List.of("hpa"), ALL, STATUS));
    // networking, discovery, coordination
    r.register(new ResourceType("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, List.of("ing"), NONE, STATUS));
    r.register(new ResourceType("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false, NONE, NONE, NONE));
    r.register(new ResourceType("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true,
        List.of("netpol"), NONE, NONE));
    r.register(new ResourceType("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, NONE, NONE, NONE));
    r.register(new ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, NONE, NONE, NONE));
    // rbac (stored; enforced in a later issue)
    String rbac = "rbac.authorization.k8s.io";
    r.register(new ResourceType(rbac, "v1", "roles", "role", "Role", true, NONE, NONE, NONE));
    r.register(new ResourceType(rbac, "v1", "rolebindings", "rolebinding", "RoleBinding", true, NONE, NONE, NONE));
    r.register(new ResourceType(rbac, "v1", "clusterroles", "clusterrole", "ClusterRole", false, NONE, NONE, NONE));
    r.register(new ResourceType(rbac, "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, NONE, NONE, NONE));
    r.register(new ResourceType("certificates.k8s.io", "v1", "certificatesigningrequests", "certificatesigningrequest",
        "CertificateSigningRequest", false, List.of("csr"), NONE, List.of("status", "approval")));
    // scheduling.k8s.io, policy: priority classes and disruption budgets
    r.register(new ResourceType("scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", false,
        List.of("pc"), NONE, NONE));
    r.register(new ResourceType("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget",
        true, List.of("pdb"), NONE, STATUS));
    // node.k8s.io: runtime classes (a handler names a kubelet runtime)
    r.register(new ResourceType("node.k8s.io", "v1", "runtimeclasses", "runtimeclass", "RuntimeClass", false,
        NONE, NONE, NONE));
    // flowcontrol: priority-and-fairness configuration, stored (no queueing behind it)
    String flowcontrol = "flowcontrol.apiserver.k8s.io";
    r.register(new ResourceType(flowcontrol, "v1", "flowschemas", "flowschema", "FlowSchema", false, NONE, NONE, STATUS));
    r.register(new ResourceType(flowcontrol, "v1", "prioritylevelconfigurations", "prioritylevelconfiguration",
        "PriorityLevelConfiguration", false, NONE, NONE, STATUS));
    // extension points (stored now; served kinds later)
    r.register(new ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, List.of("crd", "crds"), API_EXTENSIONS, STATUS));
    r.register(new ResourceType("apiregistration.k8s.io", "v1", "apiservices", "apiservice", "APIService", false, NONE,
        API_EXTENSIONS, STATUS));
    // dynamic admission: webhooks the apiserver calls before a write goes to the bus
    String admission = "admissionregistration.k8s.io";
    r.register(new ResourceType(admission, "v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration",
        "ValidatingWebhookConfiguration", false, NONE, API_EXTENSIONS, NONE));
    r.register(new ResourceType(admission, "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration",
        "MutatingWebhookConfiguration", false, NONE, API_EXTENSIONS, NONE));
    // ... and CEL policies it evaluates itself
    r.register(new ResourceType(admission, "v1", "validatingadmissionpolicies", "validatingadmissionpolicy",
        "ValidatingAdmissionPolicy", false, NONE, API_EXTENSIONS, STATUS));
    r.register(new ResourceType(admission, "v1", "validatingadmissionpolicybindings",
        "validatingadmissionpolicybinding", "ValidatingAdmissionPolicyBinding", false, NONE, API_EXTENSIONS, NONE));
    return r;
  }

  /** Adds or replaces a resource type (CRDs). */
  public void register(ResourceType type) {
    byName.put(type.resourceName(), type);
  }

  /**
   * Serves a kind described by its schema (a CRD's, or a plugin's): registers its type, so the
   * writers accept its requests and the apiserver serves its REST paths, discovery and OpenAPI.
   * Replaces an earlier registration of the same resource. Idempotent; any thread; listeners run on
   * the calling thread.
   */
  public void serve(CustomKind kind) {
    CustomKind before = custom.put(kind.type().resourceName(), kind);
    byName.put(kind.type().resourceName(), kind.type());
    PatchSchema.serveCustom(kind.type().group(), kind.type().kind(), kind.storage().schema());
    if (!kind.equals(before)) {
      changed();
    }
  }

  /** Stops serving a kind registered with {@link #serve}; built-in types stay. Idempotent. */
  public void stopServing(String resourceName) {
    CustomKind gone = custom.remove(resourceName);
    if (gone != null) {
      PatchSchema.serveCustom(gone.type().group(), gone.type().kind(), null);
      byName.remove(resourceName);
      changed();
    }
  }

  /** The schema-described kind of a resource, when it is one. */
  public Optional<CustomKind> custom(String resourceName) {
    return Optional.ofNullable(resourceName == null ? null : custom.get(resourceName));
  }

  /** Every kind registered with {@link #serve}. */
  public Collection<CustomKind> customKinds() {
    return new ArrayList<>(custom.values());
  }

  /** Counts changes by {@link #serve} and {@link #stopServing}: caches built from the registry compare it. */
  public long generation() {
    return generation.get();
  }

  /** Calls {@code listener} after every change of the served kinds. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  private void changed() {
    generation.incrementAndGet();
    listeners.forEach(Runnable::run);
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
