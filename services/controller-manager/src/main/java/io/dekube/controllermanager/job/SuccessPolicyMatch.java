package io.dekube.controllermanager.job;

import io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicy;
import io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicyRule;

/**
 * kube's {@code matchSuccessPolicy} for Indexed Jobs: the first rule met — all its
 * {@code succeededIndexes} succeeded, or at least {@code succeededCount} of them (of all indexes when
 * the rule names none) — gives the message {@code Matched rules at index N} of the
 * {@code SuccessCriteriaMet} condition. Pure.
 */
final class SuccessPolicyMatch {

  private SuccessPolicyMatch() {
  }

  /** The message of the first rule met, or null. */
  static String of(SuccessPolicy policy, int completions, Indexes succeeded) {
    if (policy == null || policy.getRules() == null || succeeded.total() == 0) {
      return null;
    }
    for (int i = 0; i < policy.getRules().size(); i++) {
      SuccessPolicyRule rule = policy.getRules().get(i);
      Integer count = rule.getSucceededCount();
      if (rule.getSucceededIndexes() != null) {
        Indexes wanted = Indexes.parse(rule.getSucceededIndexes(), completions);
        if (wanted.total() == 0) {
          continue;
        }
        int done = wanted.common(succeeded);
        if (done == wanted.total() || count != null && done >= count) {
          return "Matched rules at index " + i;
        }
      } else if (count != null && succeeded.total() >= count) {
        return "Matched rules at index " + i;
      }
    }
    return null;
  }
}
