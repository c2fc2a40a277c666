package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Collects field errors the way Kubernetes' {@code field.ErrorList} does and turns them into a
 * 422 Invalid {@code Status}: {@code Deployment.apps "web" is invalid: spec.selector: Required value},
 * with one {@code details.causes[]} entry per error. Not thread-safe; one per admission call.
 */
public final class FieldErrors {

  /** One field error: reason (FieldValueRequired...), field path, and the body after "field: ". */
  public record FieldError(String reason, String field, String body) {
    public String message() {
      return field + ": " + body;
    }
  }

  private final List<FieldError> errors = new ArrayList<>();

  public List<FieldError> all() {
    return errors;
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  public FieldErrors required(String field, String detail) {
    return add("FieldValueRequired", field, "Required value" + (detail == null || detail.isEmpty() ? "" : ": " + detail));
  }

  public FieldErrors required(String field) {
    return required(field, null);
  }

  public FieldErrors invalid(String field, JsonNode value, String detail) {
    return add("FieldValueInvalid", field, "Invalid value: " + goValue(value) + (detail == null ? "" : ": " + detail));
  }

  /** Invalid value with the value already rendered (e.g. a Go struct literal). */
  public FieldErrors invalidRendered(String field, String rendered, String detail) {
    return add("FieldValueInvalid", field, "Invalid value: " + rendered + (detail == null ? "" : ": " + detail));
  }

  public FieldErrors invalid(String field, String value, String detail) {
    return invalid(field, Json.MAPPER.getNodeFactory().textNode(value), detail);
  }

  public FieldErrors notSupported(String field, JsonNode value, List<String> supported) {
    String list = supported.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", "));
    return add("FieldValueNotSupported", field, "Unsupported value: " + goValue(value) + ": supported values: " + list);
  }

  public FieldErrors duplicate(String field, JsonNode value) {
    return add("FieldValueDuplicate", field, "Duplicate value: " + goValue(value));
  }

  public FieldErrors forbidden(String field, String detail) {
    return add("FieldValueForbidden", field, "Forbidden: " + detail);
  }

  public FieldErrors tooLong(String field, int max) {
    return add("FieldValueTooLong", field, "Too long: may not be more than " + max + " bytes");
  }

  public FieldErrors add(String reason, String field, String body) {
    errors.add(new FieldError(reason, field, body));
    return this;
  }

  /** Throws the 422 Invalid {@link StatusException} when any error was collected. */
  public void throwIfAny(ResourceType type, String name) {
    if (!errors.isEmpty()) {
      throw toException(type, name);
    }
  }

  /** The 422 Invalid exception, message and causes as kube-apiserver writes them. */
  public StatusException toException(ResourceType type, String name) {
    String qualifiedKind = type.kind() + (type.group().isEmpty() ? "" : "." + type.group());
    String list = errors.size() == 1 ? errors.get(0).message()
        : "[" + errors.stream().map(FieldError::message).collect(Collectors.joining(", ")) + "]";
    ObjectNode details = Json.object();
    details.put("name", name);
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.kind());
    ArrayNode causes = details.putArray("causes");
    for (FieldError e : errors) {
      causes.addObject().put("reason", e.reason()).put("message", e.body()).put("field", e.field());
    }
    return new StatusException(422, "Invalid", qualifiedKind + " \"" + name + "\" is invalid: " + list, details);
  }

  /** Renders a value roughly as Go's {@code %#v} does in kube messages: strings quoted, numbers bare, map keys sorted. */
  static String goValue(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "null";
    }
    if (v.isTextual()) {
      return Json.MAPPER.getNodeFactory().textNode(v.asText()).toString();
    }
    if (v.isObject() && isStringMap(v)) {
      StringBuilder sb = new StringBuilder("map[string]string{");
      var it = new java.util.TreeMap<String, JsonNode>(v.properties().stream()
          .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)))
          .entrySet().iterator();
      boolean first = true;
      while (it.hasNext()) {
        var e = it.next();
        sb.append(first ? "" : ", ").append('"').append(e.getKey()).append("\":").append(e.getValue().toString());
        first = false;
      }
      return sb.append('}').toString();
    }
    return v.toString();
  }

  private static boolean isStringMap(JsonNode v) {
    for (JsonNode n : v) {
      if (!n.isTextual()) {
        return false;
      }
    }
    return true;
  }
}
