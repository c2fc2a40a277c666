package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * PodDisruptionBudgets ({@code policy/v1}), as kube validates them: {@code minAvailable} and
 * {@code maxUnavailable} not both set, each a non-negative integer or a percentage of at most 100%;
 * a valid label selector (an empty one selects every pod of the namespace, none selects none);
 * {@code unhealthyPodEvictionPolicy} one of kube's two. The spec may change (policy/v1); status
 * writes keep their counts non-negative.
 */
final class PodDisruptionBudgetAdmission implements KindAdmission {

  private static final Pattern PERCENT = Pattern.compile("[0-9]+%");
  static final List<String> EVICTION_POLICIES = List.of("AlwaysAllow", "IfHealthyBudget");

  @Override
  public void defaults(ObjectNode pdb, ObjectNode old) {
    Nodes.obj(pdb, "spec");
    if (old == null) {
      ObjectNode status = Nodes.obj(pdb, "status");
      for (String f : new String[] {"disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"}) {
        Nodes.defaultInt(status, f, 0);
      }
    }
  }

  @Override
  public void validate(ObjectNode pdb, ObjectNode old, FieldErrors errs) {
    JsonNode spec = pdb.path("spec");
    JsonNode min = spec.get("minAvailable");
    JsonNode max = spec.get("maxUnavailable");
    if (present(min) && present(max)) {
      errs.invalidRendered("spec", "policy.PodDisruptionBudgetSpec{...}", "minAvailable and maxUnavailable cannot be both set");
    }
    intOrPercent(min, "spec.minAvailable", errs);
    intOrPercent(max, "spec.maxUnavailable", errs);
    JsonNode selector = spec.get("selector");
    if (present(selector)) {
      LabelSelectors.validate(selector, "spec.selector", errs);
    }
    JsonNode policy = spec.get("unhealthyPodEvictionPolicy");
    if (present(policy) && !EVICTION_POLICIES.contains(policy.asText())) {
      errs.notSupported("spec.unhealthyPodEvictionPolicy", policy, EVICTION_POLICIES);
    }
    JsonNode status = pdb.path("status");
    for (String f : new String[] {"disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"}) {
      if (status.path(f).asLong(0) < 0) {
        errs.invalid("status." + f, status.get(f), "must be greater than or equal to 0");
      }
    }
  }

  private static boolean present(JsonNode n) {
    return n != null && !n.isNull();
  }

  private static void intOrPercent(JsonNode v, String field, FieldErrors errs) {
    if (!present(v)) {
      return;
    }
    if (v.isIntegralNumber()) {
      if (v.asLong() < 0) {
        errs.invalid(field, v, "must be greater than or equal to 0");
      }
      return;
    }
    String s = v.asText();
    if (!PERCENT.matcher(s).matches()) {
      errs.invalid(field, v, "a valid percent string must be a numeric string followed by an ending '%' "
          + "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    } else if (Long.parseLong(s.substring(0, s.length() - 1)) > 100) {
      errs.invalid(field, v, "must not be greater than 100%");
    }
  }
}
