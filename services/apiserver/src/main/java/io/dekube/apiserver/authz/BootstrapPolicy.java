package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver's bootstrap RBAC policy ({@code bootstrap-policy.yaml} beside this class:
 * cluster-admin, admin, edit, view and their aggregated parts, system:basic-user,
 * system:discovery, system:public-info-viewer, and their bindings), reconciled at start through
 * the store as kube does: a missing object is created; an existing one whose
 * {@code rbac.authorization.kubernetes.io/autoupdate} annotation is not {@code "false"} gets the
 * missing rules, subjects, labels and aggregation rule added. Idempotent, so several apiservers
 * starting together agree (a lost race is a 409 that is retried from the stored object).
 */
public final class BootstrapPolicy {

  static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
  private static final Logger LOG = LoggerFactory.getLogger(BootstrapPolicy.class);

  private final List<ObjectNode> clusterRoles = new ArrayList<>();
  private final List<ObjectNode> clusterRoleBindings = new ArrayList<>();

  private BootstrapPolicy(JsonNode spec) {
    for (JsonNode r : spec.path("clusterRoles")) {
      ObjectNode role = object("ClusterRole", r.path("name").asText(), r.path("labels"));
      if (r.has("aggregationRule")) {
        role.set("aggregationRule", r.get("aggregationRule").deepCopy());
        role.putArray("rules");
      } else {
        role.set("rules", r.path("rules").deepCopy());
      }
      clusterRoles.add(role);
    }
    for (JsonNode b : spec.path("clusterRoleBindings")) {
      ObjectNode binding = object("ClusterRoleBinding", b.path("name").asText(), Json.object());
      binding.putObject("roleRef").put("apiGroup", EscalationGuard.RBAC).put("kind", "ClusterRole")
          .put("name", b.path("role").asText());
      ArrayNode subjects = binding.putArray("subjects");
      b.path("subjects").forEach(s -> subjects.add(((ObjectNode) s.deepCopy()).put("apiGroup", EscalationGuard.RBAC)));
      clusterRoleBindings.add(binding);
    }
  }

  /** The policy shipped with dekube. */
  public static BootstrapPolicy load() {
    try (InputStream in = BootstrapPolicy.class.getResourceAsStream("bootstrap-policy.yaml")) {
      return new BootstrapPolicy(Json.YAML.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<ObjectNode> clusterRoles() {
    return clusterRoles;
  }

  public List<ObjectNode> clusterRoleBindings() {
    return clusterRoleBindings;
  }

  private static ObjectNode object(String kind, String name, JsonNode labels) {
    ObjectNode o = Json.object().put("apiVersion", EscalationGuard.RBAC + "/v1").put("kind", kind);
    ObjectNode meta = Json.metadata(o).put("name", name);
    ObjectNode l = meta.putObject("labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
    labels.fields().forEachRemaining(e -> l.set(e.getKey(), e.getValue()));
    meta.putObject("annotations").put(AUTOUPDATE, "true");
    return o;
  }

  /** Creates or completes every object of the policy (all at once: they are independent). */
  public Future<Void> reconcile(StoreApi store, ResourceRegistry registry) {
    ResourceType roles = registry.byGroupPlural(EscalationGuard.RBAC, "clusterroles").orElseThrow();
    ResourceType bindings = registry.byGroupPlural(EscalationGuard.RBAC, "clusterrolebindings").orElseThrow();
    List<Future<Void>> all = new ArrayList<>();
    clusterRoles.forEach(r -> all.add(ensure(store, roles, r, 3)));
    clusterRoleBindings.forEach(b -> all.add(ensure(store, bindings, b, 3)));
    Future<Void> chain = Future.all(all).mapEmpty();
    return chain.onSuccess(v -> LOG.info("bootstrap RBAC policy reconciled: {} cluster roles, {} bindings",
        clusterRoles.size(), clusterRoleBindings.size()));
  }

  private static Future<Void> ensure(StoreApi store, ResourceType type, ObjectNode wanted, int tries) {
    String name = wanted.path("metadata").path("name").asText();
    return store.get(type, "", name).compose(existing -> {
      ObjectNode merged = merge(existing, wanted);
      return merged == null ? Future.succeededFuture() : store.update(type, merged, WriteOptions.none()).mapEmpty();
    }, e -> isCode(e, 404) ? store.create(type, "", wanted.deepCopy(), WriteOptions.none()).mapEmpty()
        : Future.failedFuture(e))
        .<Void>mapEmpty()
        .recover(e -> tries > 1 && (isCode(e, 409)) ? ensure(store, type, wanted, tries - 1) : Future.failedFuture(e));
  }

  /** The existing object completed with what {@code wanted} adds, or null when nothing is to change. */
  static ObjectNode merge(ObjectNode existing, ObjectNode wanted) {
    ObjectNode meta = (ObjectNode) existing.path("metadata");
    if ("false".equals(meta.path("annotations").path(AUTOUPDATE).asText())) {
      return null;
    }
    ObjectNode out = existing.deepCopy();
    ObjectNode outMeta = Json.metadata(out);
    ObjectNode labels = outMeta.has("labels") ? (ObjectNode) outMeta.get("labels") : outMeta.putObject("labels");
    wanted.path("metadata").path("labels").fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
    ObjectNode annotations = outMeta.has("annotations") ? (ObjectNode) outMeta.get("annotations")
        : outMeta.putObject("annotations");
    wanted.path("metadata").path("annotations").fields()
        .forEachRemaining(e -> annotations.set(e.getKey(), e.getValue()));
    if (wanted.has("aggregationRule")) {
      out.set("aggregationRule", wanted.get("aggregationRule").deepCopy());
    } else {
      union(out, wanted, "rules");
    }
    union(out, wanted, "subjects");
    return out.equals(existing) ? null : out;
  }

  private static void union(ObjectNode out, ObjectNode wanted, String field) {
    if (!wanted.has(field)) {
      return;
    }
    ArrayNode have = out.has(field) && out.get(field).isArray() ? (ArrayNode) out.get(field) : out.putArray(field);
    for (JsonNode w : wanted.get(field)) {
      boolean found = false;
      for (JsonNode h : have) {
        found |= h.equals(w);
      }
      if (!found) {
        have.add(w.deepCopy());
      }
    }
  }

  static boolean isCode(Throwable e, int code) {
    return e instanceof StatusException s && s.code() == code;
  }
}
