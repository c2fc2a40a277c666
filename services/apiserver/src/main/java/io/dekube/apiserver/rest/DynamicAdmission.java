package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.admission.webhook.AdmissionAttributes;
import io.dekube.apiserver.admission.webhook.WebhookAdmission;
import io.dekube.apiserver.auth.UserInfo;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * The REST writes' side of the admission webhooks ({@link WebhookAdmission}): the attributes of a
 * create, update, patch or delete, the old object from the watch cache (brought up to date first),
 * the webhooks' warnings as {@code Warning} headers.
 *
 * <p>A PATCH is admitted on the object it yields: the patch is applied here to the current object,
 * the webhooks see the result, and the write is conditioned on the resourceVersion they saw. When no
 * mutating webhook changed it, the client's own patch goes to the writer (so apply, strategic merge
 * and managedFields stay the writer's); when one did, the admitted object is written as an update,
 * or for a server-side apply, the webhooks' changes are merged into the applied configuration. A
 * conflict on that condition (someone wrote in between) runs it all again, up to
 * {@value #PATCH_ATTEMPTS} times, as kube's GuaranteedUpdate runs admission again on a retry.
 * Off (every method passes through) when no webhook rule names the kind.
 */
final class DynamicAdmission {

  static final int PATCH_ATTEMPTS = 5;

  private final WebhookAdmission webhooks;
  private final Function<ResourceType, ObjectCache> caches;
  private final ObjectStore store;

  DynamicAdmission(WebhookAdmission webhooks, Function<ResourceType, ObjectCache> caches, ObjectStore store) {
    this.webhooks = webhooks;
    this.caches = caches;
    this.store = store;
  }

  private boolean off(ApiRequest r) {
    return webhooks == null || !webhooks.mayApply(r.type());
  }

  /** The object to create, as the webhooks leave it. */
  Future<ObjectNode> create(ApiRequest r, ObjectNode obj, WriteParams p) {
    if (off(r)) {
      return Future.succeededFuture(obj);
    }
    String name = obj.path("metadata").path("name").asText("");
    return admit(r, r.namespace(), AdmissionAttributes.CREATE, name, obj, null, p.dryRun(),
        writeOptions("CreateOptions", p));
  }

  /** The object to write by a PUT (of the object or of the path's subresource), as the webhooks leave it. */
  Future<ObjectNode> update(ApiRequest r, ObjectNode obj, WriteParams p) {
    if (off(r)) {
      return Future.succeededFuture(obj);
    }
    ObjectCache cache = caches.apply(r.type());
    return cache.waitForCurrent().compose(v -> {
      ObjectNode old = cache.get(r.namespace(), r.name());
      String op = old == null ? AdmissionAttributes.CREATE : AdmissionAttributes.UPDATE;
      return admit(r, r.namespace(), op, r.name(), obj, old, p.dryRun(), writeOptions("UpdateOptions", p));
    });
  }

  /** Whether a patch goes through {@link #patch} (else straight to the writer). */
  boolean admitsPatch(ApiRequest r) {
    return !off(r);
  }

  /** A PATCH (of the object or of {@code subresource}) admitted on the object it yields, then written. */
  Future<ObjectNode> patch(ApiRequest r, String subresource, String patchType, JsonNode document, WriteOptions o,
                           WriteParams p) {
    return patch(r, subresource, patchType, document, o, p, 1);
  }

  private Future<ObjectNode> patch(ApiRequest r, String subresource, String patchType, JsonNode document,
                                   WriteOptions o, WriteParams p, int attempt) {
    ObjectCache cache = caches.apply(r.type());
    boolean apply = patchType.equals(Patches.APPLY);
    return cache.waitForCurrent().compose(v -> {
      ObjectNode current = cache.get(r.namespace(), r.name());
      if (current == null && !apply) {
        return store.patch(r.type(), r.namespace(), r.name(), patchType, document, o); // the writer's 404
      }
      ObjectNode patched = Patches.apply(patchType, current, document, r.type(), o);
      String op = current == null ? AdmissionAttributes.CREATE : AdmissionAttributes.UPDATE;
      String rv = current == null ? null : current.path("metadata").path("resourceVersion").asText(null);
      boolean ours = o.resourceVersion() == null && rv != null;
      WriteOptions conditioned = ours ? o.withResourceVersion(rv) : o;
      return admit(r, r.namespace(), op, r.name(), patched, current, p.dryRun(), writeOptions("PatchOptions", p))
          .compose(admitted -> {
            if (admitted.equals(patched)) {
              return store.patch(r.type(), r.namespace(), r.name(), patchType, document, conditioned);
            }
            if (apply) {
              // the webhooks' changes join the applied configuration: the applier owns them, as it owns the request
              JsonNode merged = Patches.apply(Patches.MERGE, (ObjectNode) document.deepCopy(),
                  mergeDiff(patched, admitted), r.type(), WriteOptions.none());
              return store.patch(r.type(), r.namespace(), r.name(), patchType, merged, conditioned);
            }
            ObjectNode write = admitted.deepCopy();
            Json.metadata(write).put("resourceVersion", rv);
            return "status".equals(subresource) ? store.updateStatus(r.type(), write, conditioned.withSubresource(null))
                : store.update(r.type(), write, conditioned);
          })
          .recover(e -> raced(e, ours, current == null) && attempt < PATCH_ATTEMPTS
              ? patch(r, subresource, patchType, document, o, p, attempt + 1) : Future.failedFuture(e));
    });
  }

  /**
   * Whether a write failed only because the object changed after the webhooks saw it: the
   * resourceVersion precondition added here, or an apply that meant to create finding it created.
   */
  private static boolean raced(Throwable e, boolean ours, boolean creating) {
    if (!(e instanceof StatusException se) || se.code() != 409) {
      return false;
    }
    String m = String.valueOf(se.getMessage());
    return creating ? se.reason().equals("AlreadyExists")
        : ours && (m.contains("Precondition failed: ResourceVersion") || m.contains("the object has been modified"));
  }

  /** The JSON merge patch that turns {@code from} into {@code to} (RFC 7386: null removes a member). */
  static JsonNode mergeDiff(JsonNode from, JsonNode to) {
    if (!from.isObject() || !to.isObject()) {
      return to;
    }
    ObjectNode diff = Json.object();
    to.fields().forEachRemaining(e -> {
      JsonNode before = from.get(e.getKey());
      if (before == null || !before.equals(e.getValue())) {
        diff.set(e.getKey(), before == null ? e.getValue() : mergeDiff(before, e.getValue()));
      }
    });
    from.fieldNames().forEachRemaining(k -> {
      if (!to.has(k)) {
        diff.putNull(k);
      }
    });
    return diff;
  }

  /** Admits the delete of {@code r}'s object (of {@code namespace/name} in a collection delete). */
  Future<Void> delete(ApiRequest r, String namespace, String name, DeleteParams d) {
    if (off(r)) {
      return Future.succeededFuture();
    }
    ObjectCache cache = caches.apply(r.type());
    return cache.waitForCurrent().compose(v -> {
      ObjectNode old = cache.get(namespace, name);
      if (old == null) {
        return Future.succeededFuture(); // the writer answers 404
      }
      ObjectNode options = Json.object().put("kind", "DeleteOptions").put("apiVersion", "meta.k8s.io/v1");
      if (d.dryRun()) {
        options.putArray("dryRun").add("All");
      }
      if (d.gracePeriodSeconds() != null) {
        options.put("gracePeriodSeconds", d.gracePeriodSeconds());
      }
      if (d.propagationPolicy() != null) {
        options.put("propagationPolicy", d.propagationPolicy());
      }
      return admit(r, namespace, AdmissionAttributes.DELETE, name, null, old, d.dryRun(), options).mapEmpty();
    });
  }

  /** Runs the webhooks on a write of {@code r} (its path's subresource, if any) to {@code namespace/name}. */
  private Future<ObjectNode> admit(ApiRequest r, String namespace, String op, String name, ObjectNode obj,
                                   ObjectNode old, boolean dryRun, ObjectNode options) {
    // kube's attributes name a Namespace's own name as the namespace of a request on it
    String ns = r.type().group().isEmpty() && r.type().plural().equals("namespaces") ? name : namespace;
    UserInfo user = r.ctx().get(UserInfo.CONTEXT_KEY);
    AdmissionAttributes a = new AdmissionAttributes(op, r.type(), r.apiVersion(), r.path().subresource(), ns, name,
        obj, old, dryRun, options, user);
    return webhooks.admit(a).map(admitted -> {
      Responses.warnings(r.ctx(), admitted.warnings());
      return admitted.object();
    });
  }

  private static ObjectNode writeOptions(String kind, WriteParams p) {
    ObjectNode o = Json.object().put("kind", kind).put("apiVersion", "meta.k8s.io/v1");
    if (p.dryRun()) {
      o.putArray("dryRun").add("All");
    }
    if (p.fieldManager() != null) {
      o.put("fieldManager", p.fieldManager());
    }
    return o;
  }
}
