package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * FlowSchemas ({@code flowcontrol.apiserver.k8s.io/v1}), as kube's {@code ValidateFlowSchema}:
 * {@code matchingPrecedence} defaults to 1000 and lies in 1..10000 (1 only for {@code exempt}), a
 * priority level is named, the distinguisher is {@code ByUser} or {@code ByNamespace}, every rule has
 * subjects and resource or non-resource rules, each subject and rule complete. Stored only: dekube
 * classifies no request by them. Pure.
 */
final class FlowSchemaAdmission implements KindAdmission {

  static final int MAX_PRECEDENCE = 10000;
  static final List<String> DISTINGUISHERS = List.of("ByNamespace", "ByUser");
  static final List<String> SUBJECT_KINDS = List.of("Group", "ServiceAccount", "User");

  @Override
  public void defaults(ObjectNode fs, ObjectNode old) {
    ObjectNode spec = Nodes.obj(fs, "spec");
    if (spec.path("matchingPrecedence").asInt(0) == 0) {
      spec.put("matchingPrecedence", 1000);
    }
  }

  @Override
  public void validate(ObjectNode fs, ObjectNode old, FieldErrors errs) {
    JsonNode spec = fs.path("spec");
    String name = fs.path("metadata").path("name").asText("");
    JsonNode precedence = spec.path("matchingPrecedence");
    int p = precedence.asInt(0);
    if (p <= 0) {
      errs.invalid("spec.matchingPrecedence", precedence, "must be a positive value");
    }
    if (p > MAX_PRECEDENCE) {
      errs.invalid("spec.matchingPrecedence", precedence, "must not be greater than " + MAX_PRECEDENCE);
    }
    if (p == 1 && !name.equals("exempt")) {
      errs.invalid("spec.matchingPrecedence", precedence, "only the schema named 'exempt' may have matchingPrecedence 1");
    }
    JsonNode method = spec.path("distinguisherMethod");
    if (method.isObject() && !DISTINGUISHERS.contains(method.path("type").asText(""))) {
      errs.notSupported("spec.distinguisherMethod.type", method.path("type"), DISTINGUISHERS);
    }
    if (spec.path("priorityLevelConfiguration").path("name").asText("").isEmpty()) {
      errs.required("spec.priorityLevelConfiguration.name", "must reference a priority level");
    }
    JsonNode rules = spec.path("rules");
    for (int i = 0; i < rules.size(); i++) {
      rule(rules.get(i), "spec.rules[" + i + "]", errs);
    }
  }

  private static void rule(JsonNode rule, String path, FieldErrors errs) {
    JsonNode subjects = rule.path("subjects");
    if (subjects.isEmpty()) {
      errs.required(path + ".subjects", "subjects must contain at least one value");
    }
    for (int i = 0; i < subjects.size(); i++) {
      subject(subjects.get(i), path + ".subjects[" + i + "]", errs);
    }
    JsonNode resourceRules = rule.path("resourceRules");
    JsonNode nonResourceRules = rule.path("nonResourceRules");
    if (resourceRules.isEmpty() && nonResourceRules.isEmpty()) {
      errs.required(path, "at least one of resourceRules and nonResourceRules has to be non-empty");
    }
    for (int i = 0; i < resourceRules.size(); i++) {
      String at = path + ".resourceRules[" + i + "]";
      JsonNode r = resourceRules.get(i);
      requiredList(r, "verbs", at, "verbs must contain at least one value", errs);
      requiredList(r, "apiGroups", at, "resource rules must supply at least one api group", errs);
      requiredList(r, "resources", at, "resource rules must supply at least one resource", errs);
      if (r.path("namespaces").isEmpty() && !r.path("clusterScope").asBoolean(false)) {
        errs.required(at + ".namespaces", "resource rules that are not cluster scoped must supply at least one namespace");
      }
    }
    for (int i = 0; i < nonResourceRules.size(); i++) {
      String at = path + ".nonResourceRules[" + i + "]";
      JsonNode r = nonResourceRules.get(i);
      requiredList(r, "verbs", at, "verbs must contain at least one value", errs);
      requiredList(r, "nonResourceURLs", at, "nonResourceURLs must contain at least one value", errs);
    }
  }

  private static void requiredList(JsonNode r, String field, String at, String why, FieldErrors errs) {
    if (r.path(field).isEmpty()) {
      errs.required(at + "." + field, why);
    }
  }

  private static void subject(JsonNode s, String path, FieldErrors errs) {
    String kind = s.path("kind").asText("");
    switch (kind) {
      case "User" -> need(s, "user", path, errs);
      case "Group" -> need(s, "group", path, errs);
      case "ServiceAccount" -> {
        JsonNode sa = s.path("serviceAccount");
        if (!sa.isObject()) {
          errs.required(path + ".serviceAccount", "serviceAccount is required when subject kind is 'ServiceAccount'");
        } else {
          if (sa.path("name").asText("").isEmpty()) {
            errs.required(path + ".serviceAccount.name", "");
          }
          if (sa.path("namespace").asText("").isEmpty()) {
            errs.required(path + ".serviceAccount.namespace", "");
          }
        }
      }
      default -> errs.notSupported(path + ".kind", s.path("kind"), SUBJECT_KINDS);
    }
  }

  private static void need(JsonNode s, String field, String path, FieldErrors errs) {
    if (!s.path(field).isObject()) {
      errs.required(path + "." + field, field + " is required when subject kind is '"
          + s.path("kind").asText() + "'");
    } else if (s.path(field).path("name").asText("").isEmpty()) {
      errs.required(path + "." + field + ".name", "");
    }
  }
}
