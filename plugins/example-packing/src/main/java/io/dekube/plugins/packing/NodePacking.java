package io.dekube.plugins.packing;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.NodeScore;
import io.dekube.scheduler.api.ScoreExtensions;
import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * NodePacking: packs pods onto the fewest nodes. A node scores the number of pods already on it
 * (bound and assumed), normalized so the fullest feasible node gets 100 and an empty node 0; the
 * filters still keep pods off nodes without room, so a full node is skipped and the next fullest
 * takes over. Stateless and thread-safe, as Score plugins must be.
 */
public final class NodePacking implements ScorePlugin, ScoreExtensions {

  /** The name profiles use. */
  public static final String NAME = "NodePacking";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo node) {
    return node.pods().size();
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, List<NodeScore> scores) {
    ScoreExtensions.defaultNormalize(scores, false);
    return Status.success();
  }
}
