package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.audit.AuditHandler;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.core.model.ResourceType;
import io.dekube.store.admission.podsecurity.PodSecurityConfig;
import io.dekube.store.admission.podsecurity.PodSecurityWarnings;
import io.dekube.store.admission.podsecurity.PodTemplates;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * The warn and audit modes of kube's PodSecurity admission, as {@code Warning} headers of the answer to an
 * admitted write (the writer enforces; only a client can be warned) and the audit annotations of its request
 * ({@code pod-security.kubernetes.io/audit-violations}, {@code enforce-policy}, {@code exempt}): pods and workload resources whose
 * pod template violates their namespace's {@code warn} level, and namespace updates that make the
 * {@code enforce} level stricter than some of the namespace's pods. Reads the namespaces' and pods'
 * watch caches: the object before an update is the cached one when the request arrives. Follows the
 * {@link PodSecurityConfig} the writers enforce (defaults, exemptions). Runs on the
 * request's event loop.
 */
final class PodSecurityHeaders {

  private final ResourceType namespaces;
  private final ResourceType pods;
  private final Function<ResourceType, ObjectCache> caches;
  private final PodSecurityConfig config;

  PodSecurityHeaders(ResourceType namespaces, ResourceType pods, Function<ResourceType, ObjectCache> caches,
                     PodSecurityConfig config) {
    this.namespaces = namespaces;
    this.pods = pods;
    this.caches = caches;
    this.config = config;
  }

  /** The object an update of {@code r} replaces, for pods and namespaces; null for others and when not cached. */
  Future<ObjectNode> before(ApiRequest r) {
    if (!PodTemplates.isPod(r.type()) && !isNamespace(r.type())) {
      return Future.succeededFuture(null);
    }
    ObjectCache cache = caches.apply(r.type());
    return cache.start().map(v -> cache.get(r.type().namespaced() ? r.namespace() : "", r.name()));
  }

  private static boolean isNamespace(ResourceType type) {
    return type.group().isEmpty() && type.plural().equals("namespaces");
  }

  /** Adds the warnings of the admitted write of {@code obj} to the answer; completes with {@code obj}. */
  Future<ObjectNode> warn(ApiRequest r, ObjectNode before, ObjectNode obj) {
    return warn(r, before, obj, true);
  }

  /**
   * {@link #warn(ApiRequest, ObjectNode, ObjectNode)}; with {@code admitted} false (a pod the writer refused) only
   * the audit annotations, as kube warns of no request it denies.
   */
  Future<ObjectNode> warn(ApiRequest r, ObjectNode before, ObjectNode obj, boolean admitted) {
    if (obj == null) {
      return Future.succeededFuture(obj);
    }
    if (admitted && isNamespace(r.type())) {
      String name = obj.path("metadata").path("name").asText("");
      if (before == null || config.exemptNamespace(name)) { // no pods to check: at most the exemption's warning
        Responses.warnings(r.ctx(), PodSecurityWarnings.forNamespaceUpdate(obj, before, List.of(), config));
        return Future.succeededFuture(obj);
      }
      if (!PodSecurityWarnings.checksPods(obj, before, config)) {
        return Future.succeededFuture(obj);
      }
      ObjectCache cache = caches.apply(pods);
      return cache.start().map(v -> {
        List<ObjectNode> inNamespace = cache.snapshot(p -> name.equals(p.path("metadata").path("namespace").asText()))
            .items();
        Responses.warnings(r.ctx(), PodSecurityWarnings.forNamespaceUpdate(obj, before, inNamespace, config));
        return obj;
      });
    }
    if (!PodTemplates.hasPodSpec(r.type())) {
      return Future.succeededFuture(obj);
    }
    String ns = obj.path("metadata").path("namespace").asText("");
    ObjectCache cache = caches.apply(namespaces);
    return cache.start().map(v -> {
      JsonNode namespace = cache.get("", ns);
      if (admitted) {
        Responses.warnings(r.ctx(), PodSecurityWarnings.forObject(r.type(), obj, before, namespace, config));
      }
      if (AuditHandler.audited(r.ctx())) { // computed only for the audit log's events
        AuditHandler.annotate(r.ctx(), PodSecurityWarnings.auditAnnotations(r.type(), obj, before, namespace, config));
      }
      return obj;
    });
  }
}
