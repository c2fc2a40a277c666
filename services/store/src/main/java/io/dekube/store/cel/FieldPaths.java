package io.dekube.store.cel;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rule's {@code fieldPath} ({@code .spec.replicas}, {@code .labels['app.kubernetes.io/name']})
 * checked against the schema it is scoped to and turned into kube's field path text
 * ({@code spec.replicas}, {@code labels[app.kubernetes.io/name]}). Numeric list indexes are not
 * allowed, as in kube. Pure.
 */
final class FieldPaths {

  private FieldPaths() {
  }

  /** The normalized path, or throws {@link IllegalArgumentException} with kube's reason. */
  static String normalize(String path, JsonNode schema) {
    StringBuilder out = new StringBuilder();
    JsonNode s = schema;
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      String name;
      if (c == '.') {
        int end = i + 1;
        while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        name = path.substring(i + 1, end);
        if (name.isEmpty()) {
          throw new IllegalArgumentException("unexpected end of JSON path");
        }
        i = end;
      } else if (c == '[') {
        int end = path.indexOf("']", i + 2);
        if (i + 1 >= path.length() || path.charAt(i + 1) != '\'' || end < 0) {
          throw new IllegalArgumentException("expected single quoted string but got " + path.substring(i + 1));
        }
        name = path.substring(i + 2, end).replace("\\'", "'").replace("\\\\", "\\");
        i = end + 2;
      } else {
        throw new IllegalArgumentException("expected [ or . but got: " + path.substring(i));
      }
      JsonNode props = s.path("properties");
      if (props.isObject() && props.size() > 0) {
        if (!props.has(name)) {
          throw new IllegalArgumentException("does not refer to a valid field");
        }
        out.append(out.length() == 0 ? "" : ".").append(name);
        s = props.get(name);
      } else if (s.path("additionalProperties").isObject()) {
        out.append("[").append(name).append("]");
        s = s.get("additionalProperties");
      } else {
        throw new IllegalArgumentException("does not refer to a valid field");
      }
    }
    return out.toString();
  }
}
