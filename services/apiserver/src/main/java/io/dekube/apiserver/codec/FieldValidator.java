package io.dekube.apiserver.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.ModelSchema.Node;
import io.dekube.core.model.StatusException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a decoded object against its kind's typed model as kube-apiserver's typed decoding does:
 * a value of the wrong type fails with 400 BadRequest naming the field
 * ({@code json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
 * int32}); unknown fields are dropped from the object and, with duplicate fields, reported
 * according to {@link FieldValidation}: Strict fails ({@code strict decoding error: unknown field
 * "spec.foo"}), Warn returns them as warnings, Ignore drops them silently. Pure and thread-safe.
 */
public final class FieldValidator {

  private static final Pattern QUANTITY = Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");
  private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /**
   * Checks and prunes {@code object} in place.
   *
   * @param model      the typed model class, or null to skip typed checks (duplicates still count)
   * @param kind       the kind, for messages
   * @param version    the version the body was written in, for messages
   * @param object     the decoded object; unknown fields are removed from it
   * @param duplicates duplicate field paths found while decoding
   * @param mode       the requested field validation
   * @return the warnings to send ({@code unknown field "spec.foo"}); empty unless {@code mode} is Warn
   * @throws StatusException 400 BadRequest for a wrong type, or for any problem under Strict
   */
  public List<String> validate(Class<?> model, String kind, String version, ObjectNode object,
                               List<String> duplicates, FieldValidation mode) {
    String prefix = kind + " in version \"" + version + "\" cannot be handled as a " + kind + ": ";
    List<String> problems = new ArrayList<>();
    if (model != null) {
      Walk walk = new Walk(prefix);
      walk.object(object, ModelSchema.of(model), "", "", model);
      walk.unknown.forEach(p -> problems.add("unknown field \"" + p + "\""));
    }
    duplicates.forEach(p -> problems.add("duplicate field \"" + p + "\""));
    if (problems.isEmpty() || mode == FieldValidation.IGNORE) {
      return List.of();
    }
    if (mode == FieldValidation.STRICT) {
      throw StatusException.badRequest(prefix + "strict decoding error: " + String.join(", ", problems));
    }
    return problems;
  }

  /**
   * Lists the unknown fields of a patch document (merge or strategic merge patch, apply
   * configuration) and removes them from it; keys starting with {@code $} (patch directives)
   * are kept and not reported. Types are not checked (the patched result is).
   */
  public List<String> unknownPatchFields(Class<?> model, JsonNode patch) {
    if (model == null || !(patch instanceof ObjectNode o)) {
      return List.of();
    }
    Walk walk = new Walk("");
    walk.directives = true;
    walk.lenientTypes = true;
    walk.object(o, ModelSchema.of(model), "", "", model);
    return walk.unknown;
  }

  /** One traversal: collects unknown field paths, fails on the first wrong type. */
  private static final class Walk {
    private final String prefix;
    private final List<String> unknown = new ArrayList<>();
    private boolean directives;
    private boolean lenientTypes;

    Walk(String prefix) {
      this.prefix = prefix;
    }

    void value(JsonNode v, Node expected, String path, String goPath, Class<?> owner) {
      if (v == null || v.isNull()) {
        return;
      }
      switch (expected.kind()) {
        case ANY -> { }
        case STRING -> require(v.isTextual(), v, expected, goPath, owner);
        case BOOL -> require(v.isBoolean(), v, expected, goPath, owner);
        case FLOAT -> require(v.isNumber(), v, expected, goPath, owner);
        case INT32 -> integer(v, expected, goPath, owner, INT32_MIN, INT32_MAX);
        case INT64 -> integer(v, expected, goPath, owner, INT64_MIN, INT64_MAX);
        case INT_OR_STRING -> {
          if (!v.isTextual()) {
            integer(v, expected, goPath, owner, INT32_MIN, INT32_MAX);
          }
        }
        case QUANTITY -> quantity(v, expected, goPath, owner);
        case LIST -> list(v, expected, path, goPath, owner);
        case MAP -> map(v, expected, path, goPath, owner);
        case OBJECT -> {
          require(v.isObject(), v, expected, goPath, owner);
          object((ObjectNode) v, expected, path, goPath, expected.bean());
        }
      }
    }

    void object(ObjectNode o, Node expected, String path, String goPath, Class<?> bean) {
      Map<String, Node> props = ModelSchema.properties(expected.bean());
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = e.getKey();
        String child = path.isEmpty() ? name : path + "." + name;
        Node p = props.get(name);
        if (p == null) {
          if (directives && name.startsWith("$")) {
            continue;
          }
          unknown.add(child);
          it.remove();
          continue;
        }
        value(e.getValue(), p, child, goPath.isEmpty() ? name : goPath + "." + name, bean);
      }
    }

    private void list(JsonNode v, Node expected, String path, String goPath, Class<?> owner) {
      require(v.isArray(), v, expected, goPath, owner);
      for (int i = 0; i < v.size(); i++) {
        value(v.get(i), expected.element(), path + "[" + i + "]", goPath, owner);
      }
    }

    private void map(JsonNode v, Node expected, String path, String goPath, Class<?> owner) {
      require(v.isObject(), v, expected, goPath, owner);
      v.fields().forEachRemaining(e -> {
        if (!(lenientTypes && e.getKey().startsWith("$"))) {
          value(e.getValue(), expected.element(), path + "." + e.getKey(), goPath, owner);
        }
      });
    }

    private void integer(JsonNode v, Node expected, String goPath, Class<?> owner, BigInteger min, BigInteger max) {
      if (v.isNumber() && (!v.isIntegralNumber() || v.bigIntegerValue().compareTo(min) < 0
          || v.bigIntegerValue().compareTo(max) > 0)) {
        if (lenientTypes) {
          return;
        }
        throw StatusException.badRequest(prefix + "json: cannot unmarshal number " + v.asText()
            + " into " + target(goPath, owner) + " of type " + expected.goName());
      }
      require(v.isNumber(), v, expected, goPath, owner);
    }

    private void quantity(JsonNode v, Node expected, String goPath, Class<?> owner) {
      if (v.isNumber()) {
        return;
      }
      require(v.isTextual(), v, expected, goPath, owner);
      if (!lenientTypes && !QUANTITY.matcher(v.asText()).matches()) {
        throw StatusException.badRequest(prefix + "quantities must match the regular expression '"
            + QUANTITY.pattern() + "'");
      }
    }

    private void require(boolean ok, JsonNode v, Node expected, String goPath, Class<?> owner) {
      if (ok || lenientTypes) {
        return;
      }
      throw StatusException.badRequest(prefix + "json: cannot unmarshal " + jsonType(v) + " into "
          + target(goPath, owner) + " of type " + expected.goName());
    }

    private static String target(String goPath, Class<?> owner) {
      return goPath.isEmpty() ? "Go value" : "Go struct field " + owner.getSimpleName() + "." + goPath;
    }

    private static String jsonType(JsonNode v) {
      if (v.isTextual()) {
        return "string";
      }
      if (v.isNumber()) {
        return "number";
      }
      if (v.isBoolean()) {
        return "bool";
      }
      return v.isArray() ? "array" : "object";
    }
  }
}
