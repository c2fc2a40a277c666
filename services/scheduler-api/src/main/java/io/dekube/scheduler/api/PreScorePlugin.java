package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * PreScore: runs once per cycle over the nodes that passed the filters, before Score, on the
 * scheduler's thread; computes what the plugin's Score needs into the {@link CycleState}.
 * Answering {@link Status#skip()} skips this plugin's Score for the pod. No I/O.
 */
public interface PreScorePlugin extends Plugin {

  Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes);
}
