package io.dekube.apiserver.openapi.v2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dekube.core.model.Json;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * kube-aggregator's merge of an aggregated API server's Swagger 2.0 document into {@code /openapi/v2}
 * (kube-openapi's {@code FilterSpecByPathsWithoutSideEffects} and
 * {@code MergeSpecsIgnorePathConflictRenamingDefinitionsAndParameters}): only the backend's paths under
 * {@code /apis/} and the definitions they reach are taken; a path the document already has is ignored;
 * a definition it already has with the same content is shared, one with other content is renamed
 * {@code <name>_v2} ({@code _v3}...) and the backend's references follow it. Pure; the inputs are not
 * changed except {@code into}.
 */
public final class SwaggerMerge {

  private static final String REF = "#/definitions/";

  private SwaggerMerge() {
  }

  /**
   * The backend's document reduced to its {@code /apis/} paths and the definitions they reach
   * (transitively), as kube-aggregator keeps it.
   */
  public static ObjectNode filter(JsonNode spec) {
    ObjectNode out = spec.deepCopy();
    ObjectNode paths = Json.object();
    spec.path("paths").fields().forEachRemaining(e -> {
      if (e.getKey().startsWith("/apis/")) {
        paths.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    out.set("paths", paths);
    Set<String> reached = new LinkedHashSet<>();
    Deque<JsonNode> todo = new ArrayDeque<>();
    todo.add(paths);
    while (!todo.isEmpty()) {
      for (JsonNode ref : todo.pop().findValues("$ref")) {
        String name = ref.asText().startsWith(REF) ? ref.asText().substring(REF.length()) : null;
        JsonNode def = name == null ? null : spec.path("definitions").get(name);
        if (def != null && reached.add(name)) {
          todo.add(def);
        }
      }
    }
    ObjectNode defs = Json.object();
    new TreeMap<>(toMap(spec.path("definitions"))).forEach((n, d) -> {
      if (reached.contains(n)) {
        defs.set(n, d.deepCopy());
      }
    });
    out.set("definitions", defs);
    return out;
  }

  /** Merges {@code spec} (already {@link #filter filtered}) into {@code into}. */
  public static void merge(ObjectNode into, JsonNode spec) {
    ObjectNode defs = Json.child(into, "definitions");
    Map<String, String> renamed = new HashMap<>();
    spec.path("definitions").fields().forEachRemaining(e -> {
      JsonNode existing = defs.get(e.getKey());
      if (existing != null && !existing.equals(e.getValue())) {
        renamed.put(e.getKey(), freeName(defs, e.getKey(), e.getValue()));
      }
    });
    JsonNode source = renamed.isEmpty() ? spec : rewrite(spec.deepCopy(), renamed);
    source.path("definitions").fields().forEachRemaining(e -> {
      String name = renamed.getOrDefault(e.getKey(), e.getKey());
      if (!defs.has(name)) {
        defs.set(name, e.getValue());
      }
    });
    ObjectNode paths = Json.child(into, "paths");
    source.path("paths").fields().forEachRemaining(e -> {
      if (!paths.has(e.getKey())) {
        paths.set(e.getKey(), e.getValue());
      }
    });
    sort(into, "paths");
    sort(into, "definitions");
  }

  /** {@code name_v2}, {@code name_v3}...: the first that is free or already holds this very definition. */
  private static String freeName(ObjectNode defs, String name, JsonNode def) {
    for (int i = 2; ; i++) {
      String candidate = name + "_v" + i;
      JsonNode there = defs.get(candidate);
      if (there == null || there.equals(def)) {
        return candidate;
      }
    }
  }

  private static JsonNode rewrite(JsonNode node, Map<String, String> renamed) {
    if (node instanceof ObjectNode o) {
      JsonNode ref = o.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith(REF)) {
        String target = renamed.get(ref.asText().substring(REF.length()));
        if (target != null) {
          o.set("$ref", TextNode.valueOf(REF + target));
        }
      }
      o.elements().forEachRemaining(child -> rewrite(child, renamed));
    } else if (node instanceof ArrayNode a) {
      a.forEach(child -> rewrite(child, renamed));
    }
    return node;
  }

  private static void sort(ObjectNode doc, String field) {
    ObjectNode sorted = Json.object();
    new TreeMap<>(toMap(doc.path(field))).forEach(sorted::set);
    doc.set(field, sorted);
  }

  private static Map<String, JsonNode> toMap(JsonNode object) {
    Map<String, JsonNode> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }
}
