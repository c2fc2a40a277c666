package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.core.model.Json;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;

/**
 * A patch written against a legacy version ({@code extensions/v1beta1}..., a CRD's other version, converted by its
 * webhook too): its paths are those
 * of the legacy schema, so it is applied here to the current object converted to that version,
 * and the result converted back is written as an update conditioned on the resource version it
 * was read at (a concurrent change fails with 409 Conflict, as a lost race in kube would retry).
 */
final class LegacyPatch {

  private LegacyPatch() {
  }

  static Future<ObjectNode> apply(ApiRequest r, ObjectStore store, ReadHandler reads, String patchType,
                                  JsonNode doc, WriteOptions o) {
    return reads.get(r).compose(current -> r.outAsync(current)
        .map(legacy -> Patches.apply(patchType, legacy, doc, r.type(), o))
        .compose(r::toStored)
        .compose(stored -> {
          Json.metadata(stored).put("resourceVersion", current.path("metadata").path("resourceVersion").asText());
          return "status".equals(o.subresource()) ? store.updateStatus(r.type(), stored, o.withSubresource(null))
              : store.update(r.type(), stored, o.withSubresource(null));
        }));
  }
}
