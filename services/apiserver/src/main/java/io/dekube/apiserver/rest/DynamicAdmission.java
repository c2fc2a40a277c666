package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.audit.AuditHandler;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.dekube.store.admission.webhook.AdmittedPatch;
import io.dekube.store.admission.webhook.AdmittingStore;
import io.dekube.store.admission.webhook.WebhookAdmission;
import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The REST writes' side of the admission webhooks ({@link WebhookAdmission}): the attributes of a
 * create, update, patch or delete, the old object from the watch cache (brought up to date first),
 * the webhooks' warnings as {@code Warning} headers, their audit annotations in the request's audit events. A PATCH is admitted on the object it yields
 * ({@link AdmittedPatch}). Off (every method passes through) when no webhook rule names the kind.
 */
final class DynamicAdmission {

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

  /**
   * Admits a create and writes the object as the webhooks leave it with {@code write} (with the server fields its
   * validating webhooks saw); validated again with another name when the generated one was taken meanwhile
   * ({@link WebhookAdmission#create}).
   */
  Future<ObjectNode> create(ApiRequest r, ObjectNode obj, WriteParams p,
                            Function<WebhookAdmission.Admitted, Future<ObjectNode>> write) {
    if (off(r)) {
      return write.apply(WebhookAdmission.Admitted.unchanged(obj));
    }
    String name = obj.path("metadata").path("name").asText("");
    AdmissionAttributes a = attributes(r, r.namespace(), AdmissionAttributes.CREATE, name, obj, null, p.dryRun(),
        writeOptions("CreateOptions", p));
    return webhooks.create(a, admitted -> {
      Responses.warnings(r.ctx(), admitted.warnings());
      return write.apply(admitted);
    });
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
    ObjectCache cache = caches.apply(r.type());
    return AdmittedPatch.run(new AdmittedPatch.Request(store,
        () -> cache.waitForCurrent().map(v -> cache.get(r.namespace(), r.name())), r.type(), r.namespace(), r.name(),
        subresource, patchType, document, o, (op, patched, current) -> admitted(r, r.namespace(), op, r.name(),
            patched, current, p.dryRun(), writeOptions(AdmittingStore.patchOptionsKind(op), p))));
  }

  /**
   * The object a patch of another version yields ({@link LegacyPatch}, in the stored version), admitted as kube admits
   * a patch: an update of {@code current}, or a create when a server-side apply makes the object ({@code current}
   * null); as the webhooks leave it.
   */
  Future<ObjectNode> patched(ApiRequest r, ObjectNode obj, ObjectNode current, WriteParams p) {
    if (off(r)) {
      return Future.succeededFuture(obj);
    }
    String op = current == null ? AdmissionAttributes.CREATE : AdmissionAttributes.UPDATE;
    return admit(r, r.namespace(), op, r.name(), obj, current, p.dryRun(),
        writeOptions(AdmittingStore.patchOptionsKind(op), p));
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

  /**
   * Admits a request on a subresource whose objects are of its own {@code kind}, as kube's handlers do for them:
   * {@code CREATE pods/binding} of a Binding, {@code pods/eviction} of an Eviction, {@code serviceaccounts/token} of a
   * TokenRequest, {@code UPDATE deployments/scale} of Scales, {@code CONNECT pods/exec} of its PodExecOptions (no
   * options, never a dry run). Completes with the object as the mutating webhooks left it ({@code obj} itself when no
   * webhook or policy names the resource), the warnings added as {@code Warning} headers.
   *
   * @param type    the resource the request names ({@code r}'s, or {@code bindings} for the legacy endpoint)
   * @param options the request's CreateOptions or UpdateOptions, null for CONNECT
   */
  Future<ObjectNode> subresource(ApiRequest r, ResourceType type, String op, String name,
                                 AdmissionAttributes.ObjectKind kind, ObjectNode obj, ObjectNode old, boolean dryRun,
                                 ObjectNode options) {
    return subresource(r, type, op, name, kind, obj, old, dryRun, options, UnaryOperator.identity());
  }

  /**
   * {@link #subresource(ApiRequest, ResourceType, String, String, AdmissionAttributes.ObjectKind, ObjectNode,
   * ObjectNode, boolean, ObjectNode)} with what the handler does between the mutating and the validating admission
   * ({@code beforeValidation}, also applied when nothing is called; it may throw a StatusException).
   */
  Future<ObjectNode> subresource(ApiRequest r, ResourceType type, String op, String name,
                                 AdmissionAttributes.ObjectKind kind, ObjectNode obj, ObjectNode old, boolean dryRun,
                                 ObjectNode options, UnaryOperator<ObjectNode> beforeValidation) {
    if (webhooks == null || !webhooks.mayApply(type)) {
      try {
        return Future.succeededFuture(beforeValidation.apply(obj));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    UserInfo user = r.ctx().get(UserInfo.CONTEXT_KEY);
    String subresource = type == r.type() ? r.path().subresource() : "";
    AdmissionAttributes a = new AdmissionAttributes(op, type, type.apiVersion(), subresource, r.namespace(), name,
        obj, old, dryRun, options, user, kind, AuditHandler.admission(r.ctx()));
    return webhooks.admit(a, beforeValidation).map(admitted -> {
      Responses.warnings(r.ctx(), admitted.warnings());
      return admitted.object();
    });
  }

  /** Whether {@link #subresource} may call anything for {@code type} (else the handler goes on at once). */
  boolean on(ResourceType type) {
    return webhooks != null && webhooks.mayApply(type);
  }

  /** The CreateOptions of a create on a subresource (its dryRun and fieldManager). */
  static ObjectNode createOptions(WriteParams p) {
    return writeOptions("CreateOptions", p);
  }

  /** The UpdateOptions of an update or a patch of a subresource. */
  static ObjectNode updateOptions(WriteParams p) {
    return writeOptions("UpdateOptions", p);
  }

  /** Runs the webhooks on a write of {@code r} (its path's subresource, if any) to {@code namespace/name}. */
  private Future<ObjectNode> admit(ApiRequest r, String namespace, String op, String name, ObjectNode obj,
                                   ObjectNode old, boolean dryRun, ObjectNode options) {
    return admitted(r, namespace, op, name, obj, old, dryRun, options).map(WebhookAdmission.Admitted::object);
  }

  /** {@link #admit}, with a create's server fields; the warnings become {@code Warning} headers. */
  private Future<WebhookAdmission.Admitted> admitted(ApiRequest r, String namespace, String op, String name,
                                                     ObjectNode obj, ObjectNode old, boolean dryRun,
                                                     ObjectNode options) {
    AdmissionAttributes a = attributes(r, namespace, op, name, obj, old, dryRun, options);
    return webhooks.admit(a).map(admitted -> {
      Responses.warnings(r.ctx(), admitted.warnings());
      return admitted;
    });
  }

  private static AdmissionAttributes attributes(ApiRequest r, String namespace, String op, String name, ObjectNode obj,
                                                ObjectNode old, boolean dryRun, ObjectNode options) {
    // kube's attributes name a Namespace's own name as the namespace of a request on it
    String ns = r.type().group().isEmpty() && r.type().plural().equals("namespaces") ? name : namespace;
    UserInfo user = r.ctx().get(UserInfo.CONTEXT_KEY);
    return new AdmissionAttributes(op, r.type(), r.apiVersion(), r.path().subresource(), ns, name, obj, old, dryRun,
        options, user, null, AuditHandler.admission(r.ctx()));
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
