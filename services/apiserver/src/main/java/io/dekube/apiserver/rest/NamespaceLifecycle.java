package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import java.util.Set;
import java.util.function.Function;

/**
 * kube's NamespaceLifecycle admission for creates: an object of a namespaced kind may only be
 * created in a namespace that exists (404 {@code namespaces "x" not found}) and is not being
 * deleted (403 {@code ... is forbidden: unable to create new content in namespace x because it is
 * being terminated}). Reads the namespaces' watch cache, and when the namespace is missing there,
 * reads it again consistently (it may just have been created), as kube's plugin falls back to a
 * live lookup; a pod created in a new namespace then waits for its {@code default} ServiceAccount
 * ({@link DefaultServiceAccountWait}). Deletes of the immortal namespaces ({@code default}, {@code kube-system},
 * {@code kube-public}) are refused (403 {@code this namespace may not be deleted}). Runs on the
 * request's event loop.
 */
final class NamespaceLifecycle {

  /** kube-apiserver's immortal namespaces: the plugin refuses their deletion. */
  private static final Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

  private final ResourceType namespaces;
  private final Function<ResourceType, ObjectCache> caches;
  private final DefaultServiceAccountWait defaultAccount;

  /** @param defaultAccount the wait of a pod create for its new namespace's default account; null = none */
  NamespaceLifecycle(ResourceType namespaces, Function<ResourceType, ObjectCache> caches,
                     DefaultServiceAccountWait defaultAccount) {
    this.namespaces = namespaces;
    this.caches = caches;
    this.defaultAccount = defaultAccount;
  }

  /** Completes when {@code r} may create an object named {@code name} (may be "" for generateName). */
  Future<Void> admitCreate(ApiRequest r, String name) {
    return admitCreate(r.type(), r.namespace(), name);
  }

  /** Completes when an object of {@code type} named {@code name} may be created in {@code ns}. */
  Future<Void> admitCreate(ResourceType type, String ns, String name) {
    if (!type.namespaced()) {
      return Future.succeededFuture();
    }
    ObjectCache cache = caches.apply(namespaces);
    return cache.start()
        .compose(v -> cache.get("", ns) != null ? Future.succeededFuture()
            : cache.waitForCurrent())
        .compose(v -> {
          ObjectNode namespace = cache.get("", ns);
          if (namespace == null) {
            throw StatusException.notFound(namespaces, ns);
          }
          if (namespace.path("metadata").hasNonNull("deletionTimestamp")
              || "Terminating".equals(namespace.path("status").path("phase").asText())) {
            throw terminating(type, name, ns);
          }
          boolean pod = type.group().isEmpty() && "pods".equals(type.plural());
          return pod && defaultAccount != null ? defaultAccount.await(namespace) : Future.<Void>succeededFuture();
        });
  }

  /** Throws 403 when {@code name} is a namespace that may not be deleted. */
  void admitDelete(ResourceType type, String name) {
    if (type.group().isEmpty() && "namespaces".equals(type.plural()) && IMMORTAL.contains(name)) {
      throw new StatusException(403, "Forbidden", "namespaces \"" + name + "\" is forbidden: this namespace may not be"
          + " deleted", Json.object().put("name", name).put("kind", "namespaces"));
    }
  }

  private static StatusException terminating(ResourceType type, String name, String ns) {
    ObjectNode details = Json.object().put("name", name);
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.plural());
    String qualified = type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
    return new StatusException(403, "Forbidden", qualified + " \"" + name + "\" is forbidden: unable to create new"
        + " content in namespace " + ns + " because it is being terminated", details);
  }
}
