package io.dekube.core.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.dekube.core.patch.smp.ListMerge;
import io.dekube.core.patch.smp.PatchMeta;
import io.dekube.core.patch.smp.PatchSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a strategic merge patch ({@code application/strategic-merge-patch+json}) to an object, as
 * kube-apiserver does: maps merge recursively, {@code null} deletes, lists merge by the merge key of
 * their field ({@code containers} by {@code name}, {@code ports} by {@code containerPort}, ...) or are
 * replaced when the field has no merge strategy, and the directives {@code $patch}
 * ({@code replace|delete|merge}), {@code $deleteFromPrimitiveList/<field>},
 * {@code $setElementOrder/<field>} and {@code $retainKeys} are honoured. Pure and thread-safe; the
 * inputs are not modified.
 */
public final class StrategicMergePatch implements PatchStrategy {

  static final String DIRECTIVE = "$patch";
  static final String DELETE_PRIMITIVE = "$deleteFromPrimitiveList/";
  static final String SET_ORDER = "$setElementOrder/";
  static final String RETAIN_KEYS = "$retainKeys";

  /** The {@link PatchStrategy} of {@link Patches#STRATEGIC_MERGE}. */
  public StrategicMergePatch() {
  }

  @Override
  public ObjectNode apply(ObjectNode current, JsonNode patch, ResourceType type, WriteOptions options) {
    return apply(current, patch, type);
  }

