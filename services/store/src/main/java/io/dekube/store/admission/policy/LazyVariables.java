package io.dekube.store.admission.policy;

import io.dekube.store.cel.CelEngine;
import io.dekube.store.cel.StepBudget;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A policy's {@code variables} as kube's composition context gives them to CEL: a lazy map, each variable evaluated
 * the first time an expression reads it (then kept for the rest of the request's evaluation of the policy), so a
 * variable that no evaluated expression uses never runs and its error denies nothing. A variable that fails is an
 * error of the expression that reads it, in kube's words: {@code composited variable "name" fails to evaluate: ...}
 * ({@code fails to compile: ...} for one stored with a compile error). What the variables cost is kept for the
 * expression that read them ({@link #takeCost}: kube's composition cost, charged to the budget that expression runs
 * in). Each phase of a policy's evaluation (validations, messageExpressions, audit annotations) has its own map, as
 * kube gives each of its filters a new composition context. Not thread-safe: one per evaluation.
 */
final class LazyVariables extends AbstractMap<String, Object> {

  /** What a variable gave: its value, or the error text reading it raises. */
  private record Outcome(Object value, String error) {
  }

  /** Raised through CEL's evaluation when an expression reads a variable that fails. */
  static final class VariableError extends RuntimeException {
    VariableError(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, CompiledPolicy.Expression> variables = new LinkedHashMap<>();
  private final Map<String, ?> activation;
  private final Map<String, Outcome> evaluated = new LinkedHashMap<>();
  private long cost;

  /** {@code variables} evaluated with {@code activation} (which holds this map as {@code variables}). */
  LazyVariables(List<CompiledPolicy.Expression> variables, Map<String, ?> activation) {
    variables.forEach(v -> this.variables.putIfAbsent(v.name(), v));
    this.activation = activation;
  }

  @Override
  public boolean containsKey(Object key) {
    return variables.containsKey(key);
  }

  @Override
  public Object get(Object key) {
    CompiledPolicy.Expression v = variables.get(key);
    if (v == null) {
      return null;
    }
    Outcome o = evaluated.get(v.name());
    if (o == null) {
      o = evaluate(v);
      evaluated.put(v.name(), o);
    }
    if (o.error() != null) {
      throw new VariableError(o.error());
    }
    return o.value();
  }

  private Outcome evaluate(CompiledPolicy.Expression v) {
    if (v.program() == null) {
      return new Outcome(null, "composited variable \"" + v.name() + "\" fails to compile: " + v.error());
    }
    StepBudget budget = new StepBudget();
    try {
      return new Outcome(CelEngine.eval(v.program(), activation, budget), null);
    } catch (CelEngine.EvalError e) {
      return new Outcome(null, "composited variable \"" + v.name() + "\" fails to evaluate: " + e.getMessage());
    } finally {
      cost += budget.steps();
    }
  }

  /** What the variables evaluated since the last call cost (kube's {@code GetAndResetCost}). */
  long takeCost() {
    long taken = cost;
    cost = 0;
    return taken;
  }

  /** Every variable, each evaluated (only when something walks the whole map). */
  @Override
  public Set<Entry<String, Object>> entrySet() {
    return variables.keySet().stream().map(k -> new SimpleImmutableEntry<>(k, get(k)))
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }
}
