package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.cel.AdmissionCompileEnv;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ValidatingAdmissionPolicies and their bindings ({@code admissionregistration.k8s.io/v1}), with
 * kube's defaults (failurePolicy {@code Fail}, matchPolicy {@code Equivalent}, selectors {@code {}},
 * rule scope {@code *}) and the core of kube's validation: matchConstraints with resourceRules,
 * validations or auditAnnotations present, every CEL expression compiling (validations, messageExpressions,
 * matchConditions, variables), reasons and policies from their enums; for bindings a policyName and
 * validationActions of Deny, Warn and Audit (not Deny with Warn). Pure.
 */
final class AdmissionPolicyAdmission implements KindAdmission {

  private static final List<String> FAILURE_POLICIES = List.of("Fail", "Ignore");
  private static final List<String> MATCH_POLICIES = List.of("Equivalent", "Exact");
  private static final List<String> REASONS = List.of("Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized");
  private static final List<String> ACTIONS = List.of("Audit", "Deny", "Warn");

  private final boolean binding;

  /** @param binding whether the kind is ValidatingAdmissionPolicyBinding */
  AdmissionPolicyAdmission(boolean binding) {
    this.binding = binding;
  }

  @Override
  public void defaults(ObjectNode obj, ObjectNode old) {
    ObjectNode spec = Nodes.obj(obj, "spec");
    if (!binding) {
      Nodes.defaultText(spec, "failurePolicy", "Fail");
    }
    if (spec.get("matchConstraints") instanceof ObjectNode m) {
      matchResources(m);
    }
    if (binding && spec.get("matchResources") instanceof ObjectNode m) {
      matchResources(m);
    }
  }

  private static void matchResources(ObjectNode m) {
    Nodes.defaultText(m, "matchPolicy", "Equivalent");
    if (Nodes.absent(m, "namespaceSelector")) {
      m.putObject("namespaceSelector");
    }
    if (Nodes.absent(m, "objectSelector")) {
      m.putObject("objectSelector");
    }
    for (String rules : new String[] {"resourceRules", "excludeResourceRules"}) {
      for (JsonNode r : m.path(rules)) {
        if (r instanceof ObjectNode rule) {
          Nodes.defaultText(rule, "scope", "*");
        }
      }
    }
  }

  @Override
  public void validate(ObjectNode obj, ObjectNode old, FieldErrors errs) {
    JsonNode spec = obj.path("spec");
    if (binding) {
      validateBinding(spec, errs);
    } else {
      validatePolicy(spec, errs);
    }
  }

