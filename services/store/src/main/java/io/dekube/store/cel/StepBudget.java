package io.dekube.store.cel;

import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationListener;

/**
 * dekube's bound on one CEL evaluation, in place of kube's cost estimator: every evaluated expression
 * node is one step, and an evaluation past {@link #PER_CALL_LIMIT} steps stops with
 * {@link Exceeded}. kube's per-call limit is 1,000,000 cost units, a unit being about one node or
 * one element of a traversal, so the same rule stops at about the same size of input. Not
 * thread-safe: one per evaluation.
 */
public final class StepBudget implements CelEvaluationListener {

  /** Steps one expression may take (kube's {@code PerCallLimit} is 1,000,000 cost units). */
  public static final long PER_CALL_LIMIT = 1_000_000L;

  /** Thrown from inside the interpreter when an evaluation runs out of steps. */
  public static final class Exceeded extends RuntimeException {
    Exceeded() {
      super("operation cancelled: actual cost limit exceeded", null, false, false);
    }
  }

  private final long limit;
  private long steps;

  public StepBudget() {
    this(PER_CALL_LIMIT);
  }

  public StepBudget(long limit) {
    this.limit = limit;
  }

  @Override
  public void callback(CelExpr expr, Object result) {
    if (++steps > limit) {
      throw new Exceeded();
    }
  }

  /** Steps taken so far. */
  public long steps() {
    return steps;
  }
}
