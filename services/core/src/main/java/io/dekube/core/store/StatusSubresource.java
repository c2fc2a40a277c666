package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a write of the status subresource changes, as kube's status strategies decide it. The writer and
 * the in-memory store of unit tests both follow it. Stateless, thread-safe.
 */
public final class StatusSubresource {

  private StatusSubresource() {
  }

  /** The metadata fields a client may change; the rest of metadata is the server's, whatever the write. */
  private static final List<String> MUTABLE = List.of("labels", "annotations", "finalizers", "ownerReferences");

  /**
   * The metadata fields a status write takes from its body, by resource: what kube 1.32's status strategy of the kind
   * ({@code PrepareForUpdate}) does not reset to the old object's. Most built-in kinds reset only their spec; the
   * rest of this table is where they differ. A kind not listed (a custom resource: kube writes only its status) takes
   * none of them.
   */
  private static final Map<String, List<String>> TAKEN = taken();

  private static Map<String, List<String>> taken() {
    Map<String, List<String>> m = new HashMap<>();
    for (String r : List.of("namespaces", "nodes", "services", "resourcequotas", "replicationcontrollers",
        "persistentvolumes", "persistentvolumeclaims", "replicasets.apps", "daemonsets.apps", "statefulsets.apps",
        "jobs.batch", "cronjobs.batch", "horizontalpodautoscalers.autoscaling", "ingresses.networking.k8s.io",
        "poddisruptionbudgets.policy", "certificatesigningrequests.certificates.k8s.io",
        // kube 1.32 calls ResetObjectMetaForStatus(new, new) here, a no-op (fixed in 2026 by kubernetes#137499)
        "customresourcedefinitions.apiextensions.k8s.io")) {
      m.put(r, MUTABLE);
    }
    m.put("pods", List.of("labels", "annotations", "finalizers")); // not ownerReferences, which old kubelets broke
    m.put("deployments.apps", List.of("annotations", "finalizers", "ownerReferences")); // not labels
    // none: APIServices (labels, annotations, finalizers and ownerReferences kept), VolumeAttachments and
    // ValidatingAdmissionPolicies (ResetObjectMetaForStatus), FlowSchemas and PriorityLevelConfigurations (the old
    // ObjectMeta but managedFields)
    return Map.copyOf(m);
  }

  /** The resources whose status apply drops all metadata (kube's reset fields name {@code metadata}). */
  private static final Set<String> APPLY_RESETS_METADATA = Set.of("customresourcedefinitions.apiextensions.k8s.io");

  /** The metadata fields a write of the kind's status takes from its body ({@code labels}, ...). */
  public static List<String> takenMetadata(ResourceType type) {
    return TAKEN.getOrDefault(type.resourceName(), List.of());
  }

  /**
   * The metadata fields a server-side apply of the kind's status applies: those its status writes take, but none
   * where kube's reset fields of the status strategy name all metadata although its update takes them (CRDs).
   */
  public static List<String> appliedMetadata(ResourceType type) {
    return APPLY_RESETS_METADATA.contains(type.resourceName()) ? List.of() : takenMetadata(type);
  }

  /**
   * A write of the status subresource: {@code current} with the body's status (none when the body has
   * none) and, as the kind's status strategy lets them through, the body's labels, annotations, finalizers and
   * owner references (absent in the body: removed, as a Go object without them). That is how the deployment
   * controller moves {@code deployment.kubernetes.io/revision} without a new generation. The spec, the other
   * metadata and the generation stay.
   */
  public static ObjectNode write(ResourceType type, ObjectNode current, ObjectNode body) {
    ObjectNode next = current.deepCopy();
    if (body.has("status")) {
      next.set("status", body.get("status").deepCopy());
    } else {
      next.remove("status");
    }
    for (String field : takenMetadata(type)) {
      copyMetadata(body, next, field);
    }
    if (type.resourceName().equals("pods")) {
      keepQosClass(current, next);
    }
    return next;
  }

  /** kube's pod status strategy: a status without a QoS class keeps the pod's (old kubelets dropped it). */
  private static void keepQosClass(ObjectNode current, ObjectNode next) {
    String qos = current.path("status").path("qosClass").asText("");
    if (!qos.isEmpty() && next.path("status").path("qosClass").asText("").isEmpty()) {
      Json.child(next, "status").put("qosClass", qos);
    }
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
