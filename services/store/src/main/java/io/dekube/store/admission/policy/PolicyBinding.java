package io.dekube.store.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A ValidatingAdmissionPolicyBinding: the policy it binds, the resources it narrows to (null: all
 * the policy's), its {@code paramRef} and its validationActions. Immutable.
 *
 * @param name           the binding's name
 * @param policyName     the bound policy
 * @param matchResources {@code spec.matchResources}, or null
 * @param paramRef       {@code spec.paramRef}, or null
 * @param actions        {@code Deny}, {@code Warn}, {@code Audit}, in their order (the audit annotation lists them)
 */
record PolicyBinding(String name, String policyName, MatchResources matchResources, JsonNode paramRef,
                     List<String> actions) {

  static PolicyBinding of(JsonNode binding) {
    JsonNode spec = binding.path("spec");
    Set<String> actions = new LinkedHashSet<>();
    spec.path("validationActions").forEach(a -> actions.add(a.asText()));
    return new PolicyBinding(binding.path("metadata").path("name").asText(""), spec.path("policyName").asText(""),
        MatchResources.of(spec.get("matchResources")), spec.path("paramRef").isObject() ? spec.get("paramRef") : null,
        List.copyOf(actions));
  }
}
