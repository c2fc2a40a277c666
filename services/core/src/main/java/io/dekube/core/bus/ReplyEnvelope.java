package io.dekube.core.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/**
 * A reply on {@code dekube.replies} (schema: {@code bus-schemas/schemas/reply.json}): either the
 * resulting object (with {@code metadata.resourceVersion} set), or a list, or a failure
 * {@code Status}.
 *
 * @param requestId the request this answers ("" when the request had no readable id)
 * @param requester the requester id (also the record key)
 * @param code      HTTP-like code: 200, 201 for a create, else the Status code
 * @param object    the object or, for list, a {@code List} object with {@code items} and
 *                  {@code metadata.resourceVersion}; null on failure
 * @param status    the failure {@code Status}; null on success
 */
public record ReplyEnvelope(String requestId, String requester, int code, ObjectNode object, ObjectNode status) {

  /** The JSON form put on the bus. */
  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("requestId", requestId == null ? "" : requestId).put("requester", requester).put("code", code);
    if (object != null) {
      n.set("object", object);
    }
    if (status != null) {
      n.set("status", status);
    }
    return n;
  }

  /** Reads the JSON form. */
  public static ReplyEnvelope fromJson(JsonNode n) {
    return new ReplyEnvelope(n.path("requestId").asText(""), n.path("requester").asText(""),
        n.path("code").asInt(500), n.get("object") instanceof ObjectNode o ? o : null,
        n.get("status") instanceof ObjectNode s ? s : null);
  }

  /** Whether this reply reports success. */
  public boolean ok() {
    return status == null && code < 300;
  }

}
