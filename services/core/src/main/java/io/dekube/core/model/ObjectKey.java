package io.dekube.core.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The store key of an object: {@code <namespace>/<name>}, or {@code /<name>} for cluster-scoped
 * objects. Immutable.
 */
public record ObjectKey(String namespace, String name) {

  public ObjectKey {
    namespace = namespace == null ? "" : namespace;
  }

  /** Parses {@code ns/name} or {@code /name}. */
  public static ObjectKey parse(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("store key without '/': " + key);
    }
    return new ObjectKey(key.substring(0, slash), key.substring(slash + 1));
  }

  /** The key of an object from its metadata. */
  public static ObjectKey of(JsonNode object) {
    JsonNode meta = object.path("metadata");
    return new ObjectKey(meta.path("namespace").asText(""), meta.path("name").asText(""));
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
