package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.CelType;
import io.dekube.store.cel.CelEngine;
import io.dekube.store.cel.CelProgram;
import io.dekube.store.cel.StepBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code matchConditions} of a webhook or a ValidatingAdmissionPolicy, compiled once when the
 * configuration is read, and evaluated as kube's matcher does: any false condition means no match
 * (whatever the others did), else any error is an error, else a match. Immutable; evaluation is
 * bounded by a {@link StepBudget} per condition.
 */
public final class MatchConditions {

  /** The outcome: matched, or not, or the error (kube's text) that failurePolicy decides on. */
  public record Result(boolean matches, String error) {
    static final Result MATCH = new Result(true, null);
    static final Result NO_MATCH = new Result(false, null);
  }

  private record Condition(String name, String expression, CelProgram program, String compileError) {
  }

  /** No conditions: everything matches. */
  public static final MatchConditions NONE = new MatchConditions(List.of());

  private final List<Condition> conditions;

  private MatchConditions(List<Condition> conditions) {
    this.conditions = List.copyOf(conditions);
  }

  /** Compiles the {@code matchConditions} array {@code json} (null: none) with {@code vars}. */
  public static MatchConditions compile(JsonNode json, Map<String, CelType> vars) {
    if (json == null || !json.isArray() || json.isEmpty()) {
      return NONE;
    }
    List<Condition> out = new ArrayList<>();
    for (JsonNode c : json) {
      String expr = c.path("expression").asText("");
      CelEngine.Compiled compiled = CelEngine.compile(expr, vars, true);
      out.add(new Condition(c.path("name").asText(""), expr, compiled.program(), compiled.error()));
    }
    return new MatchConditions(out);
  }

  public boolean isEmpty() {
    return conditions.isEmpty();
  }

  /** Evaluates every condition against {@code vars}. Runs on the caller's thread. */
  public Result evaluate(Map<String, ?> vars) {
    List<String> errors = new ArrayList<>();
    for (Condition c : conditions) {
      if (c.program() == null) {
        errors.add("compilation error: " + c.compileError());
        continue;
      }
      try {
        Object r = CelEngine.eval(c.program(), vars, new StepBudget());
        if (Boolean.FALSE.equals(r)) {
          return Result.NO_MATCH;
        }
        if (!Boolean.TRUE.equals(r)) {
          errors.add("expression '" + c.expression() + "' resulted in error: no such overload");
        }
      } catch (CelEngine.EvalError e) {
        errors.add("expression '" + c.expression() + "' resulted in error: " + e.getMessage());
      }
    }
    if (errors.isEmpty()) {
      return Result.MATCH;
    }
    return new Result(false, errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
  }
}
