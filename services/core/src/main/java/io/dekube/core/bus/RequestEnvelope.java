package io.dekube.core.bus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/**
 * A request on {@code dekube.requests} (schema: {@code bus-schemas/schemas/request.json}).
 *
 * @param id            unique request id; a retry reuses it and gets the first reply again
 * @param requester     the reply key: replies go to {@code dekube.replies} with this key
 * @param verb          what to do
 * @param resource      bus resource name, e.g. {@code pods}, {@code deployments.apps}
 * @param namespace     namespace, "" for cluster-scoped resources or all-namespace lists
 * @param name          object name ("" for create with generateName and for list)
 * @param body          the object (create, update, updateStatus) or the patch document (patch)
 * @param preconditions {@code uid} and/or {@code resourceVersion} the current object must have
 * @param options       verb options: {@code patchType}, {@code dryRun}, {@code propagationPolicy},
 *                      {@code gracePeriodSeconds}, {@code labelSelector}, {@code fieldSelector}...
 */
public record RequestEnvelope(String id, String requester, String verb, String resource, String namespace,
                              String name, ObjectNode body, ObjectNode preconditions, ObjectNode options) {

  /** The JSON form put on the bus. */
  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("id", id).put("requester", requester).put("verb", verb).put("resource", resource)
        .put("namespace", namespace == null ? "" : namespace).put("name", name == null ? "" : name);
    if (body != null) {
      n.set("body", body);
    }
    if (preconditions != null && !preconditions.isEmpty()) {
      n.set("preconditions", preconditions);
    }
    if (options != null && !options.isEmpty()) {
      n.set("options", options);
    }
    return n;
  }
}
