package io.dekube.core.patch.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.patch.smp.PatchMeta;
import io.dekube.core.patch.smp.PatchSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Field paths of objects: the set of paths an object sets ({@link #fieldsOf}), and reading or removing
 * the value at a path. Lists of type map are addressed by key ({@code k:{"name":"web"}}), sets by value
 * ({@code v:"x"}), other lists and atomic structs as one value. Pure.
 */
public final class Paths {

  /** Top-level and metadata fields the server owns: never tracked, never applied. */
  static final Set<String> IGNORED_METADATA = Set.of("name", "namespace", "uid", "resourceVersion", "generation",
      "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds");

  private Paths() {
  }

  static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fields an object sets, as server-side apply counts them (status and server fields excluded). */
  public static FieldSet fieldsOf(ObjectNode obj, PatchSchema schema) {
    return fieldsOf(obj, schema, false);
  }

  /**
   * The fields an object sets, server fields excluded; {@code withStatus}: its status too (what an update
   * through the status subresource owns, and what no other write may forget).
   */
  public static FieldSet fieldsOf(ObjectNode obj, PatchSchema schema, boolean withStatus) {
    FieldSet set = new FieldSet();
    List<String> prefix = new ArrayList<>();
    obj.fields().forEachRemaining(e -> {
      String k = e.getKey();
      if (k.equals("apiVersion") || k.equals("kind") || k.equals("status") && !withStatus) {
        return;
      }
      if (k.equals("metadata") && e.getValue() instanceof ObjectNode meta) {
        PatchSchema metaSchema = schema.child("metadata");
        prefix.add("f:metadata");
        meta.fields().forEachRemaining(m -> {
          if (!IGNORED_METADATA.contains(m.getKey())) {
            field(m.getKey(), m.getValue(), metaSchema, prefix, set);
          }
        });
        prefix.remove(0);
        return;
      }
      field(k, e.getValue(), schema, prefix, set);
    });
    return set;
  }

  private static void walkObject(ObjectNode obj, PatchSchema schema, List<String> prefix, FieldSet set) {
    obj.fields().forEachRemaining(e -> field(e.getKey(), e.getValue(), schema, prefix, set));
  }

  private static void field(String name, JsonNode v, PatchSchema schema, List<String> prefix, FieldSet set) {
    if (v == null || v.isNull()) {
      return;
    }
    prefix.add("f:" + name);
    PatchSchema child = schema.child(name);
    if (v instanceof ObjectNode o) {
      if (o.isEmpty() || child.atomic()) {
        set.insert(prefix);
      } else if (schema.isMap(name)) {
        set.insert(prefix);
        o.fieldNames().forEachRemaining(k -> {
          prefix.add("f:" + k);
          set.insert(prefix);
          prefix.remove(prefix.size() - 1);
        });
      } else {
        walkObject(o, child, prefix, set);
      }
    } else if (v instanceof ArrayNode a) {
      list(a, schema.meta(name), child, prefix, set);
    } else {
      set.insert(prefix);
    }
    prefix.remove(prefix.size() - 1);
  }

  private static void list(ArrayNode a, PatchMeta meta, PatchSchema child, List<String> prefix, FieldSet set) {
    String type = listType(meta);
    if (type.equals("map")) {
      for (JsonNode e : a) {
        if (!(e instanceof ObjectNode o)) {
          continue;
        }
        prefix.add("k:" + key(o, meta.mapKeys()));
        set.insert(prefix);
        walkObject(o, child, prefix, set);
        prefix.remove(prefix.size() - 1);
      }
    } else if (type.equals("set")) {
      for (JsonNode e : a) {
        prefix.add("v:" + e.toString());
        set.insert(prefix);
        prefix.remove(prefix.size() - 1);
      }
    } else {
      set.insert(prefix);
    }
  }

  /** The list type apply uses: map for merge lists with keys, set for merged primitives, else atomic. */
  static String listType(PatchMeta meta) {
    if (meta.listType().equals("map") && !meta.mapKeys().isEmpty()) {
      return "map";
    }
    if (meta.listType().equals("set")) {
      return "set";
    }
    return "atomic";
  }

  /** The key of a map-list element: {@code {"containerPort":80,"protocol":"TCP"}} (protocol defaults to TCP). */
  static String key(ObjectNode element, List<String> keys) {
    ObjectNode k = Json.object();
    for (String name : keys) {
      JsonNode v = element.get(name);
      if (v == null && name.equals("protocol")) {
        k.put(name, "TCP");
      } else if (v != null) {
        k.set(name, v);
      }
    }
    return k.toString();
  }

  /** The value at a path, or null. */
  public static JsonNode valueAt(JsonNode root, List<String> path) {
    JsonNode node = root;
    for (String e : path) {
      if (node == null) {
        return null;
      }
      node = step(node, e);
    }
    return node;
  }

  private static JsonNode step(JsonNode node, String e) {
    String body = e.substring(2);
    return switch (e.substring(0, 2)) {
      case "f:" -> node.isObject() ? node.get(body) : null;
      case "k:" -> node.isArray() ? findByKey((ArrayNode) node, parse(body)) : null;
      case "v:" -> node.isArray() ? findValue((ArrayNode) node, parse(body)) : null;
      default -> null;
    };
  }

  private static JsonNode findByKey(ArrayNode list, JsonNode key) {
    for (JsonNode el : list) {
      if (el instanceof ObjectNode o && matches(o, key)) {
        return o;
      }
    }
    return null;
  }

  static boolean matches(ObjectNode element, JsonNode key) {
    var it = key.fields();
    while (it.hasNext()) {
      var k = it.next();
      JsonNode v = element.get(k.getKey());
      if (v == null && k.getKey().equals("protocol")) {
        v = Json.MAPPER.getNodeFactory().textNode("TCP");
      }
      if (v == null || !v.equals(k.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode findValue(ArrayNode list, JsonNode value) {
    for (JsonNode el : list) {
      if (el.equals(value)) {
        return el;
      }
    }
    return null;
  }

  /** Whether a list element is the one a path element ({@code k:{..}} or {@code v:..}) names. */
  public static boolean isElement(JsonNode element, String pathElement) {
    String body = pathElement.substring(2);
    if (pathElement.startsWith("k:")) {
      return element instanceof ObjectNode o && matches(o, parse(body));
    }
    return pathElement.startsWith("v:") && element.equals(parse(body));
  }

  /** The key field names of a {@code k:{..}} path element (none for other elements). */
  public static List<String> keyFields(String pathElement) {
    List<String> out = new ArrayList<>();
    if (pathElement.startsWith("k:")) {
      parse(pathElement.substring(2)).fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  /** Removes the value at a path (a field, a keyed list element, a set value); no-op when absent. */
  public static void removeAt(JsonNode root, List<String> path) {
    if (path.isEmpty()) {
      return;
    }
    JsonNode parent = valueAt(root, path.subList(0, path.size() - 1));
    String last = path.get(path.size() - 1);
    String body = last.substring(2);
    if (parent instanceof ObjectNode o && last.startsWith("f:")) {
      o.remove(body);
    } else if (parent instanceof ArrayNode a && (last.startsWith("k:") || last.startsWith("v:"))) {
      JsonNode key = parse(body);
      for (int i = a.size() - 1; i >= 0; i--) {
        JsonNode el = a.get(i);
        boolean hit = last.startsWith("k:") ? el instanceof ObjectNode eo && matches(eo, key) : el.equals(key);
        if (hit) {
          a.remove(i);
        }
      }
    }
  }
}
