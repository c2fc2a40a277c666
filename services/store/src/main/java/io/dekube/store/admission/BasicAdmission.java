package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The object-metadata checks every kind gets, as Kubernetes' {@code ValidateObjectMeta} does them:
 * a name (or, on create, a generateName) is required; names are lowercase RFC 1123 subdomains (at
 * most 253 characters; RBAC and APIService names are path segments; Namespace names are RFC 1123 labels, at most 63); namespaced kinds need a
 * namespace, cluster-scoped kinds must not have one. Failures are 422 Invalid with Kubernetes'
 * messages and {@code details.causes}. Stateless, thread-safe.
 */
public final class BasicAdmission implements WriteAdmission {

  static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  static final String DNS1123_SUBDOMAIN = DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*";
  private static final Pattern LABEL = Pattern.compile(DNS1123_LABEL);
  private static final Pattern SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN);
  private static final String SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
      + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
      + "used for validation is '" + DNS1123_SUBDOMAIN + "')";
  private static final String LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
      + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
      + "regex used for validation is '" + DNS1123_LABEL + "')";

  /** Groups whose objects are named by path segments ({@code system:basic-user}, {@code v1.}), not subdomains. */
  private static final java.util.Set<String> PATH_SEGMENT_NAMED =
      java.util.Set.of("rbac.authorization.k8s.io", "apiregistration.k8s.io");

  /** One field error: {@code metadata.name: Invalid value: "Foo": ...}; reason as in {@code details.causes}. */
  public record Cause(String reason, String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  @Override
  public ObjectNode admit(ResourceType type, Verb verb, ObjectNode newObject, ObjectNode oldObject) {
    List<Cause> causes = validate(type, verb, newObject);
    if (!causes.isEmpty()) {
      throw invalid(type, newObject.path("metadata").path("name").asText(""), causes);
    }
    return newObject;
  }

  /** The field errors of the object's metadata (empty when valid). */
  List<Cause> validate(ResourceType type, Verb verb, ObjectNode obj) {
    List<Cause> causes = new ArrayList<>();
    JsonNode meta = obj.path("metadata");
    String name = meta.path("name").asText("");
    String generateName = meta.path("generateName").asText("");
    boolean namespaceKind = "Namespace".equals(type.kind()) && type.group().isEmpty();
    if (name.isEmpty()) {
      if (verb != Verb.CREATE || generateName.isEmpty()) {
        causes.add(new Cause("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"));
      }
    } else {
      causes.addAll(namespaceKind ? label("metadata.name", name)
          : PATH_SEGMENT_NAMED.contains(type.group()) ? pathSegment("metadata.name", name)
          : subdomain("metadata.name", name));
    }
    String namespace = meta.path("namespace").asText("");
    if (type.namespaced()) {
      if (namespace.isEmpty()) {
        causes.add(new Cause("FieldValueRequired", "metadata.namespace", "Required value"));
      } else {
        causes.addAll(label("metadata.namespace", namespace));
      }
    } else if (!namespace.isEmpty()) {
      causes.add(new Cause("FieldValueForbidden", "metadata.namespace", "Forbidden: not allowed on this type"));
    }
    return causes;
  }

  private static List<Cause> subdomain(String field, String value) {
    List<Cause> c = new ArrayList<>();
    if (value.length() > 253) {
      c.add(invalidValue(field, value, "must be no more than 253 characters"));
    }
    if (!SUBDOMAIN.matcher(value).matches()) {
      c.add(invalidValue(field, value, SUBDOMAIN_MSG));
    }
    return c;
  }

  /** RBAC objects are named by path segments ({@code system:basic-user}), as kube's ValidateRBACName. */
  private static List<Cause> pathSegment(String field, String value) {
    List<Cause> c = new ArrayList<>();
    if (value.equals(".") || value.equals("..")) {
      c.add(invalidValue(field, value, "may not be '" + value + "'"));
    }
    for (String bad : new String[] {"/", "%"}) {
      if (value.contains(bad)) {
        c.add(invalidValue(field, value, "may not contain '" + bad + "'"));
      }
    }
    return c;
  }

  private static List<Cause> label(String field, String value) {
    List<Cause> c = new ArrayList<>();
    if (value.length() > 63) {
      c.add(invalidValue(field, value, "must be no more than 63 characters"));
    }
    if (!LABEL.matcher(value).matches()) {
      c.add(invalidValue(field, value, LABEL_MSG));
    }
    return c;
  }

  private static Cause invalidValue(String field, String value, String detail) {
    return new Cause("FieldValueInvalid", field, "Invalid value: \"" + value + "\": " + detail);
  }

  /**
   * 422 Invalid as kube-apiserver words it: {@code Pod "Foo" is invalid: <cause>} or, for several,
   * {@code ... is invalid: [<cause>, <cause>]}, with {@code details.causes}.
   */
  public static StatusException invalid(ResourceType type, String name, List<Cause> causes) {
    String text = causes.size() == 1 ? causes.get(0).toString()
        : "[" + String.join(", ", causes.stream().map(Cause::toString).toList()) + "]";
    String qualifiedKind = type.kind() + (type.group().isEmpty() ? "" : "." + type.group());
    ObjectNode details = Json.object().put("name", name);
    if (!type.group().isEmpty()) {
      details.put("group", type.group());
    }
    details.put("kind", type.kind());
    ArrayNode arr = details.putArray("causes");
    for (Cause c : causes) {
      arr.addObject().put("reason", c.reason()).put("message", c.message()).put("field", c.field());
    }
    return new StatusException(422, "Invalid", qualifiedKind + " \"" + name + "\" is invalid: " + text, details);
  }
}
