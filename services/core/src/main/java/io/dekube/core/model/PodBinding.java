package io.dekube.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The {@code pods/binding} subresource as one write (kube's {@code BindingREST.assignPod}): the
 * pod must not be bound yet nor be deleted; the write sets {@code spec.nodeName}, merges the
 * binding's annotations and sets the {@code PodScheduled=True} condition, all in one record — so
 * the scheduler's bind costs one transaction slot, not two, and no reader ever sees a bound pod
 * without its condition. The request is a PATCH with option {@code subresource=binding} whose
 * document is {@code {"spec":{"nodeName":N},"metadata":{"annotations":{...}}}}. The writer
 * uses it, and so do the in-memory stores of tests.
 */
public final class PodBinding {

  public static final String SUBRESOURCE = "binding";

  private PodBinding() {
  }

  /** The bound copy of {@code pod}; 409 Conflict as kube words it when it cannot be bound. */
  public static ObjectNode bind(String name, ObjectNode pod, JsonNode doc) {
    String node = doc.path("spec").path("nodeName").asText("");
    if (node.isEmpty()) {
      throw StatusException.badRequest("a binding needs spec.nodeName");
    }
    if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
      throw conflict(name, "pod " + name + " is being deleted, cannot be assigned to a host");
    }
    String current = pod.path("spec").path("nodeName").asText("");
    if (!current.isEmpty()) {
      throw conflict(name, "pod " + name + " is already assigned to node \"" + current + "\"");
    }
    ObjectNode next = pod.deepCopy();
    Json.child(next, "spec").put("nodeName", node);
    JsonNode annotations = doc.path("metadata").path("annotations");
    if (annotations.isObject() && !annotations.isEmpty()) {
      ObjectNode target = Json.child(Json.metadata(next), "annotations");
      annotations.fields().forEachRemaining(e -> target.set(e.getKey(), e.getValue().deepCopy()));
    }
    ObjectNode status = Json.child(next, "status");
    ArrayNode conditions = Json.MAPPER.createArrayNode();
    for (JsonNode c : status.path("conditions")) {
      if (!"PodScheduled".equals(c.path("type").asText())) {
        conditions.add(c);
      }
    }
    conditions.addObject().put("type", "PodScheduled").put("status", "True").putNull("lastProbeTime")
        .put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    status.set("conditions", conditions);
    return next;
  }

  private static StatusException conflict(String pod, String why) {
    ObjectNode details = Json.object().put("name", pod).put("kind", "pods/binding");
    return new StatusException(409, "Conflict", "Operation cannot be fulfilled on pods/binding \"" + pod + "\": "
        + why, details);
  }
}
