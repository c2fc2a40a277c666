package io.dekube.scheduler.plugins.helper;

import io.dekube.scheduler.api.NodeScore;
import java.util.List;

/** The lowest and highest raw score of a cycle, for plugins that normalize over the range. */
public record ScoreRange(long min, long max) {

  /** The range of the scores (0..0 when there are none). */
  public static ScoreRange of(List<NodeScore> scores) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (NodeScore s : scores) {
      min = Math.min(min, s.score());
      max = Math.max(max, s.score());
    }
    return scores.isEmpty() ? new ScoreRange(0, 0) : new ScoreRange(min, max);
  }
}
