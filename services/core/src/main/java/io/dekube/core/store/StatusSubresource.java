package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import java.util.Set;

/**
 * What a write of the status subresource changes, as kube's status strategies decide it. The writer and
 * the in-memory store of unit tests both follow it. Stateless, thread-safe.
 */
public final class StatusSubresource {

  private StatusSubresource() {
  }

  /** The apps workloads: kube's status strategies reset only their spec (and labels), not their annotations. */
  private static final Set<String> STATUS_WRITES_ANNOTATIONS = Set.of(
      "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps");

  /** Whether a status write of the kind carries the object's annotations (the apps workloads). */
  public static boolean writesAnnotations(ResourceType type) {
    return STATUS_WRITES_ANNOTATIONS.contains(type.resourceName());
  }

  /**
   * A write of the status subresource: {@code current} with the body's status (none when the body has
   * none). For the apps workloads the body's annotations come along, as kube's status strategies let them:
   * that is how the deployment controller moves {@code deployment.kubernetes.io/revision} without a new
   * generation. The generation stays.
   */
  public static ObjectNode write(ResourceType type, ObjectNode current, ObjectNode body) {
    ObjectNode next = current.deepCopy();
    if (body.has("status")) {
      next.set("status", body.get("status").deepCopy());
    } else {
      next.remove("status");
    }
    if (writesAnnotations(type)) {
      copyMetadata(body, next, "annotations");
    }
    return next;
  }

  /** Sets {@code to}'s metadata field as {@code from} has it (absent or null: removed). */
  private static void copyMetadata(ObjectNode from, ObjectNode to, String field) {
    JsonNode value = from.path("metadata").get(field);
    if (value == null || value.isNull()) {
      Json.metadata(to).remove(field);
    } else {
      Json.metadata(to).set(field, value.deepCopy());
    }
  }

  /**
   * A server-side apply of the status subresource: {@link #write} of the applied object, with the managedFields the
   * apply recorded (its entry with {@code subresource: status}).
   */
  public static ObjectNode applied(ResourceType type, ObjectNode current, ObjectNode applied) {
    ObjectNode next = write(type, current, applied);
    copyMetadata(applied, next, "managedFields");
    return next;
  }
}
