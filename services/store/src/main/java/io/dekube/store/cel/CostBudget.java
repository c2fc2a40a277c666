package io.dekube.store.cel;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The runtime cost budget that kube's admission CEL filter ({@code k8s.io/apiserver/pkg/admission/plugin/cel},
 * {@code ForInput}) shares among the expressions of one evaluation: a ValidatingAdmissionPolicy binding's validations
 * ({@link #POLICY}, kube's {@code RuntimeCELCostBudget}), then its messageExpressions (what the validations left),
 * its auditAnnotations (a budget of their own), and a webhook's or a binding's matchConditions
 * ({@link #MATCH_CONDITIONS}, {@code RuntimeCELCostBudgetMatchConditions}). Each expression runs within the per-call
 * limit ({@link StepBudget#PER_CALL_LIMIT}, kube's {@code PerCallLimit}: past it, that expression's error
 * {@code operation cancelled: actual cost limit exceeded}); once it ran, its cost — and that of the variables it
 * evaluated first, kube's composition cost — is taken from the budget, and an expression that costs more than is left
 * stops the whole evaluation ({@link OutOfBudget}, kube's {@link #OUT_OF_BUDGET} error). Costs are
 * {@link StepBudget} steps (one per evaluated node, about one of cel-go's cost units). Not thread-safe: one per
 * evaluation.
 */
public final class CostBudget {

  /** kube's {@code RuntimeCELCostBudget}: a binding's validations together, and its audit annotations together. */
  public static final long POLICY = 10_000_000L;
  /** kube's {@code RuntimeCELCostBudgetMatchConditions}: the matchConditions of one webhook or binding. */
  public static final long MATCH_CONDITIONS = 2_500_000L;
  /** kube's error when an expression costs more than the budget has left. */
  public static final String OUT_OF_BUDGET =
      "validation failed due to running out of cost budget, no further validation rules will be run";

  /** Thrown when the budget ran out: no further expression of the evaluation runs. */
  public static final class OutOfBudget extends Exception {
    OutOfBudget() {
      super(OUT_OF_BUDGET, null, false, false);
    }
  }

  private long remaining;

  /** A budget of {@code total} cost units. */
  public CostBudget(long total) {
    this.remaining = total;
  }

  /** What is left. */
  public long remaining() {
    return remaining;
  }

  /**
   * Evaluates {@code program} with {@code vars} within the per-call limit, then charges the variables it evaluated
   * ({@code composition}: their cost since it was last asked) and its own cost, as kube's filter does after the call.
   *
   * @throws CelEngine.EvalError the expression's own error (the per-call limit's too), once it was charged
   * @throws OutOfBudget         when the variables' or the expression's cost is more than is left
   */
  public Object eval(CelProgram program, Map<String, ?> vars, LongSupplier composition)
      throws CelEngine.EvalError, OutOfBudget {
    StepBudget call = new StepBudget();
    Object result = null;
    CelEngine.EvalError error = null;
    try {
      result = CelEngine.eval(program, vars, call);
    } catch (CelEngine.EvalError e) {
      error = e;
    }
    charge(composition.getAsLong());
    charge(call.steps());
    if (error != null) {
      throw error;
    }
    return result;
  }

  private void charge(long cost) throws OutOfBudget {
    if (cost > remaining) {
      remaining = -1;
      throw new OutOfBudget();
    }
    remaining -= cost;
  }
}
