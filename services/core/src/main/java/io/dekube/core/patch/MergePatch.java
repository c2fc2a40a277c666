package io.dekube.core.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import java.util.Map;

/**
 * JSON merge patch, RFC 7386 ({@code application/merge-patch+json}): objects merge recursively,
 * {@code null} removes a member, anything else (arrays included) replaces. Stateless, thread-safe.
 */
public final class MergePatch implements PatchStrategy {

  /** The content type. */
  public static final String TYPE = "application/merge-patch+json";

  @Override
  public ObjectNode apply(ObjectNode current, JsonNode patch, ResourceType type, WriteOptions options) {
    if (patch == null || !patch.isObject()) {
      throw StatusException.badRequest("a merge patch must be a JSON object");
    }
    JsonNode merged = merge(current == null ? Json.object() : current.deepCopy(), patch);
    return (ObjectNode) merged;
  }

  /** RFC 7386 MergePatch(target, patch); may reuse (and modify) {@code target}. */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : Json.object();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }
}
