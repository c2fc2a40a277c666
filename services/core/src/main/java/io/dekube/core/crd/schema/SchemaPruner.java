package io.dekube.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Pruning and defaulting of custom resources by their structural schema, as kube-apiextensions does:
 * fields the schema does not specify are dropped unless {@code x-kubernetes-preserve-unknown-fields}
 * (the root's apiVersion, kind and metadata always stay; embedded resources keep theirs); then
 * {@code default}s fill missing fields. Mutates the given object. Pure otherwise.
 */
public final class SchemaPruner {

  private SchemaPruner() {
  }

  /**
   * Drops unknown fields of {@code obj} in place.
   *
   * @return the paths of the dropped fields ({@code spec.foo}), for strict field validation
   */
  public static List<String> prune(ObjectNode obj, JsonNode schema) {
    List<String> dropped = new ArrayList<>();
    if (schema != null && !schema.isNull()) {
      object(obj, schema, "", true, dropped);
    }
    return dropped;
  }

  private static void node(JsonNode v, JsonNode s, String path, List<String> dropped) {
    if (v instanceof ObjectNode o) {
      object(o, s, path, s.path("x-kubernetes-embedded-resource").asBoolean(false), dropped);
    } else if (v.isArray() && s.path("items").isObject()) {
      for (int i = 0; i < v.size(); i++) {
        node(v.get(i), s.get("items"), path + "[" + i + "]", dropped);
      }
    }
  }

  private static void object(ObjectNode o, JsonNode s, String path, boolean keepMeta, List<String> dropped) {
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      String child = path.isEmpty() ? key : path + "." + key;
      if (keepMeta && (key.equals("apiVersion") || key.equals("kind") || key.equals("metadata"))) {
        continue;
      }
      JsonNode cs = props.get(key);
      if (cs == null && additional != null && additional.isObject()) {
        cs = additional;
      }
      if (cs != null) {
        node(e.getValue(), cs, child, dropped);
      } else if (!preserve && !(additional != null && additional.asBoolean(false))) {
        it.remove();
        dropped.add(child);
      }
    }
  }

  /** Fills {@code default}s of missing (or null, when not nullable) fields, recursively. Mutates {@code obj}. */
  public static void defaults(ObjectNode obj, JsonNode schema) {
    if (schema != null && !schema.isNull()) {
      defaultObject(obj, schema);
    }
  }

  private static void defaultNode(JsonNode v, JsonNode s) {
    if (v instanceof ObjectNode o) {
      defaultObject(o, s);
    } else if (v.isArray() && s.path("items").isObject()) {
      v.forEach(e -> defaultNode(e, s.get("items")));
    }
  }

  private static void defaultObject(ObjectNode o, JsonNode s) {
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      JsonNode cur = o.get(p.getKey());
      JsonNode def = p.getValue().get("default");
      if (def != null && (cur == null || cur.isNull() && !p.getValue().path("nullable").asBoolean(false))) {
        o.set(p.getKey(), def.deepCopy());
      }
    }
    JsonNode additional = s.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode cs = s.path("properties").get(e.getKey());
      if (cs == null && additional != null && additional.isObject()) {
        cs = additional;
      }
      if (cs != null) {
        defaultNode(e.getValue(), cs);
      }
    }
  }
}
