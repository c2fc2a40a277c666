package io.dekube.store.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.CelType;
import io.dekube.store.admission.webhook.MatchConditions;
import io.dekube.store.cel.AdmissionCel;
import io.dekube.store.cel.CelEngine;
import io.dekube.store.cel.CelProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A ValidatingAdmissionPolicy compiled once per stored version: its match constraints and
 * conditions, variables and validations as programs (a stored expression that does not compile
 * is kept with its error, which evaluates as an error under the failurePolicy). Immutable.
 *
 * @param name        the policy's name
 * @param failOpen    {@code failurePolicy: Ignore}
 * @param constraints matchConstraints
 * @param conditions  matchConditions
 * @param variables   variables in their order
 * @param validations validations in their order
 * @param paramKind   {@code spec.paramKind} or null
 * @param auditAnnotations {@code spec.auditAnnotations}: each key and its valueExpression
 */
record CompiledPolicy(String name, boolean failOpen, MatchResources constraints, MatchConditions conditions,
                      List<Expression> variables, List<Validation> validations, JsonNode paramKind,
                      List<Expression> auditAnnotations) {

  /** A named expression (a variable; an audit annotation, named by its key), its program or its compile error. */
  record Expression(String name, String text, CelProgram program, String error) {
  }

  /** One validation: expression, message or messageExpression, reason (Invalid when unset). */
  record Validation(Expression expression, String message, CelProgram messageProgram, String reason) {
  }

  static CompiledPolicy of(JsonNode policy) {
    JsonNode spec = policy.path("spec");
    Map<String, CelType> vars = AdmissionCel.policyVars();
    List<Expression> variables = new ArrayList<>();
    for (JsonNode v : spec.path("variables")) {
      variables.add(expression(v.path("name").asText(""), v.path("expression").asText(""), vars, false));
    }
    List<Validation> validations = new ArrayList<>();
    for (JsonNode v : spec.path("validations")) {
      Expression e = expression("", v.path("expression").asText(""), vars, true);
      CelProgram message = null;
      if (!v.path("messageExpression").asText("").isBlank()) {
        message = CelEngine.compile(v.get("messageExpression").asText(), vars, false).program();
      }
      validations.add(new Validation(e, v.path("message").asText(""), message, v.path("reason").asText("Invalid")));
    }
    List<Expression> annotations = new ArrayList<>();
    for (JsonNode a : spec.path("auditAnnotations")) {
      annotations.add(expression(a.path("key").asText(""), a.path("valueExpression").asText(""), vars, false));
    }
    return new CompiledPolicy(policy.path("metadata").path("name").asText(""),
        "Ignore".equals(spec.path("failurePolicy").asText("Fail")), MatchResources.of(spec.get("matchConstraints")),
        MatchConditions.compile(spec.get("matchConditions"), vars), List.copyOf(variables), List.copyOf(validations),
        spec.path("paramKind").isObject() ? spec.get("paramKind") : null, List.copyOf(annotations));
  }

  private static Expression expression(String name, String text, Map<String, CelType> vars, boolean bool) {
    CelEngine.Compiled c = CelEngine.compile(text, vars, bool);
    return new Expression(name, text, c.program(), c.error());
  }
}
