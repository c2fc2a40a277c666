package io.dekube.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One kind's schema with every {@code $ref} (also one wrapped in {@code allOf}, as kube-openapi wraps a ref to keep
 * its description) replaced by the schema it names, as kube's {@code resolver.PopulateRefs} does for CEL type
 * checking: properties, additionalProperties and items are followed, a reference back to a schema being resolved
 * (a cycle, as JSONSchemaProps') becomes a bare {@code type: object}, and a reference to no schema makes the whole
 * resolution fail (null). Pure; never changes its input.
 */
final class ResolvedRefs {

  private static final String PREFIX = "#/components/schemas/";

  private final Function<String, JsonNode> schemaOf;
  private final Set<String> visiting = new HashSet<>();

  private ResolvedRefs(Function<String, JsonNode> schemaOf) {
    this.schemaOf = schemaOf;
  }

  /** The schema named {@code root} resolved against {@code schemaOf} (definition name to schema), or null. */
  static JsonNode resolve(Function<String, JsonNode> schemaOf, String root) {
    JsonNode schema = schemaOf.apply(root);
    if (schema == null) {
      return null;
    }
    ResolvedRefs r = new ResolvedRefs(schemaOf);
    r.visiting.add(root);
    try {
      return r.populate(schema);
    } catch (Unresolved e) {
      return null;
    }
  }

  private JsonNode populate(JsonNode schema) {
    String ref = refOf(schema);
    if (ref == null) {
      return children(schema);
    }
    if (!visiting.add(ref)) {
      return Json.object().put("type", "object");
    }
    try {
      JsonNode resolved = ref.startsWith(PREFIX) ? schemaOf.apply(ref.substring(PREFIX.length())) : null;
      if (resolved == null) {
        throw new Unresolved();
      }
      return children(resolved);
    } finally {
      visiting.remove(ref);
    }
  }

  /** {@code schema} with its properties, additionalProperties and items populated (a copy where one changed). */
  private JsonNode children(JsonNode schema) {
    if (!schema.isObject()) {
      return schema;
    }
    ObjectNode out = (ObjectNode) schema.deepCopy();
    if (schema.path("properties").isObject()) {
      ObjectNode props = out.putObject("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        props.set(p.getKey(), populate(p.getValue()));
      }
    }
    if (schema.path("additionalProperties").isObject()) {
      out.set("additionalProperties", populate(schema.get("additionalProperties")));
    }
    if (schema.path("items").isObject()) {
      out.set("items", populate(schema.get("items")));
    }
    return out;
  }

  private static String refOf(JsonNode schema) {
    if (schema.path("$ref").isTextual()) {
      return schema.get("$ref").asText();
    }
    for (JsonNode a : schema.path("allOf")) {
      String ref = refOf(a);
      if (ref != null) {
        return ref;
      }
    }
    return null;
  }

  /** A reference to no schema: kube's ErrSchemaNotFound for the whole kind. */
  private static final class Unresolved extends RuntimeException {
    Unresolved() {
      super(null, null, false, false);
    }
  }
}
