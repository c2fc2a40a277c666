package io.dekube.core.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON patch, RFC 6902 ({@code application/json-patch+json}): a list of {@code add}, {@code remove},
 * {@code replace}, {@code move}, {@code copy} and {@code test} operations on RFC 6901 pointers,
 * applied in order, all or nothing, with the semantics of evanphx/json-patch v4 that kube-apiserver
 * uses: {@code replace} of a missing object member sets it (as {@code add}), negative array indexes
 * count from the end for {@code add}/{@code remove}, an operation on "" does not apply, a missing
 * {@code value} is null. A malformed document is 400 BadRequest; an operation that does not apply
 * (missing path, failed test) is 422 Invalid, as kube-apiserver answers. Stateless, thread-safe.
 */
public final class JsonPatch implements PatchStrategy {

  /** The content type. */
  public static final String TYPE = "application/json-patch+json";

  @Override
  public ObjectNode apply(ObjectNode current, JsonNode patch, ResourceType type, WriteOptions options) {
    if (patch == null || !patch.isArray()) {
      throw StatusException.badRequest("a JSON patch must be a JSON array of operations");
    }
    JsonNode doc = current == null ? Json.object() : current.deepCopy();
    for (JsonNode op : patch) {
      applyOp(doc, op);
    }
    if (!doc.isObject()) {
      throw notApplicable("the patched document is not a JSON object");
    }
    return (ObjectNode) doc;
  }

  private static JsonNode applyOp(JsonNode doc, JsonNode op) {
    if (!op.isObject() || !op.path("op").isTextual() || !op.path("path").isTextual()) {
      throw StatusException.badRequest("invalid JSON patch operation (needs \"op\" and \"path\"): " + op);
    }
    String path = op.get("path").asText();
    String kind = op.get("op").asText();
    switch (kind) {
      case "add" -> add(container(doc, path, "add operation does not apply: doc is missing path: \"" + path + "\""),
          path, value(op));
      case "remove" -> remove(container(doc, path, "remove operation does not apply: doc is missing path: \""
          + path + "\""), path);
      case "replace" -> replace(container(doc, path, "replace operation does not apply: doc is missing path: "
          + path), path, value(op));
      case "move" -> {
        String from = from(op);
        Target src = container(doc, from, "move operation does not apply: doc is missing from path: " + from);
        JsonNode v = existing(src, "error in move for path: '" + src.key + "'");
        remove(src, from);
        add(container(doc, path, "move operation does not apply: doc is missing destination path: " + path), path, v);
      }
      case "copy" -> {
        String from = from(op);
        Target src = container(doc, from, "copy operation does not apply: doc is missing from path: " + from);
        JsonNode v = existing(src, "error in copy for from: '" + from + "'").deepCopy();
        add(container(doc, path, "copy operation does not apply: doc is missing destination path: " + path), path, v);
      }
      case "test" -> test(doc, op, path);
      default -> throw StatusException.badRequest("Unexpected kind: " + kind);
    }
    return doc;
  }

  /** The container holding the last token of a pointer, as evanphx/json-patch v4's {@code findObject}. */
  private record Target(JsonNode container, String key) {
  }

  /**
   * Walks every token but the last; fails with {@code missing} when the path is "" or a step does
   * not exist or is not an object or array.
   */
  private static Target container(JsonNode doc, String path, String missing) {
    if (!path.isEmpty() && path.charAt(0) != '/') {
      throw StatusException.badRequest("invalid JSON pointer \"" + path + "\": must start with /");
    }
    List<String> ptr = parsePointer(path);
    if (ptr.isEmpty()) {
      throw notApplicable(missing + ": missing value");
    }
    JsonNode n = doc;
    for (String t : ptr.subList(0, ptr.size() - 1)) {
      JsonNode next = n.isObject() ? n.get(t) : n.isArray() && isIndex(t) ? n.get(Integer.parseInt(t)) : null;
      if (next == null || !next.isContainerNode()) {
        throw notApplicable(missing + ": missing value");
      }
      n = next;
    }
    return new Target(n, ptr.get(ptr.size() - 1));
  }

  private static boolean isIndex(String t) {
    return t.matches("-?[0-9]{1,9}");
  }

