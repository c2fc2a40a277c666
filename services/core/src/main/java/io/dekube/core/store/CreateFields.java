package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/**
 * The server fields of a create chosen before the write reaches the writer, as kube-apiserver fills them
 * between its mutating and its validating admission: the admission that ran the ValidatingAdmissionPolicies
 * and validating webhooks on an object with these fields sends them along (the request option
 * {@code serverFields}), so the stored object is the one they saw. Immutable.
 *
 * @param name              the name generated from {@code metadata.generateName}, or null when the object has
 *                          its own
 * @param uid               {@code metadata.uid}
 * @param creationTimestamp {@code metadata.creationTimestamp} (RFC 3339, to the second)
 */
public record CreateFields(String name, String uid, String creationTimestamp) {

  /** The fields as {@code object}'s metadata holds them, the name only when {@code generated}. */
  public static CreateFields of(ObjectNode object, boolean generated) {
    JsonNode m = object.path("metadata");
    return new CreateFields(generated ? m.path("name").asText(null) : null, m.path("uid").asText(null),
        m.path("creationTimestamp").asText(null));
  }

  /** The envelope's {@code options.serverFields}. */
  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    if (name != null) {
      n.put("name", name);
    }
    if (uid != null) {
      n.put("uid", uid);
    }
    if (creationTimestamp != null) {
      n.put("creationTimestamp", creationTimestamp);
    }
    return n;
  }

  /** Reads {@code options.serverFields}; null when absent. */
  public static CreateFields fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      return null;
    }
    return new CreateFields(WriteOptions.text(n, "name"), WriteOptions.text(n, "uid"),
        WriteOptions.text(n, "creationTimestamp"));
  }
}
