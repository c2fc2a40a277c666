package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.audit.AuditHandler;
import io.dekube.apiserver.codec.MediaTypes;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.apiserver.discovery.ServedResource;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Create (POST, 201), update (PUT), patch (the four patch types), delete and deletecollection,
 * through the writer ({@link ObjectStore}), with kube's checks of names, namespaces, kinds,
 * options and fields, and kube's answers (the object, or a Status Success for kinds that do not
 * return deleted objects). Runs on the request's event loop.
 */
final class WriteHandler {

  private static final int DELETE_BATCH = 32;

  private final ObjectStore store;
  private final Function<ResourceType, ObjectCache> caches;
  private final ReadHandler reads;
  private final ServerSideApply applies;
  private NamespaceLifecycle lifecycle;
  private DynamicAdmission webhooks;
  private PodSecurityHeaders podSecurity;

  WriteHandler(ObjectStore store, Function<ResourceType, ObjectCache> caches, ReadHandler reads) {
    this.store = store;
    this.caches = caches;
    this.reads = reads;
    this.applies = new ServerSideApply(store, caches);
    this.webhooks = new DynamicAdmission(null, caches, store);
  }

  /** Calls the admission webhooks before writes of create, update, patch and delete. */
  void webhooks(io.dekube.store.admission.webhook.WebhookAdmission admission) {
    this.webhooks = new DynamicAdmission(admission, caches, store);
  }

  /** The admission webhooks and policies of the REST writes (subresource handlers share them). */
  DynamicAdmission admission() {
    return webhooks;
  }

  /** Checks creates against the namespaces (kube's NamespaceLifecycle admission); off when null. */
  void namespaceLifecycle(NamespaceLifecycle lifecycle) {
    this.lifecycle = lifecycle;
    applies.namespaceLifecycle(lifecycle);
  }

  /** Warns of pods and pod templates that violate their namespace's PodSecurity warn level; off when null. */
  void podSecurity(PodSecurityHeaders headers) {
    this.podSecurity = headers;
  }

  /** Whether PodSecurity warns of a write of {@code subresource}: the object itself or its ephemeral containers. */
  private boolean podSecurityWarns(String subresource) {
    return podSecurity != null && (subresource == null || subresource.equals("ephemeralcontainers"));
  }

  /** The object an update replaces, as PodSecurity's warnings need it (null when they are off or need none). */
  private Future<ObjectNode> before(ApiRequest r, String subresource) {
    return podSecurityWarns(subresource) ? podSecurity.before(r) : Future.succeededFuture(null);
  }

  /** Adds PodSecurity's warnings about the admitted {@code obj} (not for status writes); completes with it. */
  private Future<ObjectNode> warn(ApiRequest r, String subresource, ObjectNode before, ObjectNode obj) {
    return podSecurityWarns(subresource) ? podSecurity.warn(r, before, obj) : Future.succeededFuture(obj);
  }

  /**
   * The audit annotations of a pod create the writer's PodSecurity refused ({@code enforce-policy},
   * {@code audit-violations}), as kube's plugin gives them to the denied request; nothing for other failures.
   */
  private Future<Void> refusedByPodSecurity(ApiRequest r, ObjectNode pod, Throwable e) {
    boolean refused = podSecurity != null && AuditHandler.audited(r.ctx()) && e instanceof StatusException se
        && se.code() == 403
        && String.valueOf(se.getMessage()).contains(": violates PodSecurity \"");
    return refused ? podSecurity.warn(r, null, pod, false).mapEmpty() : Future.succeededFuture();
  }

  /** Server-side apply as PATCH does it, with the same admission. */
  ServerSideApply serverSideApply() {
    return applies;
  }

  private Future<Void> admitCreate(ApiRequest r, String name) {
    return lifecycle == null ? Future.succeededFuture() : lifecycle.admitCreate(r, name);
  }

  static StatusException methodNotAllowed() {
    return new StatusException(405, "MethodNotAllowed", "the server does not allow this method on the requested"
        + " resource", Json.object());
  }

  static WriteOptions options(WriteParams p) {
    return WriteOptions.none().withDryRun(p.dryRun()).withFieldManager(p.fieldManager())
        .withFieldValidation(p.fieldValidation().wire()).withForce(p.force());
  }

  /**
   * The options of a REST write: without {@code fieldManager} the manager that owns what it sets is the
   * prefix of the client's User-Agent, as kube-apiserver's {@code managerOrUserAgent} has it ({@code kubectl
   * scale} sends none and is {@code kubectl}); admission still sees the options as sent. They carry the request's
   * (impersonated) user's name.
   */
  static WriteOptions options(WriteParams p, ApiRequest r) {
    WriteOptions o = options(p);
    io.dekube.core.auth.UserInfo user = r.ctx().get(io.dekube.core.auth.UserInfo.CONTEXT_KEY);
    if (user != null) {
      o = o.withUser(user.name()); // the writer's PodSecurity exempts its usernames, as kube's reads the request's user
    }
    if (r.custom() != null && r.legacy()) {
      o = o.withApiVersion(r.apiVersion()); // the writer admits and records it as a write in that version
    }
    return p.fieldManager() != null ? o
        : o.withFieldManager(WriteParams.managerFromUserAgent(r.ctx().request().getHeader("User-Agent")));
  }