  /** The value at a target (null for a missing object member, as v4's get); array indexes must exist. */
  private static JsonNode get(Target t, String error) {
    if (t.container.isObject()) {
      return t.container.get(t.key);
    }
    int i = arrayIndex(t, error);
    if (i < 0 || i >= t.container.size()) {
      throw notApplicable(error + ": Unable to access invalid index: " + i + ": invalid index referenced");
    }
    return t.container.get(i);
  }

  private static JsonNode existing(Target t, String error) {
    JsonNode v = get(t, error);
    if (v == null) {
      throw notApplicable(error + ": Unable to remove nonexistent key: " + t.key + ": missing value");
    }
    return v;
  }

  private static int arrayIndex(Target t, String error) {
    if (!isIndex(t.key)) {
      throw notApplicable(error + ": value was not a proper array index: '" + t.key + "'");
    }
    return Integer.parseInt(t.key);
  }

  private static void add(Target t, String path, JsonNode value) {
    if (t.container.isObject()) {
      ((ObjectNode) t.container).set(t.key, value);
      return;
    }
    ArrayNode a = (ArrayNode) t.container;
    if ("-".equals(t.key)) {
      a.add(value);
      return;
    }
    String error = "error in add for path: '" + path + "'";
    int i = arrayIndex(t, error);
    int size = a.size() + 1;
    if (i >= size || i < -size) {
      throw notApplicable(error + ": Unable to access invalid index: " + i + ": invalid index referenced");
    }
    a.insert(i < 0 ? i + size : i, value);
  }

  private static void remove(Target t, String path) {
    String error = "error in remove for path: '" + path + "'";
    if (t.container.isObject()) {
      if (!t.container.has(t.key)) {
        throw notApplicable(error + ": Unable to remove nonexistent key: " + t.key + ": missing value");
      }
      ((ObjectNode) t.container).remove(t.key);
      return;
    }
    ArrayNode a = (ArrayNode) t.container;
    int i = arrayIndex(t, error);
    if (i >= a.size() || i < -a.size()) {
      throw notApplicable(error + ": Unable to access invalid index: " + i + ": invalid index referenced");
    }
    a.remove(i < 0 ? i + a.size() : i);
  }

  /** v4: a missing object member is set (as add); an array index must exist. */
  private static void replace(Target t, String path, JsonNode value) {
    if (t.container.isObject()) {
      ((ObjectNode) t.container).set(t.key, value);
      return;
    }
    String error = "replace operation does not apply: doc is missing key: " + path;
    if (!isIndex(t.key)) {
      throw notApplicable(error + ": missing value");
    }
    int i = Integer.parseInt(t.key);
    if (i < 0 || i >= t.container.size()) {
      throw notApplicable(error + ": missing value");
    }
    ((ArrayNode) t.container).set(i, value);
  }

  private static void test(JsonNode doc, JsonNode op, String path) {
    Target t = container(doc, path, "test operation does not apply: is missing path: " + path);
    JsonNode actual = get(t, "error in test for path: '" + path + "'");
    JsonNode expected = op.get("value");
    boolean ok = actual == null || actual.isNull() ? expected == null || expected.isNull()
        : expected != null && actual.equals(expected);
    if (!ok) {
      throw notApplicable("testing value " + path + " failed: test failed");
    }
  }

  /** The operation's value; a missing one is JSON null, as v4 adds it. */
  private static JsonNode value(JsonNode op) {
    JsonNode v = op.get("value");
    return v == null ? Json.MAPPER.nullNode() : v.deepCopy();
  }

  private static String from(JsonNode op) {
    if (!op.path("from").isTextual()) {
      throw notApplicable("operation, missing from field: missing value");
    }
    return op.get("from").asText();
  }

  /** RFC 6901: "" is the whole document; "/a/b~1c/~0" is [a, b/c, ~]. */
  static List<String> parsePointer(String pointer) {
    List<String> tokens = new ArrayList<>();
    if (pointer.isEmpty()) {
      return tokens;
    }
    for (String t : pointer.substring(1).split("/", -1)) {
      tokens.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static StatusException notApplicable(String message) {
    return new StatusException(422, "Invalid", message);
  }
}