  /**
   * Patches an object of a built-in type (the type's model gives the merge keys). Custom resources
   * get 415 UnsupportedMediaType, as kube-apiserver answers: their lists have no merge keys.
   */
  public static ObjectNode apply(ObjectNode original, JsonNode patch, ResourceType type) {
    PatchSchema schema = PatchSchema.forKind(type.group(), type.kind());
    if (!schema.known() && !isBuiltInGroup(type.group())) {
      throw new StatusException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
          + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
          + "application/apply-patch+yaml");
    }
    return apply(original, patch, schema);
  }

  private static boolean isBuiltInGroup(String group) {
    return group.isEmpty() || !group.contains(".") || group.endsWith(".k8s.io");
  }

  /** Patches with an explicit schema; throws 400 BadRequest for a malformed patch. */
  public static ObjectNode apply(ObjectNode original, JsonNode patch, PatchSchema schema) {
    if (!(patch instanceof ObjectNode p)) {
      throw StatusException.badRequest("strategic merge patch must be a JSON object, got " + kind(patch));
    }
    ObjectNode base = original == null ? Json.object() : original.deepCopy();
    return mergeMap(base, p.deepCopy(), schema);
  }

  static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, PatchSchema schema) {
    JsonNode directive = patch.remove(DIRECTIVE);
    if (directive != null) {
      switch (directive.asText()) {
        case "replace" -> {
          return clean(patch, schema);
        }
        case "delete" -> {
          return Json.object();
        }
        case "merge" -> { }
        default -> throw StatusException.badRequest("Unknown patch type: " + directive.asText() + " in map: " + patch);
      }
    }
    retainKeys(original, patch);
    setElementOrders(original, patch, schema);
    List<String> keys = new ArrayList<>();
    patch.fieldNames().forEachRemaining(keys::add);
    for (String key : keys) {
      JsonNode value = patch.get(key);
      if (key.startsWith(SET_ORDER)) {
        continue;
      }
      if (key.startsWith(DELETE_PRIMITIVE)) {
        String field = key.substring(DELETE_PRIMITIVE.length());
        if (original.get(field) instanceof ArrayNode list && value instanceof ArrayNode remove) {
          original.set(field, ListMerge.deleteFromPrimitives(list, remove));
        }
        continue;
      }
      mergeField(original, key, value, schema);
    }
    return original;
  }

  private static void mergeField(ObjectNode original, String key, JsonNode value, PatchSchema schema) {
    if (value == null || value.isNull()) {
      original.remove(key);
      return;
    }
    PatchMeta meta = schema.meta(key);
    PatchSchema child = schema.child(key);
    JsonNode current = original.get(key);
    if (value instanceof ObjectNode pv) {
      if (meta.replaces()) {
        original.set(key, clean(pv, child));
      } else {
        ObjectNode merged = mergeMap(current instanceof ObjectNode co ? co : Json.object(), pv, child);
        original.set(key, merged);
      }
    } else if (value instanceof ArrayNode pv) {
      if (current instanceof ArrayNode co && meta.mergesList()) {
        original.set(key, mergeList(co, pv, child, meta.mergeKey()));
      } else if (meta.mergesList()) {
        original.set(key, mergeList(Json.MAPPER.createArrayNode(), pv, child, meta.mergeKey()));
      } else {
        original.set(key, cleanList(pv, child));
      }
    } else {
      original.set(key, value);
    }
  }

  /** Merges a patch list into an original list of a field whose strategy is merge. */
  static ArrayNode mergeList(ArrayNode original, ArrayNode patch, PatchSchema schema, String mergeKey) {
    if (original.isEmpty() && patch.isEmpty()) {
      return original;
    }
    boolean objects = isObjectList(original) || isObjectList(patch);
    if (!objects) {
      ArrayNode merged = ListMerge.dedupe(original, patch);
      return ListMerge.order(merged, patch, original, "");
    }
    if (mergeKey.isEmpty()) {
      throw StatusException.badRequest("cannot merge lists without merge key for " + schema.typeName());
    }
    ArrayNode base = original.deepCopy();
    ArrayNode rest = Json.MAPPER.createArrayNode();
    boolean replace = false;
    for (JsonNode e : patch) {
      if (!(e instanceof ObjectNode o)) {
        throw StatusException.badRequest("list element is not an object: " + e);
      }
      JsonNode directive = o.get(DIRECTIVE);
      if (directive == null) {
        rest.add(o);
        continue;
      }
      switch (directive.asText()) {
        case "delete" -> {
          if (!o.has(mergeKey)) {
            throw StatusException.badRequest("map: " + o + " does not contain declared merge key: " + mergeKey);
          }
          base = ListMerge.removeByKey(base, mergeKey, o.get(mergeKey));
        }
        case "replace" -> replace = true;
        default -> throw StatusException.badRequest("Unknown patch type: " + directive.asText() + " in list element: " + o);
      }
    }
    if (replace) {
      return cleanList(rest, schema);
    }
    for (JsonNode e : rest) {
      ObjectNode o = (ObjectNode) e;
      JsonNode keyValue = o.get(mergeKey);
      if (keyValue == null) {
        throw StatusException.badRequest("map: " + o + " does not contain declared merge key: " + mergeKey);
      }
      int at = ListMerge.indexByKey(base, mergeKey, keyValue);
      if (at >= 0) {
        base.set(at, mergeMap((ObjectNode) base.get(at), o.deepCopy(), schema));
      } else {
        base.add(mergeMap(Json.object(), o.deepCopy(), schema));
      }
    }
    return ListMerge.order(base, rest, original, mergeKey);
  }

  /** Applies {@code $retainKeys}: drops every original key not listed. */
  private static void retainKeys(ObjectNode original, ObjectNode patch) {
    JsonNode retain = patch.remove(RETAIN_KEYS);
    if (!(retain instanceof ArrayNode keys)) {
      return;
    }
    Set<String> keep = new HashSet<>();
    keys.forEach(k -> keep.add(k.asText()));
    List<String> names = new ArrayList<>();
    original.fieldNames().forEachRemaining(names::add);
    for (String n : names) {
      if (!keep.contains(n)) {
        original.remove(n);
      }
    }
  }

  /** Handles {@code $setElementOrder/<field>}: merges that list now and orders it as the directive says. */
  private static void setElementOrders(ObjectNode original, ObjectNode patch, PatchSchema schema) {
    List<Map.Entry<String, JsonNode>> orders = new ArrayList<>();
    patch.fields().forEachRemaining(e -> {
      if (e.getKey().startsWith(SET_ORDER)) {
        orders.add(e);
      }
    });
    for (Map.Entry<String, JsonNode> e : orders) {
      patch.remove(e.getKey());
      String field = e.getKey().substring(SET_ORDER.length());
      if (!(e.getValue() instanceof ArrayNode order)) {
        throw StatusException.badRequest("invalid type for " + e.getKey() + ": must be a list");
      }
      PatchMeta meta = schema.meta(field);
      PatchSchema child = schema.child(field);
      JsonNode current = original.get(field);
      JsonNode patchList = patch.remove(field);
      ArrayNode merged;
      ArrayNode originalList = current instanceof ArrayNode a ? a : Json.MAPPER.createArrayNode();
      if (patchList instanceof ArrayNode pl) {
        merged = meta.mergesList() ? mergeList(originalList, pl, child, meta.mergeKey()) : cleanList(pl, child);
      } else if (current instanceof ArrayNode a) {
        merged = a;
      } else {
        continue;
      }
      original.set(field, ListMerge.order(merged, order, originalList, meta.mergeKey()));
    }
  }

  /** A patch value with directives and nulls removed, for fields the patch replaces or adds. */
  static ObjectNode clean(ObjectNode patch, PatchSchema schema) {
    return mergeMap(Json.object(), patch, schema);
  }

  static ArrayNode cleanList(ArrayNode list, PatchSchema schema) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode e : list) {
      if (e instanceof ObjectNode o) {
        if (o.has(DIRECTIVE)) {
          continue;
        }
        out.add(clean(o.deepCopy(), schema));
      } else {
        out.add(e);
      }
    }
    return out;
  }

  private static boolean isObjectList(ArrayNode a) {
    for (JsonNode e : a) {
      return e.isObject();
    }
    return false;
  }

  private static String kind(JsonNode n) {
    return n == null ? "nothing" : n.getNodeType().name().toLowerCase();
  }
}
