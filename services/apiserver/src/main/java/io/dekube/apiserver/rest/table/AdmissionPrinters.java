package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.name;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The tables of admission configurations, with kube's columns: webhook configurations (Name,
 * Webhooks, Age), ValidatingAdmissionPolicies (Name, Validations, ParamKind, Age) and their bindings
 * (Name, PolicyName, ParamRef, Age).
 */
final class AdmissionPrinters {

  private AdmissionPrinters() {
  }

  static TablePrinter webhookConfigurations() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.integer("Webhooks", "Webhooks indicates the number of webhooks registered in this configuration"),
        Column.AGE),
        (config, now) -> List.of(name(config), (long) config.path("webhooks").size(), age(config, now)));
  }

  static TablePrinter validatingAdmissionPolicies() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.integer("Validations", "Validations indicates the number of validation rules defined in this "
            + "configuration"),
        Column.string("ParamKind", "ParamKind specifies the kind of resources used to parameterize this policy"),
        Column.AGE),
        (policy, now) -> {
          JsonNode kind = policy.path("spec").path("paramKind");
          String paramKind = kind.isObject() ? kind.path("apiVersion").asText("") + "/" + kind.path("kind").asText("")
              : "<unset>";
          return List.of(name(policy), (long) policy.path("spec").path("validations").size(), paramKind,
              age(policy, now));
        });
  }

  static TablePrinter validatingAdmissionPolicyBindings() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("PolicyName", "PolicyName indicates the policy definition which the policy binding binded to"),
        Column.string("ParamRef", "ParamRef indicates the param resource which sets the configration param"),
        Column.AGE),
        (binding, now) -> {
          JsonNode ref = binding.path("spec").path("paramRef");
          String param = "<unset>";
          if (ref.isObject() && !ref.path("name").asText("").isEmpty()) {
            String ns = ref.path("namespace").asText("");
            param = (ns.isEmpty() ? "*" : ns) + "/" + ref.path("name").asText();
          } else if (ref.path("selector").isObject()) {
            param = ref.path("selector").toString();
          }
          return List.of(name(binding), binding.path("spec").path("policyName").asText(""), param, age(binding, now));
        });
  }
}
