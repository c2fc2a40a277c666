package io.dekube.core.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;

/**
 * One patch type (one HTTP content type): a pure function from the current object and a patch
 * document to the new object. Implementations must not modify {@code current} or {@code patch}, do no
 * I/O and may be called from any thread (the writer calls them on its loop thread). Failures are
 * {@link io.dekube.core.model.StatusException}s: 400 BadRequest for a malformed patch, 422 Invalid
 * for a patch that does not apply, 409 Conflict for server-side apply conflicts.
 */
@FunctionalInterface
public interface PatchStrategy {

  /**
   * The patched object.
   *
   * @param current the current object with {@code metadata.resourceVersion} set, or null when absent
   *                (only server-side apply creates; the writer answers 404 for the others first)
   * @param patch   the patch document (an object, or an array for JSON patch)
   * @param type    the resource being patched (strategic merge keys, scope)
   * @param options fieldManager and force (server-side apply), dryRun
   */
  ObjectNode apply(ObjectNode current, JsonNode patch, ResourceType type, WriteOptions options);
}
