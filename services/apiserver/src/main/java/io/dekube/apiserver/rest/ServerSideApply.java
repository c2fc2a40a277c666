package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.codec.MediaTypes;
import io.dekube.apiserver.codec.TypedModels;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.WireDefaults;
import io.dekube.core.patch.Patches;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * Server-side apply ({@code application/apply-patch+yaml}) as the REST layer does it: the strict
 * field check of the apply configuration, kube's NamespaceLifecycle admission when the apply
 * creates, then the apply patch through the writer (which merges, tracks managedFields and
 * validates). Used by {@code PATCH} and by the ingest consumer. Callbacks run on the caller's context.
 */
public final class ServerSideApply {

  /**
   * The outcome of an apply.
   *
   * @param before the object as it was before (null when the apply created it)
   * @param after  the stored object
   */
  public record Applied(ObjectNode before, ObjectNode after) {

    /** {@code created}, {@code unchanged} (same resourceVersion) or {@code configured}, as kubectl prints. */
    public String action() {
      if (before == null) {
        return "created";
      }
      String rv = before.path("metadata").path("resourceVersion").asText("");
      return rv.equals(after.path("metadata").path("resourceVersion").asText()) ? "unchanged" : "configured";
    }
  }

  private final ObjectStore store;
  private final Function<ResourceType, ObjectCache> caches;
  private NamespaceLifecycle lifecycle;

  ServerSideApply(ObjectStore store, Function<ResourceType, ObjectCache> caches) {
    this.store = store;
    this.caches = caches;
  }

  void namespaceLifecycle(NamespaceLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /**
   * The object as the watch cache holds it (null when missing), after admitting a create of it.
   *
   * @param current wait until the cache has read the store's end first (else it may be stale)
   */
  Future<ObjectNode> admit(ResourceType type, String namespace, String name, boolean current) {
    ObjectCache cache = caches.apply(type);
    return cache.start().compose(v -> current ? cache.waitForCurrent() : Future.<Void>succeededFuture())
        .compose(v -> {
          ObjectNode existing = cache.get(namespace, name);
          if (existing != null || lifecycle == null) {
            return Future.succeededFuture(existing);
          }
          return lifecycle.admitCreate(type, namespace, name).map(ok -> (ObjectNode) null);
        });
  }

  /**
   * Applies {@code config} (in the stored version of {@code type}) as {@code o.fieldManager()}:
   * creates the object when missing, else merges it. Fields the kind does not declare fail with
   * kube's strict 400.
   */
  public Future<Applied> apply(Codecs codecs, ResourceType type, String namespace, String name, ObjectNode config,
                               WriteOptions o) {
    List<String> unknown = codecs.fields().unknownPatchFields(TypedModels.of(type).orElse(null), config);
    if (!unknown.isEmpty()) {
      return Future.failedFuture(strictFieldError(type, type.apiVersion(), namespace, name, unknown));
    }
    return admit(type, namespace, name, true).compose(before ->
        store.patch(type, namespace, name, MediaTypes.APPLY_PATCH, config, o).map(after -> new Applied(before, after)));
  }

  /**
   * Applies {@code config} written in {@code apiVersion}, another served version of a custom kind whose conversion
   * webhook converts it, as kube-apiserver's handler of that version does: a new object is the configuration converted
   * to the stored version; an existing one is converted to {@code apiVersion}, the configuration applied to it (its
   * managedFields recorded there), and the result converted back is written as an update conditioned on the resource
   * version it was read at (the ingest's path; the REST API's is {@code LegacyPatch}).
   */
  public Future<Applied> applyIn(Codecs codecs, ResourceType type, String namespace, String name, ObjectNode config,
                                 String apiVersion, WriteOptions o) {
    return admit(type, namespace, name, true).compose(before -> {
      if (before == null) {
        return codecs.versions().toStoredAsync(type, apiVersion, config.deepCopy())
            .compose(stored -> store.patch(type, namespace, name, MediaTypes.APPLY_PATCH, stored, o))
            .map(after -> new Applied(null, after));
      }
      return codecs.versions().fromStored(type, apiVersion, List.of(WireDefaults.apply(type, before).deepCopy()), false)
          .map(versioned -> Patches.apply(Patches.APPLY, versioned.get(0), config, type, o))
          .compose(applied -> codecs.versions().toStoredAsync(type, apiVersion, applied))
          .compose(stored -> {
            Json.metadata(stored).put("resourceVersion", before.path("metadata").path("resourceVersion").asText());
            return store.update(type, stored, o.withFieldManager(null)); // the apply recorded its ownership
          })
          .map(after -> new Applied(before, after));
    });
  }

  /** kube's 400 for an apply configuration with fields its kind does not declare. */
  static StatusException strictFieldError(ResourceType type, String apiVersion, String namespace, String name,
                                          List<String> unknown) {
    return StatusException.badRequest("failed to create typed patch object (" + namespace + "/" + name + "; "
        + apiVersion + ", Kind=" + type.kind() + "): " + String.join(", ", unknown.stream()
        .map(p -> "." + p + ": field not declared in schema").toList()));
  }
}