  private static void validatePolicy(JsonNode spec, FieldErrors errs) {
    JsonNode match = spec.get("matchConstraints");
    if (match == null || !match.isObject()) {
      errs.required("spec.matchConstraints");
    } else {
      if (match.path("resourceRules").isEmpty()) {
        errs.required("spec.matchConstraints.resourceRules");
      }
      validateMatchResources(match, "spec.matchConstraints", errs);
    }
    oneOf(spec, "failurePolicy", FAILURE_POLICIES, "spec", errs);
    if (spec.path("validations").isEmpty() && spec.path("auditAnnotations").isEmpty()) {
      errs.required("spec.validations", "validations or auditAnnotations must contain at least one item");
    }
    JsonNode paramKind = spec.get("paramKind");
    if (paramKind != null && paramKind.isObject()) {
      if (paramKind.path("apiVersion").asText("").isEmpty()) {
        errs.required("spec.paramKind.apiVersion");
      }
      if (paramKind.path("kind").asText("").isEmpty()) {
        errs.required("spec.paramKind.kind");
      }
    }
    // kube's create-time compile: request and namespaceObject typed, params only with a paramKind; the matchConditions
    // without variables, the rest in one composited environment where each variable sees those before it
    boolean hasParams = paramKind != null && paramKind.isObject();
    MatchConditionsValidation.validate(spec.get("matchConditions"), "spec.matchConditions",
        AdmissionCompileEnv.stateless(hasParams), errs);
    AdmissionCompileEnv env = AdmissionCompileEnv.composited(hasParams);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.path("variables").size(); i++) {
      JsonNode v = spec.get("variables").get(i);
      String path = "spec.variables[" + i + "]";
      String name = v.path("name").asText("");
      if (name.isEmpty()) {
        errs.required(path + ".name");
      } else if (!name.matches("[_a-zA-Z][_a-zA-Z0-9]*")) {
        errs.invalid(path + ".name", name, "name is not a valid CEL identifier");
      } else if (!names.add(name)) {
        errs.duplicate(path + ".name", v.get("name"));
      }
      MatchConditionsValidation.variable(name, v.path("expression").asText(""), path + ".expression", env, errs);
    }
    for (int i = 0; i < spec.path("validations").size(); i++) {
      JsonNode v = spec.get("validations").get(i);
      String path = "spec.validations[" + i + "]";
      MatchConditionsValidation.expression(v.path("expression").asText(""), path + ".expression", env, true, errs);
      String message = v.path("message").asText("");
      if (message.contains("\n")) {
        errs.invalid(path + ".message", message, "message must not contain line breaks");
      }
      if (v.hasNonNull("messageExpression")) {
        MatchConditionsValidation.expression(v.get("messageExpression").asText(""), path + ".messageExpression", env,
            false, errs);
      }
      if (v.hasNonNull("reason") && !REASONS.contains(v.get("reason").asText())) {
        errs.notSupported(path + ".reason", v.get("reason"), REASONS);
      }
    }
    for (int i = 0; i < spec.path("auditAnnotations").size(); i++) {
      JsonNode a = spec.get("auditAnnotations").get(i);
      String path = "spec.auditAnnotations[" + i + "]";
      if (a.path("key").asText("").isEmpty()) {
        errs.required(path + ".key");
      }
      MatchConditionsValidation.expression(a.path("valueExpression").asText(""), path + ".valueExpression", env,
          false, errs);
    }
  }

  private static void validateMatchResources(JsonNode m, String path, FieldErrors errs) {
    for (String rules : new String[] {"resourceRules", "excludeResourceRules"}) {
      for (int i = 0; i < m.path(rules).size(); i++) {
        WebhookConfigurationAdmission.rule(m.get(rules).get(i), path + "." + rules + "[" + i + "]", errs);
      }
    }
    oneOf(m, "matchPolicy", MATCH_POLICIES, path, errs);
    WebhookConfigurationAdmission.labelSelector(m.get("namespaceSelector"), path + ".namespaceSelector", errs);
    WebhookConfigurationAdmission.labelSelector(m.get("objectSelector"), path + ".objectSelector", errs);
  }

  private static void validateBinding(JsonNode spec, FieldErrors errs) {
    if (spec.path("policyName").asText("").isEmpty()) {
      errs.required("spec.policyName");
    }
    JsonNode actions = spec.path("validationActions");
    if (actions.isEmpty()) {
      errs.required("spec.validationActions");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < actions.size(); i++) {
      String a = actions.get(i).asText();
      if (!ACTIONS.contains(a)) {
        errs.notSupported("spec.validationActions[" + i + "]", actions.get(i), ACTIONS);
      } else if (!seen.add(a)) {
        errs.duplicate("spec.validationActions[" + i + "]", actions.get(i));
      }
    }
    if (seen.contains("Deny") && seen.contains("Warn")) {
      errs.invalidRendered("spec.validationActions", actions.toString(), "must not contain both Deny and Warn "
          + "(repeating the same validation failure information in the API response and headers serves no purpose)");
    }
    if (spec.get("matchResources") instanceof ObjectNode m) {
      validateMatchResources(m, "spec.matchResources", errs);
    }
    JsonNode ref = spec.get("paramRef");
    if (ref != null && ref.isObject()) {
      boolean hasName = !ref.path("name").asText("").isEmpty();
      boolean hasSelector = ref.path("selector").isObject();
      if (hasName == hasSelector) {
        errs.forbidden("spec.paramRef.name", "one of name or selector must be specified");
      }
      String action = ref.path("parameterNotFoundAction").asText("");
      if (action.isEmpty()) {
        errs.required("spec.paramRef.parameterNotFoundAction");
      } else if (!action.equals("Allow") && !action.equals("Deny")) {
        errs.notSupported("spec.paramRef.parameterNotFoundAction", ref.get("parameterNotFoundAction"),
            List.of("Allow", "Deny"));
      }
    }
  }

  private static void oneOf(JsonNode obj, String field, List<String> supported, String path, FieldErrors errs) {
    JsonNode v = obj.get(field);
    if (v != null && !v.isNull() && !supported.contains(v.asText())) {
      errs.notSupported(path + "." + field, v, supported);
    }
  }
}
