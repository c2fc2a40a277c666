package io.dekube.scheduler.plugins.defaultpreemption;

import io.dekube.scheduler.plugins.helper.Args;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code DefaultPreemptionArgs}: how many candidate nodes a preemption dry-runs before it picks one, a
 * percentage of the potential nodes ({@code minCandidateNodesPercentage}, 10) but at least
 * {@code minCandidateNodesAbsolute} (100), never more than there are. Validated as kube's
 * {@code ValidateDefaultPreemptionArgs}, in its words. Immutable.
 */
record PreemptionArgs(int minCandidateNodesPercentage, int minCandidateNodesAbsolute) {

  static final PreemptionArgs DEFAULTS = new PreemptionArgs(10, 100);

  /** The args of a {@code pluginConfig} entry, defaulted; an {@link IllegalArgumentException} when invalid. */
  static PreemptionArgs of(Map<String, Object> args) {
    long pct = Args.number(args, "minCandidateNodesPercentage", DEFAULTS.minCandidateNodesPercentage());
    long abs = Args.number(args, "minCandidateNodesAbsolute", DEFAULTS.minCandidateNodesAbsolute());
    List<String> errors = new ArrayList<>();
    if (pct < 0 || pct > 100) {
      errors.add("minCandidateNodesPercentage: Invalid value: " + pct + ": not in valid range [0, 100]");
    }
    if (abs < 0) {
      errors.add("minCandidateNodesAbsolute: Invalid value: " + abs + ": not in valid range [0, inf)");
    }
    if (pct == 0 && abs == 0) {
      errors.add("minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as "
          + "minCandidateNodesAbsolute");
      errors.add("minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as "
          + "minCandidateNodesPercentage");
    }
    if (!errors.isEmpty()) {
      // apimachinery's aggregate: one error as it is, several in brackets
      throw new IllegalArgumentException(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
    return new PreemptionArgs((int) pct, (int) abs);
  }

  /** kube's {@code calculateNumCandidates}: how many candidates to find among {@code nodes} potential nodes. */
  int numCandidates(int nodes) {
    int n = (int) ((long) nodes * minCandidateNodesPercentage / 100);
    if (n < minCandidateNodesAbsolute) {
      n = minCandidateNodesAbsolute;
    }
    return Math.min(n, nodes);
  }
}
