package io.dekube.scheduler.framework;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.Status;
import java.util.Map;

/**
 * What the computing part of a cycle found: the chosen node (null when none fits), the cycle state,
 * the per-node statuses of the nodes turned down, a PreFilter rejection, or an error. Immutable.
 */
public record CycleResult(String node, CycleState state, Map<String, Status> rejected, Status preFilter,
                          Status error, int nodes) {
}