  void create(ApiRequest r) {
    if (r.type().namespaced() && !r.path().namespaced()) {
      throw methodNotAllowed();
    }
    WriteParams p = WriteParams.parse(r::query, r.queryAll("dryRun"), "CreateOptions", false);
    Bodies.read(r.ctx()).compose(body -> {
      Decoding.Prepared decoded = Decoding.object(r, body, p.fieldValidation());
      return Decoding.stored(r, decoded).compose(d -> {
      Decoding.createNamespace(r, d.object());
      CsrRequestor.stamp(r, d.object());
      Responses.warnings(r.ctx(), d.warnings());
      String name = d.object().path("metadata").path("name").asText("");
      return admitCreate(r, name).compose(v -> webhooks.create(r, d.object(), p,
              admitted -> store.create(r.type(), r.namespace(), admitted.object(),
                  options(p, r).withServerFields(admitted.serverFields()))))
          .compose(obj -> warn(r, null, null, obj))
          .recover(e -> refusedByPodSecurity(r, d.object(), e).compose(v -> Future.failedFuture(e)));
      });
    }).onComplete(ar -> answer(r, 201, ar.result(), ar.cause()));
  }

  void update(ApiRequest r, boolean status) {
    update(r, status, null);
  }

  /** PUT of the object, its status, or another subresource that changes part of it ({@code ephemeralcontainers}). */
  void update(ApiRequest r, boolean status, String subresource) {
    WriteParams p = WriteParams.parse(r::query, r.queryAll("dryRun"), "UpdateOptions", false);
    Bodies.read(r.ctx()).compose(body -> {
      Decoding.Prepared decoded = Decoding.object(r, body, p.fieldValidation());
      return Decoding.stored(r, decoded).compose(d -> {
      Decoding.updateIdentity(r, d.object());
      Responses.warnings(r.ctx(), d.warnings());
      String written = status ? "status" : subresource;
      WriteOptions o = options(p, r);
      return before(r, written).compose(before -> webhooks.update(r, d.object(), p).compose(obj -> status
          ? store.updateStatus(r.type(), obj, o)
          : store.update(r.type(), obj, subresource == null ? o : o.withSubresource(subresource)))
          .compose(obj -> warn(r, written, before, obj)));
      });
    }).onComplete(ar -> answer(r, 200, ar.result(), ar.cause()));
  }

  /** PATCH of the object or its status ({@code subresource} null or {@code status}). */
  void patch(ApiRequest r, String subresource) {
    String type = patchType(r);
    boolean apply = type.equals(MediaTypes.APPLY_PATCH);
    WriteParams p = WriteParams.parse(r::query, r.queryAll("dryRun"), "PatchOptions", apply);
    boolean[] existed = {true};
    Bodies.read(r.ctx()).compose(body -> {
      Decoding.PreparedPatch d = Decoding.patch(r, type, body, p.fieldValidation());
      Responses.warnings(r.ctx(), d.warnings());
      WriteOptions o = options(p, r).withSubresource(subresource);
      if (r.legacy()) {
        return LegacyPatch.apply(r, store, reads, (obj, current) -> webhooks.patched(r, obj, current, p), type,
            d.document(), o, () -> existed[0] = false);
      }
      Future<Void> admitted = !apply ? Future.succeededFuture()
          : applies.admit(r.type(), r.namespace(), r.name(), false).map(before -> {
            existed[0] = before != null; // an apply that creates answers 201
            if (before == null && subresource == null && !d.document().path("metadata").path("name").isTextual()) {
              throw Decoding.nameMismatch("", r.name()); // kube's checkName of the object the apply would create
            }
            return null;
          });
      return before(r, subresource).compose(before -> admitted.compose(v -> webhooks.admitsPatch(r)
          ? webhooks.patch(r, subresource, type, d.document(), o, p)
          : store.patch(r.type(), r.namespace(), r.name(), type, d.document(), o))
          .compose(obj -> warn(r, subresource, before, obj)));
    }).onComplete(ar -> answer(r, existed[0] ? 200 : 201, ar.result(), ar.cause()));
  }

