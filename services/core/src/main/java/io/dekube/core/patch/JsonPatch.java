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
 * applied in order, all or nothing. A malformed document is 400 BadRequest; an operation that does
 * not apply (missing path, failed test) is 422 Invalid, as kube-apiserver answers. Stateless,
 * thread-safe.
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
      doc = applyOp(doc, op);
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
    List<String> ptr = parsePointer(path);
    switch (op.get("op").asText()) {
      case "add":
        return add(doc, ptr, value(op), path);
      case "remove":
        return remove(doc, ptr, path);
      case "replace":
        return add(remove(doc, ptr, path), ptr, value(op), path);
      case "move": {
        String from = from(op);
        if (path.startsWith(from + "/")) {
          throw notApplicable("cannot move " + from + " into its own child " + path);
        }
        JsonNode v = get(doc, parsePointer(from), from);
        return add(remove(doc, parsePointer(from), from), ptr, v, path);
      }
      case "copy": {
        String from = from(op);
        return add(doc, ptr, get(doc, parsePointer(from), from).deepCopy(), path);
      }
      case "test":
        if (!get(doc, ptr, path).equals(value(op))) {
          throw notApplicable("testing value " + path + " failed");
        }
        return doc;
      default:
        throw StatusException.badRequest("unknown JSON patch operation \"" + op.get("op").asText() + "\"");
    }
  }

  private static JsonNode value(JsonNode op) {
    if (!op.has("value")) {
      throw StatusException.badRequest("JSON patch operation " + op.get("op").asText() + " needs a \"value\"");
    }
    return op.get("value").deepCopy();
  }

  private static String from(JsonNode op) {
    if (!op.path("from").isTextual()) {
      throw StatusException.badRequest("JSON patch operation " + op.get("op").asText() + " needs a \"from\"");
    }
    return op.get("from").asText();
  }

  /** RFC 6901: "" is the whole document; "/a/b~1c/~0" is [a, b/c, ~]. */
  static List<String> parsePointer(String pointer) {
    List<String> tokens = new ArrayList<>();
    if (pointer.isEmpty()) {
      return tokens;
    }
    if (pointer.charAt(0) != '/') {
      throw StatusException.badRequest("invalid JSON pointer \"" + pointer + "\": must start with /");
    }
    for (String t : pointer.substring(1).split("/", -1)) {
      tokens.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static JsonNode get(JsonNode doc, List<String> ptr, String path) {
    JsonNode n = doc;
    for (String t : ptr) {
      n = child(n, t, path);
    }
    return n;
  }

  private static JsonNode child(JsonNode n, String token, String path) {
    JsonNode c = null;
    if (n.isObject()) {
      c = n.get(token);
    } else if (n.isArray()) {
      int i = index(token, n.size() - 1, path);
      c = n.get(i);
    }
    if (c == null) {
      throw notApplicable("doc is missing path: \"" + path + "\"");
    }
    return c;
  }

  private static JsonNode add(JsonNode doc, List<String> ptr, JsonNode value, String path) {
    if (ptr.isEmpty()) {
      return value;
    }
    JsonNode parent = get(doc, ptr.subList(0, ptr.size() - 1), path);
    String last = ptr.get(ptr.size() - 1);
    if (parent.isObject()) {
      ((ObjectNode) parent).set(last, value);
    } else if (parent.isArray()) {
      ArrayNode a = (ArrayNode) parent;
      if ("-".equals(last)) {
        a.add(value);
      } else {
        a.insert(index(last, a.size(), path), value);
      }
    } else {
      throw notApplicable("doc is missing path: \"" + path + "\"");
    }
    return doc;
  }

  private static JsonNode remove(JsonNode doc, List<String> ptr, String path) {
    if (ptr.isEmpty()) {
      throw notApplicable("cannot remove the whole document");
    }
    JsonNode parent = get(doc, ptr.subList(0, ptr.size() - 1), path);
    String last = ptr.get(ptr.size() - 1);
    if (parent.isObject() && parent.has(last)) {
      ((ObjectNode) parent).remove(last);
    } else if (parent.isArray()) {
      ((ArrayNode) parent).remove(index(last, parent.size() - 1, path));
    } else {
      throw notApplicable("unable to remove nonexistent key: " + last + ": missing value");
    }
    return doc;
  }

  private static int index(String token, int max, String path) {
    if (!token.matches("0|[1-9][0-9]{0,8}")) {
      throw notApplicable("invalid array index \"" + token + "\" in " + path);
    }
    int i = Integer.parseInt(token);
    if (i > max) {
      throw notApplicable("array index " + i + " out of bounds in " + path);
    }
    return i;
  }

  private static StatusException notApplicable(String message) {
    return new StatusException(422, "Invalid", message);
  }
}
