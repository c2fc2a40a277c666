package io.dekube.store.admission.policy;

import io.dekube.store.admission.webhook.MatchConditions;
import io.dekube.store.cel.CelEngine;
import io.dekube.store.cel.StepBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one compiled policy against a request's CEL variables, as kube's policy validator:
 * matchConditions (false: the policy does not apply; an error is a failure), then the variables in
 * order, then every validation — a false one fails with its messageExpression, its message or
 * {@code failed expression: <expression>} and its reason (Invalid when unset); an error fails under
 * {@code failurePolicy: Fail} ({@code expression '...' resulted in error: ...}, reason Forbidden) and
 * is ignored under {@code Ignore}. Each expression runs within its own {@link StepBudget}. Pure.
 */
final class PolicyEvaluator {

  /** One failed validation: the text after {@code denied request: } and the Status reason. */
  record Failure(String message, String reason) {
  }

  private PolicyEvaluator() {
  }

  /** The failures of {@code policy} for the variables {@code base} (object, oldObject, request, params...). */
  static List<Failure> evaluate(CompiledPolicy policy, Map<String, Object> base) {
    Map<String, Object> vars = new HashMap<>(base);
    Map<String, Object> variables = new LinkedHashMap<>();
    vars.put("variables", variables);
    MatchConditions.Result match = policy.conditions().evaluate(vars);
    if (match.error() != null) {
      return policy.failOpen() ? List.of() : List.of(new Failure(match.error(), "Forbidden"));
    }
    if (!match.matches()) {
      return List.of();
    }
    for (CompiledPolicy.Expression v : policy.variables()) {
      if (v.program() == null) {
        continue;
      }
      try {
        variables.put(v.name(), CelEngine.eval(v.program(), vars, new StepBudget()));
      } catch (CelEngine.EvalError e) {
        // kube evaluates variables lazily: an expression that uses this one fails with it
      }
    }
    List<Failure> out = new ArrayList<>();
    for (CompiledPolicy.Validation v : policy.validations()) {
      CompiledPolicy.Expression e = v.expression();
      if (e.program() == null) {
        if (!policy.failOpen()) {
          out.add(new Failure("compilation error: " + e.error(), "Forbidden"));
        }
        continue;
      }
      Object result;
      try {
        result = CelEngine.eval(e.program(), vars, new StepBudget());
      } catch (CelEngine.EvalError err) {
        if (!policy.failOpen()) {
          out.add(new Failure("expression '" + e.text() + "' resulted in error: " + err.getMessage(), "Forbidden"));
        }
        continue;
      }
      if (!Boolean.TRUE.equals(result)) {
        out.add(new Failure(message(v, vars), v.reason()));
      }
    }
    return out;
  }

  private static String message(CompiledPolicy.Validation v, Map<String, Object> vars) {
    if (v.messageProgram() != null) {
      try {
        Object m = CelEngine.eval(v.messageProgram(), vars, new StepBudget());
        if (m instanceof String s && !s.isBlank() && !s.contains("\n")) {
          return s.trim();
        }
      } catch (CelEngine.EvalError e) {
        // kube falls back to the message
      }
    }
    if (!v.message().isBlank()) {
      return v.message().trim();
    }
    return "failed expression: " + v.expression().text().trim();
  }
}
