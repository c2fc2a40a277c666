package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.CelType;
import io.dekube.store.cel.CelEngine;
import io.dekube.store.cel.CelProgram;
import io.dekube.store.cel.CostBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code matchConditions} of a webhook or a ValidatingAdmissionPolicy, compiled once when the
 * configuration is read, and evaluated as kube's matcher does: any false condition means no match
 * (whatever the others did), else any error is an error, else a match. Immutable; evaluation is
 * bounded by kube's cost budget of matchConditions ({@link CostBudget}).
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

  /**
   * Evaluates every condition against {@code vars}, as kube's matcher: all of them run first, sharing
   * {@link CostBudget#MATCH_CONDITIONS} (an expression past its per-call limit is its error; one costing more than is
   * left makes the outcome kube's {@link CostBudget#OUT_OF_BUDGET} error, whatever the others gave), then any false
   * one is no match, else any error is the error. Runs on the caller's thread.
   */
  public Result evaluate(Map<String, ?> vars) {
    CostBudget budget = new CostBudget(CostBudget.MATCH_CONDITIONS);
    Object[] results = new Object[conditions.size()];
    String[] failed = new String[conditions.size()];
    for (int i = 0; i < conditions.size(); i++) {
      Condition c = conditions.get(i);
      if (c.program() == null) {
        failed[i] = "compilation error: " + c.compileError();
        continue;
      }
      try {
        results[i] = budget.eval(c.program(), vars, () -> 0);
      } catch (CelEngine.EvalError e) {
        failed[i] = "expression '" + c.expression() + "' resulted in error: " + e.getMessage();
      } catch (CostBudget.OutOfBudget e) {
        return new Result(false, e.getMessage());
      }
    }
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      if (failed[i] != null) {
        errors.add(failed[i]);
      } else if (Boolean.FALSE.equals(results[i])) {
        return Result.NO_MATCH;
      } else if (!Boolean.TRUE.equals(results[i])) {
        errors.add("expression '" + conditions.get(i).expression() + "' resulted in error: no such overload");
      }
    }
    if (errors.isEmpty()) {
      return Result.MATCH;
    }
    return new Result(false, errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
  }
}
