package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;

/**
 * A patch written against a legacy version ({@code extensions/v1beta1}..., a CRD's other version, converted by its
 * webhook too): its paths are those
 * of the legacy schema, so it is applied here to the current object converted to that version,
 * and the result converted back is written as an update conditioned on the resource version it
 * was read at (a concurrent change fails with 409 Conflict, as a lost race in kube would retry).
 * A server-side apply of an object that does not exist yet creates it: the applied configuration,
 * converted to the stored version, goes to the writer as the apply patch. The admission webhooks and policies see the
 * object the patch yields (or the applied configuration that creates one), as for a patch of the stored version.
 */
final class LegacyPatch {

  /** The admission webhooks and policies of the object a patch yields (in the stored version; null current: a create). */
  @FunctionalInterface
  interface Admission {
    Future<ObjectNode> admit(ObjectNode stored, ObjectNode current);
  }

  private LegacyPatch() {
  }

  /** Applies the patch; {@code created} runs when a server-side apply creates the object (a 201). */
  static Future<ObjectNode> apply(ApiRequest r, ObjectStore store, ReadHandler reads, Admission webhooks,
                                  String patchType, JsonNode doc, WriteOptions o, Runnable created) {
    return reads.get(r).transform(read -> {
      if (read.succeeded()) {
        return patchExisting(r, store, read.result(), webhooks, patchType, doc, o);
      }
      if (read.cause() instanceof StatusException se && se.code() == 404 && patchType.equals(Patches.APPLY)
          && doc instanceof ObjectNode applied && o.subresource() == null) {
        created.run();
        return r.toStored(applied.deepCopy()).compose(stored -> webhooks.admit(stored, null))
            .compose(stored -> store.patch(r.type(), r.namespace(), r.name(), patchType, stored, o));
      }
      return Future.failedFuture(read.cause());
    });
  }

  private static Future<ObjectNode> patchExisting(ApiRequest r, ObjectStore store, ObjectNode current,
                                                  Admission webhooks, String patchType, JsonNode doc, WriteOptions o) {
    return r.outAsync(current)
        .map(legacy -> Patches.apply(patchType, legacy, doc, r.type(), o))
        .compose(r::toStored)
        .compose(stored -> webhooks.admit(stored, current))
        .compose(stored -> {
          Json.metadata(stored).put("resourceVersion", current.path("metadata").path("resourceVersion").asText());
          // an apply recorded its ownership here already: the writer keeps the managedFields it sends
          WriteOptions u = patchType.equals(Patches.APPLY) ? o.withSubresource(null).withFieldManager(null)
              : o.withSubresource(null);
          return "status".equals(o.subresource()) ? store.updateStatus(r.type(), stored, u) : store.update(r.type(),
              stored, u);
        });
  }
}
