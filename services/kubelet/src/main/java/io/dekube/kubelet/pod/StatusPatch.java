package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The body of kube's {@code statusutil.PatchPodStatus}: a strategic merge patch from the pod status the API
 * has to the one the kubelet wants ({@code CreateTwoWayMergePatch} over {@code v1.Pod}), with the pod's uid in
 * {@code metadata} so that the apiserver refuses it (409) for another pod of the same name. Only what changed
 * is in it: a condition, pod IP or resource claim another writer set meanwhile and the kubelet did not change is
 * not named, so the write cannot undo it. Merge lists (by their Go struct tags): {@code conditions} by
 * {@code type}, {@code podIPs} and {@code hostIPs} by {@code ip}, {@code resourceClaimStatuses} by {@code name},
 * each changed one with its {@code $setElementOrder}; other lists (container statuses) are atomic. Pure.
 */
final class StatusPatch {

  private static final Map<String, String> MERGE_KEYS = Map.of("conditions", "type", "podIPs", "ip", "hostIPs",
      "ip", "resourceClaimStatuses", "name");

  private StatusPatch() {
  }

  /** The patch from {@code old} to {@code next} (both pod statuses) for the pod {@code uid}. */
  static ObjectNode create(JsonNode old, JsonNode next, String uid) {
    ObjectNode patch = Json.object();
    patch.putObject("metadata").put("uid", uid);
    ObjectNode status = diff(old.isObject() ? old : Json.object(), next, true);
    if (!status.isEmpty()) {
      patch.set("status", status);
    }
    return patch;
  }

  /** Whether the patch changes nothing (kube's "Status for pod is up-to-date"). */
  static boolean unchanged(ObjectNode patch) {
    return !patch.has("status");
  }

  /** The two-way diff of two maps; {@code top}: the PodStatus itself, whose lists may be merge lists. */
  private static ObjectNode diff(JsonNode old, JsonNode next, boolean top) {
    ObjectNode out = Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = next.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      String field = e.getKey();
      JsonNode before = old.get(field);
      JsonNode after = e.getValue();
      if (after.equals(before)) {
        continue;
      }
      String key = top ? MERGE_KEYS.get(field) : null;
      if (key != null && after.isArray() && (before == null || before.isArray())) {
        mergeList(out, field, key, before == null ? Json.MAPPER.createArrayNode() : before, after);
      } else if (after.isObject() && before != null && before.isObject()) {
        out.set(field, diff(before, after, false));
      } else {
        out.set(field, after.deepCopy());
      }
    }
    for (Iterator<String> it = old.fieldNames(); it.hasNext();) {
      String field = it.next();
      if (!next.has(field)) {
        out.putNull(field);
      }
    }
    return out;
  }

  /** A merge list's patch: new and changed items (changed ones by their changed fields), deletions, order. */
  private static void mergeList(ObjectNode out, String field, String key, JsonNode before, JsonNode after) {
    ArrayNode items = Json.MAPPER.createArrayNode();
    ArrayNode order = Json.MAPPER.createArrayNode();
    Set<String> kept = new HashSet<>();
    for (JsonNode item : after) {
      String k = item.path(key).asText();
      kept.add(k);
      order.addObject().set(key, item.path(key).deepCopy());
      JsonNode was = find(before, key, k);
      if (was == null) {
        items.add(item.deepCopy());
      } else if (!was.equals(item)) {
        ObjectNode changed = diff(was, item, false);
        changed.set(key, item.path(key).deepCopy());
        items.add(changed);
      }
    }
    for (JsonNode item : before) {
      if (!kept.contains(item.path(key).asText())) {
        items.addObject().put("$patch", "delete").set(key, item.path(key).deepCopy());
      }
    }
    if (!items.isEmpty()) {
      out.set("$setElementOrder/" + field, order);
      out.set(field, items);
    }
  }

  private static JsonNode find(JsonNode list, String key, String value) {
    for (JsonNode item : list) {
      if (item.path(key).asText().equals(value)) {
        return item;
      }
    }
    return null;
  }
}
