package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects field errors of request options and fails with kube's 422 Invalid
 * ({@code ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: ...}). Not
 * thread-safe; one per check.
 */
final class Invalid {

  private record Cause(String reason, String field, String message) {
  }

  private final String group;
  private final String kind;
  private final List<Cause> causes = new ArrayList<>();

  Invalid(String group, String kind) {
    this.group = group;
    this.kind = kind;
  }

  Invalid forbidden(String field, String why) {
    causes.add(new Cause("FieldValueForbidden", field, "Forbidden: " + why));
    return this;
  }

  Invalid notSupported(String field, String value, List<String> supported) {
    causes.add(new Cause("FieldValueNotSupported", field, "Unsupported value: \"" + value
        + "\": supported values: " + String.join(", ", supported.stream().map(s -> "\"" + s + "\"").toList())));
    return this;
  }

  Invalid invalid(String field, String value, String why) {
    causes.add(new Cause("FieldValueInvalid", field, "Invalid value: \"" + value + "\": " + why));
    return this;
  }

  /** Throws the 422 when any cause was recorded. */
  void throwIfAny() {
    if (causes.isEmpty()) {
      return;
    }
    List<String> parts = causes.stream().map(c -> c.field + ": " + c.message).toList();
    String joined = parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]";
    ObjectNode details = Json.object();
    details.put("group", group).put("kind", kind);
    ArrayNode arr = details.putArray("causes");
    causes.forEach(c -> arr.addObject().put("reason", c.reason).put("message", c.message).put("field", c.field));
    throw new StatusException(422, "Invalid", kind + "." + group + " \"\" is invalid: " + joined, details);
  }
}
