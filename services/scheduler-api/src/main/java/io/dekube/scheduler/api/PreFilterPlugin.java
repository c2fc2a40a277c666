package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * PreFilter: runs once per scheduling cycle before any Filter, on the scheduler's thread; computes
 * what the plugin's Filter needs into the {@link CycleState}, or turns the pod down for every node
 * at once. Answering {@link Status#skip()} skips this plugin's Filter for the pod. No I/O.
 */
public interface PreFilterPlugin extends Plugin {

  /**
   * @param state the cycle's state
   * @param pod   the pod being scheduled
   * @param nodes every node of the snapshot
   */
  Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes);
}