  /**
   * The bare patch content type.
   *
   * @throws StatusException 415 for anything but the four patch types
   */
  static String patchType(ApiRequest r) {
    String type = MediaTypes.contentType(r.ctx().request().getHeader("Content-Type"));
    if (!MediaTypes.PATCH_TYPES.contains(type)) {
      throw new StatusException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
          + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
          + "application/apply-patch+yaml, application/strategic-merge-patch+json");
    }
    return type;
  }

  void delete(ApiRequest r) {
    Bodies.read(r.ctx()).compose(body -> {
      DeleteParams d = DeleteParams.parse(body, r::query, r.queryAll("dryRun"));
      if (lifecycle != null) {
        lifecycle.admitDelete(r.type(), r.name());
      }
      return webhooks.delete(r, r.namespace(), r.name(), d)
          .compose(v -> store.delete(r.type(), r.namespace(), r.name(), deleteOptions(d)));
    }).onComplete(ar -> {
      if (ar.failed()) {
        Responses.fail(r.ctx(), ar.cause(), r.pretty());
      } else {
        answerDeleted(r, ar.result());
      }
    });
  }

  static WriteOptions deleteOptions(DeleteParams d) {
    return WriteOptions.none().withUid(d.uid()).withResourceVersion(d.resourceVersion()).withDryRun(d.dryRun())
        .withPropagationPolicy(d.propagationPolicy()).withGracePeriodSeconds(d.gracePeriodSeconds());
  }

  private void answerDeleted(ApiRequest r, ObjectNode obj) {
    ObjectNode answer = Responses.deleted(r.type(), r.name(), obj);
    if (answer == obj) {
      Responses.object(r, 200, obj);
      return;
    }
    Responses.send(r.ctx(), 200, answer, r.pretty(), r.format().yaml());
  }

  /** Whether a delete left the object in place (finalizers, or a graceful deletion pending). */
  static boolean stillExists(ObjectNode obj) {
    JsonNodeReader m = new JsonNodeReader(obj.path("metadata"));
    return m.has("deletionTimestamp") && (m.size("finalizers") > 0 || m.positive("deletionGracePeriodSeconds"));
  }

  void deleteCollection(ApiRequest r) {
    if (r.type().namespaced() && !r.path().namespaced()
        || !ServedResource.deletesCollections(r.type().group(), r.type().plural())) {
      throw methodNotAllowed();
    }
    ListOptions lo = ListOptions.parse(r::query, false);
    Selection sel = Selection.of(r, lo.labelSelector(), lo.fieldSelector());
    ListOptions all = new ListOptions(lo.labelSelector(), lo.fieldSelector(), 0, "", lo.resourceVersion(),
        lo.resourceVersionMatch(), false, false, null, null);
    Bodies.read(r.ctx()).compose(body -> {
      DeleteParams d = DeleteParams.parse(body, r::query, r.queryAll("dryRun"));
      return reads.listed(r, all, sel, caches.apply(r.type()))
          .compose(listed -> deleteAll(r, listed.page().items(), d, 0, new ArrayList<>())
              .compose(deleted -> r.outAll(deleted, true))
              .map(deleted -> {
                ObjectNode meta = Json.object().put("resourceVersion", Long.toString(listed.resourceVersion()));
                return ReadHandler.list(r.listKind(), r.apiVersion(), meta, deleted);
              }));
    }).onComplete(ar -> {
      if (ar.failed()) {
        Responses.fail(r.ctx(), ar.cause(), r.pretty());
      } else {
        Responses.send(r.ctx(), 200, ar.result(), r.pretty(), r.format().yaml());
      }
    });
  }

  /** Deletes in batches of {@value #DELETE_BATCH}; objects already gone are skipped. */
  private Future<List<ObjectNode>> deleteAll(ApiRequest r, List<ObjectNode> items, DeleteParams d, int from,
                                             List<ObjectNode> done) {
    if (from >= items.size()) {
      return Future.succeededFuture(done);
    }
    List<Future<ObjectNode>> batch = new ArrayList<>();
    for (ObjectNode item : items.subList(from, Math.min(items.size(), from + DELETE_BATCH))) {
      String ns = item.path("metadata").path("namespace").asText("");
      String name = item.path("metadata").path("name").asText("");
      Future<ObjectNode> deleted = webhooks.delete(r, ns, name, d)
          .compose(v -> store.delete(r.type(), ns, name, deleteOptions(d)));
      batch.add(deleted.recover(e ->
          e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture(null) : Future.failedFuture(e)));
    }
    return Future.all(batch).compose(cf -> {
      for (Future<ObjectNode> f : batch) {
        if (f.result() != null) {
          done.add(f.result());
        }
      }
      return deleteAll(r, items, d, from + DELETE_BATCH, done);
    });
  }

  private static void answer(ApiRequest r, int code, ObjectNode result, Throwable failure) {
    if (failure != null) {
      Responses.fail(r.ctx(), failure, r.pretty());
    } else {
      Responses.object(r, code, result);
    }
  }

  /** Null-safe reads of a metadata node. */
  private record JsonNodeReader(com.fasterxml.jackson.databind.JsonNode n) {
    boolean has(String f) {
      return n.hasNonNull(f);
    }

    int size(String f) {
      return n.path(f).size();
    }

    boolean positive(String f) {
      return n.path(f).asLong(0) > 0;
    }
  }
}
