package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceType;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * kube-apiserver's {@code RuntimeClass} admission plugin, run by the writer on every pod create: a pod
 * naming a {@code spec.runtimeClassName} that does not exist is 403 {@code pod rejected: RuntimeClass
 * "x" not found}; the class's {@code overhead.podFixed} becomes the pod's {@code spec.overhead} (a pod
 * that brings another overhead is refused, and so is one that brings an overhead without such a class);
 * the class's {@code scheduling.nodeSelector} is merged into the pod's (a key the pod sets to another
 * value is a 403 conflict) and its {@code scheduling.tolerations} are added. The classes come from a
 * read-only view (the store's RuntimeClass informer), as kube's plugin reads its lister: a pod created
 * in the instant after its class may be refused once. Thread-safe; never blocks (the writer's loop thread, and the
 * webhook admission's defaults on event loops).
 */
public final class RuntimeClassAdmission implements WriteAdmission {

  private final Function<String, ObjectNode> byName;

  /** @param byName one RuntimeClass by name, or null */
  public RuntimeClassAdmission(Function<String, ObjectNode> byName) {
    this.byName = byName;
  }

  @Override
  public ObjectNode admit(ResourceType type, Verb verb, ObjectNode pod, ObjectNode old) {
    return admitPod(type, verb, pod, true);
  }

  /**
   * The plugin's mutating part alone (kube's {@code Admit}: overhead and scheduling from the class, its refusals), as
   * the webhooks and policies see a new pod and before it is named; not the check that a pod without such a class
   * brings no overhead, which kube's {@code Validate} makes.
   */
  @Override
  public ObjectNode defaults(ResourceType type, Verb verb, ObjectNode pod, ObjectNode old) {
    return admitPod(type, verb, pod, false);
  }

  private ObjectNode admitPod(ResourceType type, Verb verb, ObjectNode pod, boolean validate) {
    if (pod == null || verb != Verb.CREATE || !type.group().isEmpty() || !type.kind().equals("Pod")) {
      return pod;
    }
    ObjectNode spec = pod.get("spec") instanceof ObjectNode s ? s : pod.putObject("spec");
    String className = spec.path("runtimeClassName").asText("");
    ObjectNode rc = null;
    if (!className.isEmpty()) {
      rc = byName.apply(className);
      if (rc == null) {
        throw PriorityAdmission.forbidden(type, pod, "pod rejected: RuntimeClass \"" + className + "\" not found");
      }
    }
    JsonNode fixed = rc == null ? null : rc.path("overhead").get("podFixed");
    boolean classHasOverhead = fixed != null && fixed.isObject();
    if (classHasOverhead) {
      setOverhead(type, pod, spec, fixed);
    }
    if (rc != null && rc.path("scheduling").isObject()) {
      scheduling(type, pod, spec, (ObjectNode) rc.get("scheduling"));
    }
    JsonNode given = spec.get("overhead");
    if (validate && !classHasOverhead && given != null && given.isObject() && !given.isEmpty()) {
      throw PriorityAdmission.forbidden(type, pod,
          "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead");
    }
    return pod;
  }

  /** The class's overhead as the pod's; a pod bringing another one is refused. */
  private static void setOverhead(ResourceType type, ObjectNode pod, ObjectNode spec, JsonNode fixed) {
    JsonNode given = spec.get("overhead");
    if (given != null && given.isObject() && !given.isEmpty() && !sameQuantities(fixed, given)) {
      throw PriorityAdmission.forbidden(type, pod,
          "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
    }
    spec.set("overhead", fixed.deepCopy());
  }

  private static void scheduling(ResourceType type, ObjectNode pod, ObjectNode spec, ObjectNode scheduling) {
    JsonNode classSelector = scheduling.get("nodeSelector");
    if (classSelector instanceof ObjectNode wanted && !wanted.isEmpty()) {
      ObjectNode selector = spec.get("nodeSelector") instanceof ObjectNode s ? s : spec.putObject("nodeSelector");
      for (Map.Entry<String, JsonNode> e : wanted.properties()) {
        JsonNode podValue = selector.get(e.getKey());
        if (podValue != null && !podValue.asText().equals(e.getValue().asText())) {
          throw PriorityAdmission.forbidden(type, pod, "conflict: runtimeClass.scheduling.nodeSelector["
              + e.getKey() + "] = " + e.getValue().asText() + "; pod.spec.nodeSelector[" + e.getKey() + "] = "
              + podValue.asText());
        }
        selector.put(e.getKey(), e.getValue().asText());
      }
    }
    JsonNode classTolerations = scheduling.get("tolerations");
    if (classTolerations != null && classTolerations.isArray() && !classTolerations.isEmpty()) {
      spec.set("tolerations", Tolerations.merge(Tolerations.listOf(spec, "tolerations"), classTolerations));
    }
  }

  /** Whether two resource lists name the same resources with semantically equal quantities. */
  static boolean sameQuantities(JsonNode a, JsonNode b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      BigDecimal x = StorageFields.bytes(e.getValue());
      BigDecimal y = StorageFields.bytes(b.get(e.getKey()));
      if (x == null || y == null || x.compareTo(y) != 0) {
        return false;
      }
    }
    return true;
  }
}
