package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Normalizes a {@link ScorePlugin}'s raw scores of all feasible nodes into
 * [{@link ScorePlugin#MIN_NODE_SCORE}, {@link ScorePlugin#MAX_NODE_SCORE}], in place. Called once per
 * cycle on the scheduler's thread.
 */
public interface ScoreExtensions {

  Status normalizeScore(CycleState state, Pod pod, List<NodeScore> scores);

  /**
   * Kube's default normalization: scales scores so the highest becomes {@link ScorePlugin#MAX_NODE_SCORE};
   * with {@code reverse} the highest becomes 0 (for "fewer is better" counts). All zero stays all
   * zero (or all max when reversed).
   */
  static void defaultNormalize(List<NodeScore> scores, boolean reverse) {
    long max = 0;
    for (NodeScore s : scores) {
      max = Math.max(max, s.score());
    }
    for (NodeScore s : scores) {
      long v = max == 0 ? 0 : s.score() * ScorePlugin.MAX_NODE_SCORE / max;
      s.score(reverse ? ScorePlugin.MAX_NODE_SCORE - v : v);
    }
  }
}
