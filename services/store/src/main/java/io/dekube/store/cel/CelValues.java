package io.dekube.store.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values as CEL sees them, and an OpenAPI schema as a CEL type, as kube maps them: objects are
 * maps of string to their properties' values, arrays lists, integers {@code int} ({@code double}
 * where the schema says {@code number}), {@code x-kubernetes-int-or-string} and
 * {@code x-kubernetes-preserve-unknown-fields} without properties are {@code dyn}, maps with
 * {@code additionalProperties} are {@code map(string, T)}. Pure.
 */
public final class CelValues {

  private CelValues() {
  }

  /** {@code v} as a CEL value, without a schema. */
  public static Object of(JsonNode v) {
    return of(v, null);
  }

  /** {@code v} as a CEL value, typed by {@code schema} where it has one (null: by the JSON alone). */
  public static Object of(JsonNode v, JsonNode schema) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      boolean number = schema != null && "number".equals(schema.path("type").asText());
      if (v.isIntegralNumber() && v.canConvertToLong() && !number) {
        return v.longValue();
      }
      return v.doubleValue();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isArray()) {
      JsonNode items = schema == null ? null : schema.get("items");
      List<Object> out = new ArrayList<>(v.size());
      v.forEach(e -> out.add(of(e, items)));
      return Collections.unmodifiableList(out);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    JsonNode props = schema == null ? null : schema.get("properties");
    JsonNode additional = schema == null ? null : schema.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode child = props != null ? props.get(e.getKey()) : null;
      if (child == null && additional != null && additional.isObject()) {
        child = additional;
      }
      out.put(e.getKey(), of(e.getValue(), child));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The CEL type of values of {@code schema}, as kube declares {@code self}. */
  public static CelType type(JsonNode schema) {
    if (schema == null || schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return SimpleType.DYN;
    }
    String type = schema.path("type").asText("");
    return switch (type) {
      case "object" -> {
        JsonNode additional = schema.get("additionalProperties");
        if (additional != null && additional.isObject() && !schema.has("properties")) {
          yield MapType.create(SimpleType.STRING, type(additional));
        }
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) && !schema.has("properties")) {
          yield SimpleType.DYN;
        }
        yield MapType.create(SimpleType.STRING, SimpleType.DYN);
      }
      case "array" -> ListType.create(schema.path("items").isObject() ? type(schema.get("items")) : SimpleType.DYN);
      case "string" -> SimpleType.STRING;
      case "integer" -> SimpleType.INT;
      case "number" -> SimpleType.DOUBLE;
      case "boolean" -> SimpleType.BOOL;
      default -> SimpleType.DYN;
    };
  }

  /** CEL's text of a result, as kube's messages show it. */
  public static String text(Object v) {
    if (v instanceof NullValue) {
      return "null";
    }
    return String.valueOf(v);
  }
}
