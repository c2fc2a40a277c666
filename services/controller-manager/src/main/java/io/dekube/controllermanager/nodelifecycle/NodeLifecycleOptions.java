package io.dekube.controllermanager.nodelifecycle;

import java.time.Duration;

/**
 * The node lifecycle controller's settings besides {@code --node-monitor-grace-period}: kube-controller-manager's
 * flags of the same names, with kube's defaults. Immutable.
 *
 * @param monitorPeriod             how often every node and zone is looked at ({@code --node-monitor-period}, 5 s);
 *                                  null: 5 s, or half the grace period when that is shorter (so that
 *                                  {@code up --node-monitor-grace-period 5s} notices a node in about 5 s)
 * @param startupGracePeriod        how long a node that never posted a Ready condition is given
 *                                  ({@code --node-startup-grace-period}, 1 min)
 * @param nodeEvictionRate          nodes a second that get the NoExecute taint in a healthy zone
 *                                  ({@code --node-eviction-rate}, 0.1)
 * @param secondaryNodeEvictionRate the same in an unhealthy zone of a large cluster
 *                                  ({@code --secondary-node-eviction-rate}, 0.01)
 * @param largeClusterSizeThreshold the zone size above which the secondary rate applies; a partially disrupted
 *                                  zone of this size or smaller gets no taints at all
 *                                  ({@code --large-cluster-size-threshold}, 50)
 * @param unhealthyZoneThreshold    the share of not-Ready nodes (and at least 3) from which a zone is partially
 *                                  disrupted ({@code --unhealthy-zone-threshold}, 0.55)
 */
public record NodeLifecycleOptions(Duration monitorPeriod, Duration startupGracePeriod, float nodeEvictionRate, float secondaryNodeEvictionRate, int largeClusterSizeThreshold,
                              float unhealthyZoneThreshold) {

  /** kube-controller-manager 1.32's defaults. */
  public static final NodeLifecycleOptions DEFAULTS = new NodeLifecycleOptions(null, Duration.ofMinutes(1), 0.1f, 0.01f,
      50, 0.55f);

  /**
   * The tainting rate of a zone of {@code zoneSize} nodes in {@code state}, as kube's {@code setLimiterInZone}:
   * the normal rate when the zone is healthy or wholly down (kube's {@code HealthyQPSFunc}: with every node
   * gone, there is nothing left to protect), the secondary rate when it is partially disrupted and larger than
   * the threshold, else none (kube's {@code ReducedQPSFunc}: a small zone half down is more likely cut off
   * than broken).
   */
  public float rate(ZoneState state, int zoneSize) {
    if (state == ZoneState.PARTIAL_DISRUPTION) {
      return zoneSize > largeClusterSizeThreshold ? secondaryNodeEvictionRate : 0;
    }
    return nodeEvictionRate;
  }
}
