package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * PriorityClasses ({@code scheduling.k8s.io/v1}), as kube's registry validates them: a user class's
 * {@code value} is at most {@value #HIGHEST_USER_DEFINABLE}; names starting {@code system-} are
 * reserved for the two built-in classes with their exact values; {@code preemptionPolicy} defaults
 * to {@code PreemptLowerPriority}; {@code value} and {@code preemptionPolicy} never change. The one
 * rule that needs the other classes (a single {@code globalDefault}) is {@link PriorityAdmission}'s.
 */
final class PriorityClassAdmission implements KindAdmission {

  static final long HIGHEST_USER_DEFINABLE = 1_000_000_000L;
  static final String SYSTEM_PREFIX = "system-";
  /** The built-in classes kube-apiserver creates at start, with their values. */
  static final Map<String, Long> SYSTEM_CLASSES = Map.of(
      "system-cluster-critical", 2_000_000_000L,
      "system-node-critical", 2_000_001_000L);
  static final List<String> POLICIES = List.of("Never", "PreemptLowerPriority");

  @Override
  public void defaults(ObjectNode pc, ObjectNode old) {
    Nodes.defaultText(pc, "preemptionPolicy", "PreemptLowerPriority");
  }

  @Override
  public void validate(ObjectNode pc, ObjectNode old, FieldErrors errs) {
    String name = pc.path("metadata").path("name").asText("");
    long value = pc.path("value").asLong(0);
    if (pc.has("value") && !pc.get("value").canConvertToInt()) {
      errs.invalid("value", pc.get("value"), "must be a 32-bit integer");
    }
    if (name.startsWith(SYSTEM_PREFIX)) {
      String problem = systemClassProblem(name, value, pc.path("globalDefault").asBoolean(false));
      if (problem != null) {
        errs.forbidden("metadata.name", "priority class names with '" + SYSTEM_PREFIX
            + "' prefix are reserved for system use only. error: " + problem);
      }
    } else if (value > HIGHEST_USER_DEFINABLE) {
      errs.forbidden("value", "maximum allowed value of a user defined priority is " + HIGHEST_USER_DEFINABLE);
    }
    JsonNode policy = pc.get("preemptionPolicy");
    if (policy != null && !POLICIES.contains(policy.asText())) {
      errs.notSupported("preemptionPolicy", policy, POLICIES);
    }
    if (old != null) {
      if (old.path("value").asLong(0) != value) {
        errs.forbidden("value", "may not be changed in an update.");
      }
      JsonNode oldPolicy = old.get("preemptionPolicy");
      if (oldPolicy != null && policy != null && !oldPolicy.equals(policy)) {
        errs.invalid("preemptionPolicy", policy, "field is immutable");
      }
    }
  }

  /** Why a {@code system-} class is not one of the built-in ones, or null when it is. */
  static String systemClassProblem(String name, long value, boolean globalDefault) {
    Long want = SYSTEM_CLASSES.get(name);
    if (want == null) {
      return name + " is not a known system priority class";
    }
    if (want != value) {
      return "value of " + name + " PriorityClass must be " + want;
    }
    if (globalDefault) {
      return "globalDefault of " + name + " PriorityClass must be false";
    }
    return null;
  }
}
