package io.dekube.metricsserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What metrics-server's manifests create, written by the metrics server itself once it listens: the
 * Service {@code kube-system/metrics-server} (port 443, no selector), its Endpoints (this server's
 * address and port), the ClusterRoles {@code system:aggregated-metrics-reader} and {@code system:metrics-server}
 * (bound to this server's user, so that the kubelets let it scrape them), and the APIService {@code v1beta1.metrics.k8s.io} (priorities 100/100, trusting
 * the cluster CA through {@code caBundle}). Idempotent: an existing object is updated only when it
 * differs. Never blocks.
 */
final class Registration {

  static final String NAMESPACE = "kube-system";
  static final String NAME = "metrics-server";
  static final String API_SERVICE = MetricsApi.VERSION + "." + MetricsApi.GROUP;

  private final StoreApi store;
  private final ResourceRegistry registry;

  Registration(StoreApi store, ResourceRegistry registry) {
    this.store = store;
    this.registry = registry;
  }

  /** Writes the three objects for a server at {@code ip:port} whose certificate the cluster CA signed. */
  Future<Void> register(String ip, int port, String caPem) {
    return ensure(type("", "services"), NAMESPACE, service(), null)
        .compose(v -> ensure(type("", "endpoints"), NAMESPACE, endpoints(ip, port), "subsets"))
        .compose(v -> ensure(type("rbac.authorization.k8s.io", "clusterroles"), "", metricsReader(), null))
        .compose(v -> ensure(type("rbac.authorization.k8s.io", "clusterroles"), "", kubeletReader(), "rules"))
        .compose(v -> ensure(type("rbac.authorization.k8s.io", "clusterrolebindings"), "", kubeletReaderBinding(),
            "subjects"))
        .compose(v -> ensure(type("apiregistration.k8s.io", "apiservices"), "", apiService(caPem), "spec"));
  }

  private ResourceType type(String group, String plural) {
    return registry.byGroupPlural(group, plural).orElseThrow();
  }

  static ObjectNode service() {
    ObjectNode svc = object("v1", "Service", NAMESPACE);
    svc.putObject("spec").putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP")
        .put("targetPort", "https");
    return svc;
  }

  static ObjectNode endpoints(String ip, int port) {
    ObjectNode ep = object("v1", "Endpoints", NAMESPACE);
    ObjectNode subset = ep.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", ip);
    subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
    return ep;
  }

  /**
   * metrics-server's {@code system:aggregated-metrics-reader}: reading metrics, aggregated into the
   * {@code view}, {@code edit} and {@code admin} roles, so whoever may view a namespace may
   * {@code kubectl top} its pods.
   */
  static ObjectNode metricsReader() {
    ObjectNode role = object("rbac.authorization.k8s.io/v1", "ClusterRole", null);
    ObjectNode meta = Json.metadata(role).put("name", "system:aggregated-metrics-reader");
    ObjectNode labels = (ObjectNode) meta.get("labels");
    for (String to : new String[] {"admin", "edit", "view"}) {
      labels.put("rbac.authorization.k8s.io/aggregate-to-" + to, "true");
    }
    ObjectNode rule = role.putArray("rules").addObject();
    rule.putArray("apiGroups").add(MetricsApi.GROUP);
    rule.putArray("resources").add("pods").add("nodes");
    rule.putArray("verbs").add("get").add("list").add("watch");
    return role;
  }

  /** The user of the metrics server's client certificate, which the kubelets authorize. */
  static final String USER = "system:metrics-server";

  /**
   * metrics-server's {@code system:metrics-server} ClusterRole: what its scrapes of the kubelets need
   * ({@code get nodes/metrics}, which the kubelet asks for {@code /metrics/resource}; and
   * {@code nodes/stats} for {@code /stats/summary}), and reading nodes and pods.
   */
  static ObjectNode kubeletReader() {
    ObjectNode role = object("rbac.authorization.k8s.io/v1", "ClusterRole", null);
    Json.metadata(role).put("name", USER);
    ArrayNode rules = role.putArray("rules");
    ObjectNode scrape = rules.addObject();
    scrape.putArray("apiGroups").add("");
    scrape.putArray("resources").add("nodes/metrics").add("nodes/stats");
    scrape.putArray("verbs").add("get");
    ObjectNode read = rules.addObject();
    read.putArray("apiGroups").add("");
    read.putArray("resources").add("pods").add("nodes");
    read.putArray("verbs").add("get").add("list").add("watch");
    return role;
  }

  /** Binds {@link #kubeletReader()} to the metrics server's user (metrics-server binds its ServiceAccount). */
  static ObjectNode kubeletReaderBinding() {
    ObjectNode binding = object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null);
    Json.metadata(binding).put("name", USER);
    binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole")
        .put("name", USER);
    binding.putArray("subjects").addObject().put("apiGroup", "rbac.authorization.k8s.io").put("kind", "User")
        .put("name", USER);
    return binding;
  }

  static ObjectNode apiService(String caPem) {
    ObjectNode api = object("apiregistration.k8s.io/v1", "APIService", null);
    Json.metadata(api).put("name", API_SERVICE);
    ObjectNode spec = api.putObject("spec").put("group", MetricsApi.GROUP).put("version", MetricsApi.VERSION);
    spec.putObject("service").put("namespace", NAMESPACE).put("name", NAME).put("port", 443);
    spec.put("caBundle", Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8)))
        .put("groupPriorityMinimum", 100).put("versionPriority", 100);
    return api;
  }

  private static ObjectNode object(String apiVersion, String kind, String namespace) {
    ObjectNode o = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode meta = Json.metadata(o).put("name", NAME);
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    meta.putObject("labels").put("k8s-app", NAME);
    return o;
  }

  /** Creates {@code wanted}, or updates the existing object's {@code field} (if any) when it differs. */
  private Future<Void> ensure(ResourceType type, String namespace, ObjectNode wanted, String field) {
    String name = wanted.path("metadata").path("name").asText();
    return store.get(type, namespace, name).compose(existing -> {
      if (field == null || covers(existing.path(field), wanted.path(field))) {
        return Future.<Void>succeededFuture();
      }
      ObjectNode next = existing.deepCopy();
      next.set(field, wanted.get(field).deepCopy());
      return store.update(type, next, WriteOptions.none()).<Void>mapEmpty();
    }, e -> e instanceof StatusException s && s.code() == 404
        ? store.create(type, namespace, wanted, WriteOptions.none()).<Void>mapEmpty()
        : Future.failedFuture(e));
  }

  /** Whether every field of {@code wanted} is in {@code existing} with the same value (defaults may add more). */
  static boolean covers(com.fasterxml.jackson.databind.JsonNode existing, com.fasterxml.jackson.databind.JsonNode wanted) {
    if (wanted.isObject()) {
      if (!existing.isObject()) {
        return false;
      }
      for (var e : wanted.properties()) {
        if (!covers(existing.path(e.getKey()), e.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (wanted.isArray()) {
      if (!existing.isArray() || existing.size() != wanted.size()) {
        return false;
      }
      for (int i = 0; i < wanted.size(); i++) {
        if (!covers(existing.get(i), wanted.get(i))) {
          return false;
        }
      }
      return true;
    }
    return wanted.equals(existing);
  }
}
