package io.dekube.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Whether an openAPIV3Schema is structural, as apiextensions requires of v1 CRDs: every specified
 * node has a {@code type} (unless {@code x-kubernetes-int-or-string} or
 * {@code x-kubernetes-preserve-unknown-fields}), the root is an object, and {@code allOf/anyOf/
 * oneOf/not} carry no type, default, nullable or description of their own; {@code $ref} is not
 * allowed. Reports kube's field errors under {@code base}
 * ({@code spec.versions[0].schema.openAPIV3Schema}). Pure.
 */
public final class StructuralCheck {

  private StructuralCheck() {
  }

  /** The errors of a schema (empty when structural). */
  public static List<SchemaError> check(JsonNode schema, String base) {
    List<SchemaError> out = new ArrayList<>();
    if (!"object".equals(schema.path("type").asText())) {
      out.add(schema.path("type").asText("").isEmpty()
          ? new SchemaError("FieldValueRequired", base + ".type", "Required value: must not be empty at the root")
          : new SchemaError("FieldValueInvalid", base + ".type", "Invalid value: \"" + schema.path("type").asText()
              + "\": must be object at the root"));
    }
    node(schema, base, out, true);
    return out;
  }

  private static void node(JsonNode s, String path, List<SchemaError> out, boolean root) {
    if (s.has("$ref")) {
      out.add(new SchemaError("FieldValueForbidden", path + ".$ref", "Forbidden: $ref is not supported"));
    }
    boolean typeless = s.path("x-kubernetes-int-or-string").asBoolean(false)
        || s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      String child = path + ".properties[" + p.getKey() + "]";
      requireType(p.getValue(), child, "must not be empty for specified object fields", out);
      node(p.getValue(), child, out, false);
    }
    if (s.path("items").isObject()) {
      requireType(s.get("items"), path + ".items", "must not be empty for specified array items", out);
      node(s.get("items"), path + ".items", out, false);
    }
    if (s.path("additionalProperties").isObject()) {
      if (s.path("properties").size() > 0) {
        out.add(new SchemaError("FieldValueForbidden", path + ".additionalProperties",
            "Forbidden: additionalProperties and properties are mutual exclusive"));
      }
      requireType(s.get("additionalProperties"), path + ".additionalProperties",
          "must not be empty for specified object fields", out);
      node(s.get("additionalProperties"), path + ".additionalProperties", out, false);
    }
    if ("array".equals(s.path("type").asText()) && !s.path("items").isObject() && !typeless) {
      out.add(new SchemaError("FieldValueRequired", path + ".items", "Required value: must be specified"));
    }
    for (String junctor : new String[] {"allOf", "anyOf", "oneOf"}) {
      int i = 0;
      for (JsonNode sub : s.path(junctor)) {
        junctorNode(sub, path + "." + junctor + "[" + i++ + "]", out);
      }
    }
    if (s.path("not").isObject()) {
      junctorNode(s.get("not"), path + ".not", out);
    }
  }

  private static void requireType(JsonNode s, String path, String detail, List<SchemaError> out) {
    boolean typeless = s.path("x-kubernetes-int-or-string").asBoolean(false)
        || s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (s.path("type").asText("").isEmpty() && !typeless) {
      out.add(new SchemaError("FieldValueRequired", path + ".type", "Required value: " + detail));
    }
  }

  private static void junctorNode(JsonNode s, String path, List<SchemaError> out) {
    for (String f : new String[] {"type", "default", "nullable", "description"}) {
      if (s.has(f)) {
        out.add(new SchemaError("FieldValueForbidden", path + "." + f, "Forbidden: must be empty to be structural"));
      }
    }
  }
}
