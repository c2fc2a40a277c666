package io.dekube.core.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import java.time.OffsetDateTime;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Validates a JSON value against a CRD's structural OpenAPI v3 schema as kube-apiextensions-apiserver
 * does (kube-openapi's validator): types, {@code nullable}, {@code enum}, {@code required},
 * numeric bounds, string lengths and patterns, formats, item and property counts,
 * {@code uniqueItems}, {@code allOf/anyOf/oneOf/not}, {@code x-kubernetes-int-or-string} and
 * {@code x-kubernetes-preserve-unknown-fields}; with kube's field paths and messages. The root's
 * {@code apiVersion}, {@code kind} and {@code metadata} are left to the generic checks. Pure.
 */
public final class SchemaValidator {

  private SchemaValidator() {
  }

  /** Every violation of {@code schema} by the object {@code obj} (empty when valid). */
  public static List<SchemaError> validate(JsonNode obj, JsonNode schema) {
    List<SchemaError> out = new ArrayList<>();
    if (schema == null || schema.isNull()) {
      return out;
    }
    JsonNode props = schema.path("properties");
    for (String required : strings(schema.path("required"))) {
      if (!obj.has(required) && !isMeta(required)) {
        out.add(new SchemaError("FieldValueRequired", required, "Required value"));
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (isMeta(e.getKey())) {
        continue;
      }
      JsonNode s = props.get(e.getKey());
      if (s != null) {
        value(e.getValue(), s, e.getKey(), out);
      } else if (schema.path("additionalProperties").isObject()) {
        value(e.getValue(), schema.get("additionalProperties"), e.getKey(), out);
      }
    }
    return out;
  }

  private static boolean isMeta(String field) {
    return field.equals("apiVersion") || field.equals("kind") || field.equals("metadata");
  }

  /** Validates one value at {@code path}. */
  static void value(JsonNode v, JsonNode s, String path, List<SchemaError> out) {
    if (v.isNull()) {
      if (!s.path("nullable").asBoolean(false) && s.hasNonNull("type")) {
        out.add(typeError(path, v, s.path("type").asText()));
      }
      return;
    }
    if (!typeMatches(v, s, path, out)) {
      return;
    }
    enumCheck(v, s, path, out);
    if (v.isNumber()) {
      numberChecks(v, s, path, out);
    } else if (v.isTextual()) {
      stringChecks(v.asText(), s, path, out);
    } else if (v.isArray()) {
      arrayChecks(v, s, path, out);
    } else if (v.isObject()) {
      objectChecks(v, s, path, out);
    }
    junctors(v, s, path, out);
  }

  private static boolean typeMatches(JsonNode v, JsonNode s, String path, List<SchemaError> out) {
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (v.isIntegralNumber() || v.isTextual() || integral(v)) {
        return true;
      }
      out.add(new SchemaError("FieldValueTypeInvalid", path, "Invalid value: \"" + goType(v) + "\": " + path
          + " in body must be of type integer,string: \"" + goType(v) + "\""));
      return false;
    }
    String type = s.path("type").asText("");
    boolean ok = switch (type) {
      case "" -> true;
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber() || integral(v);
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> true;
    };
    if (!ok) {
      out.add(typeError(path, v, type));
    }
    return ok;
  }

  private static boolean integral(JsonNode v) {
    return v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && !Double.isInfinite(v.asDouble());
  }

  private static SchemaError typeError(String path, JsonNode v, String type) {
    return new SchemaError("FieldValueTypeInvalid", path, "Invalid value: \"" + goType(v) + "\": " + path
        + " in body must be of type " + type + ": \"" + goType(v) + "\"");
  }

  /** kube-openapi's name of a JSON value's type. */
  private static String goType(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "string";
    }
    if (v.isIntegralNumber()) {
      return "integer";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    return v.isArray() ? "array" : "object";
  }

  private static void enumCheck(JsonNode v, JsonNode s, String path, List<SchemaError> out) {
    JsonNode e = s.get("enum");
    if (e == null || !e.isArray()) {
      return;
    }
    for (JsonNode allowed : e) {
      if (allowed.equals(v) || (allowed.isNumber() && v.isNumber() && allowed.asDouble() == v.asDouble())) {
        return;
      }
    }
    List<String> supported = new ArrayList<>();
    e.forEach(a -> supported.add(a.isTextual() ? "\"" + a.asText() + "\"" : a.toString()));
    out.add(new SchemaError("FieldValueNotSupported", path, "Unsupported value: " + render(v) + ": supported values: "
        + String.join(", ", supported)));
  }

  private static void numberChecks(JsonNode v, JsonNode s, String path, List<SchemaError> out) {
    double d = v.asDouble();
    if (s.has("maximum")) {
      double max = s.get("maximum").asDouble();
      boolean excl = s.path("exclusiveMaximum").asBoolean(false);
      if (excl ? d >= max : d > max) {
        out.add(invalid(path, v, path + " in body should be less than " + (excl ? "" : "or equal to ")
            + number(s.get("maximum"))));
      }
    }
    if (s.has("minimum")) {
      double min = s.get("minimum").asDouble();
      boolean excl = s.path("exclusiveMinimum").asBoolean(false);
      if (excl ? d <= min : d < min) {
        out.add(invalid(path, v, path + " in body should be greater than " + (excl ? "" : "or equal to ")
            + number(s.get("minimum"))));
      }
    }
    if (s.has("multipleOf") && s.get("multipleOf").asDouble() != 0) {
      double q = d / s.get("multipleOf").asDouble();
      if (q != Math.rint(q)) {
        out.add(invalid(path, v, path + " in body should be a multiple of " + number(s.get("multipleOf"))));
      }
    }
    String format = s.path("format").asText("");
    if (format.equals("int32") && (d > Integer.MAX_VALUE || d < Integer.MIN_VALUE)) {
      out.add(invalid(path, v, path + " in body must be of type int32: \"" + v.asText() + "\""));
    }
  }

  private static String number(JsonNode n) {
    return integral(n) ? String.valueOf(n.asLong()) : n.asText();
  }

  private static void stringChecks(String str, JsonNode s, String path, List<SchemaError> out) {
    JsonNode v = Json.MAPPER.getNodeFactory().textNode(str);
    int len = str.codePointCount(0, str.length());
    if (s.has("maxLength") && len > s.get("maxLength").asInt()) {
      out.add(new SchemaError("FieldValueTooLong", path, "Too long: may not be more than " + s.get("maxLength").asInt()
          + " bytes"));
    }
    if (s.has("minLength") && len < s.get("minLength").asInt()) {
      out.add(invalid(path, v, path + " in body should be at least " + s.get("minLength").asInt() + " chars long"));
    }
    if (s.hasNonNull("pattern")) {
      try {
        if (!Pattern.compile(s.get("pattern").asText()).matcher(str).find()) {
          out.add(invalid(path, v, path + " in body should match '" + s.get("pattern").asText() + "'"));
        }
      } catch (PatternSyntaxException e) {
        out.add(invalid(path, v, "the schema's pattern does not compile: " + e.getDescription()));
      }
    }
    String format = s.path("format").asText("");
    if (!format.isEmpty() && !formatOk(format, str)) {
      out.add(invalid(path, v, path + " in body must be of type " + format + ": \"" + str + "\""));
    }
  }

  private static boolean formatOk(String format, String str) {
    try {
      return switch (format) {
        case "date-time", "datetime" -> OffsetDateTime.parse(str) != null;
        case "date" -> LocalDate.parse(str) != null;
        case "int-or-string", "byte", "password", "" -> true;
        case "uuid" -> str.matches("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}");
        case "ipv4" -> str.matches("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)");
        case "hostname" -> str.matches("[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}"
            + "[A-Za-z0-9])?)*");
        case "email" -> str.matches("[^@\\s]+@[^@\\s]+");
        default -> true;
      };
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void arrayChecks(JsonNode v, JsonNode s, String path, List<SchemaError> out) {
    if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
      out.add(new SchemaError("FieldValueTooMany", path, "Too many: " + v.size() + ": must have at most "
          + s.get("maxItems").asInt() + " items"));
    }
    if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
      out.add(invalid(path, v, path + " in body should have at least " + s.get("minItems").asInt() + " items"));
    }
    if (s.path("uniqueItems").asBoolean(false) || "set".equals(s.path("x-kubernetes-list-type").asText())) {
      Set<JsonNode> seen = new HashSet<>();
      for (int i = 0; i < v.size(); i++) {
        if (!seen.add(v.get(i))) {
          out.add(new SchemaError("FieldValueDuplicate", path + "[" + i + "]", "Duplicate value: " + render(v.get(i))));
        }
      }
    }
    JsonNode items = s.get("items");
    if (items != null && items.isObject()) {
      for (int i = 0; i < v.size(); i++) {
        value(v.get(i), items, path + "[" + i + "]", out);
      }
    }
  }

  private static void objectChecks(JsonNode v, JsonNode s, String path, List<SchemaError> out) {
    for (String required : strings(s.path("required"))) {
      if (!v.has(required) || v.get(required).isNull() && !s.path("properties").path(required).path("nullable")
          .asBoolean(false)) {
        out.add(new SchemaError("FieldValueRequired", path + "." + required, "Required value"));
      }
    }
    if (s.has("maxProperties") && v.size() > s.get("maxProperties").asInt()) {
      out.add(new SchemaError("FieldValueTooMany", path, "Too many: " + v.size() + ": must have at most "
          + s.get("maxProperties").asInt() + " items"));
    }
    if (s.has("minProperties") && v.size() < s.get("minProperties").asInt()) {
      out.add(invalid(path, v, path + " in body should have at least " + s.get("minProperties").asInt()
          + " properties"));
    }
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode child = props.get(e.getKey());
      if (child == null && additional != null && additional.isObject()) {
        child = additional;
      }
      if (child != null) {
        value(e.getValue(), child, path + "." + e.getKey(), out);
      }
    }
  }

  private static void junctors(JsonNode v, JsonNode s, String path, List<SchemaError> out) {
    for (JsonNode sub : s.path("allOf")) {
      value(v, sub, path, out);
    }
    if (s.path("anyOf").isArray() && s.get("anyOf").size() > 0) {
      boolean any = false;
      for (JsonNode sub : s.get("anyOf")) {
        any |= valid(v, sub, path);
      }
      if (!any) {
        out.add(invalid(path, v, "must validate at least one schema (anyOf)"));
      }
    }
    if (s.path("oneOf").isArray() && s.get("oneOf").size() > 0) {
      int n = 0;
      for (JsonNode sub : s.get("oneOf")) {
        n += valid(v, sub, path) ? 1 : 0;
      }
      if (n != 1) {
        out.add(invalid(path, v, "must validate one and only one schema (oneOf)"));
      }
    }
    if (s.path("not").isObject() && valid(v, s.get("not"), path)) {
      out.add(invalid(path, v, "must not validate the schema (not)"));
    }
  }

  private static boolean valid(JsonNode v, JsonNode s, String path) {
    List<SchemaError> errs = new ArrayList<>();
    value(v, s, path, errs);
    return errs.isEmpty();
  }

  private static SchemaError invalid(String path, JsonNode v, String detail) {
    return new SchemaError("FieldValueInvalid", path, "Invalid value: " + render(v) + ": " + detail);
  }

  /** Go's %v-ish rendering kube uses in field errors: strings quoted, numbers bare, composites as JSON. */
  static String render(JsonNode v) {
    return v.isTextual() ? "\"" + v.asText() + "\"" : v.isNumber() ? number(v) : v.toString();
  }

  static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    if (arr != null && arr.isArray()) {
      arr.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  /** Joins errors as kube's aggregate message does. */
  public static String message(List<SchemaError> errors) {
    return errors.stream().map(e -> e.field() + ": " + e.body()).collect(Collectors.joining(", "));
  }
}
