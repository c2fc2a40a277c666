package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pods: spec defaults, the fields admission plugins fill on create (service account, priority,
 * default tolerations), initial status, and the rule that a pod's spec is almost immutable.
 */
final class PodAdmission implements KindAdmission {

  static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than `spec.containers[*].image`,"
      + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
      + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
      + "previously negative)";

  /** {@code --default-not-ready-toleration-seconds} and {@code --default-unreachable-toleration-seconds}. */
  static volatile long notReadySeconds = 300;
  static volatile long unreachableSeconds = 300;

  @Override
  public void defaults(ObjectNode pod, ObjectNode old) {
    ObjectNode spec = Nodes.obj(pod, "spec");
    PodSpecDefaults.apply(spec, old == null ? null : old.path("spec"));
    if (old != null) {
      for (String f : new String[] {"serviceAccountName", "serviceAccount", "priority", "preemptionPolicy", "nodeName"}) {
        if (Nodes.absent(spec, f) && old.path("spec").has(f)) {
          spec.set(f, old.path("spec").get(f));
        }
      }
      ServiceAccountAdmission.keepToken(pod, old);
      return;
    }
    ServiceAccountAdmission.admitCreate(pod);
    if (Nodes.absent(spec, "priorityClassName")) {
      Nodes.defaultInt(spec, "priority", 0);
    }
    Nodes.defaultText(spec, "preemptionPolicy", "PreemptLowerPriority");
    defaultTolerations(spec);
    ObjectNode status = Nodes.obj(pod, "status");
    Nodes.defaultText(status, "phase", "Pending");
    PodSchedulingGates.markGated(pod);
  }

  /**
   * A new pod's QoS class, from its spec as the mutating admission (the LimitRanger's defaults)
   * left it, as kube's strategy computes it after admission.
   */
  static void classify(ObjectNode pod) {
    Nodes.obj(pod, "status").put("qosClass", PodQos.of(Nodes.obj(pod, "spec")));
  }

  /** DefaultTolerationSeconds: tolerate not-ready and unreachable nodes for 300 s (or as the flags say). */
  private static void defaultTolerations(ObjectNode spec) {
    ArrayNode tolerations = spec.get("tolerations") instanceof ArrayNode a ? a : spec.putArray("tolerations");
    for (String key : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
      boolean present = false;
      for (JsonNode t : tolerations) {
        String effect = t.path("effect").asText("");
        if (t.path("key").asText().equals(key) && (effect.isEmpty() || effect.equals("NoExecute"))) {
          present = true;
        }
      }
      if (!present) {
        tolerations.addObject().put("key", key).put("operator", "Exists").put("effect", "NoExecute")
            .put("tolerationSeconds", key.endsWith("unreachable") ? unreachableSeconds : notReadySeconds);
      }
    }
  }

  @Override
  public void validate(ObjectNode pod, ObjectNode old, FieldErrors errs) {
    PodSpecValidation.validate(pod.get("spec"), "spec", pod.path("metadata").path("name").asText(""), errs);
    if (old != null) {
      PodSchedulingGates.validateUpdate(old.path("spec"), pod.path("spec"), errs);
      if (!updatableOnly(old.path("spec"), pod.path("spec"))) {
        errs.forbidden("spec", UPDATE_FORBIDDEN);
      }
    }
  }

  /** Whether new differs from old only in the fields a pod update may change. */
  static boolean updatableOnly(JsonNode oldSpec, JsonNode newSpec) {
    if (!(oldSpec instanceof ObjectNode o) || !(newSpec instanceof ObjectNode n)) {
      return true;
    }
    // a pod stored before its quantities were canonical compares by its quantities' canonical form
    ObjectNode before = o.deepCopy();
    CanonicalQuantities.podSpec(before);
    return mask(before, o).equals(mask(n.deepCopy(), o));
  }

  private static ObjectNode mask(ObjectNode spec, ObjectNode oldSpec) {
    for (String f : new String[] {"activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"}) {
      spec.remove(f);
    }
    PodSchedulingGates.mask(spec, oldSpec);
    if (Nodes.text(oldSpec, "nodeName").isEmpty()) {
      spec.remove("nodeName");
    }
    for (String list : new String[] {"containers", "initContainers"}) {
      for (ObjectNode c : Nodes.objects(spec, list)) {
        c.remove("image");
      }
    }
    return spec;
  }
}
