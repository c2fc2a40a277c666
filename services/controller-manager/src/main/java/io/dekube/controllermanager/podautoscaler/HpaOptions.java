package io.dekube.controllermanager.podautoscaler;

import java.time.Duration;

/**
 * The HPA controller's settings: kube-controller-manager's {@code --horizontal-pod-autoscaler-*} and
 * {@code --concurrent-horizontal-pod-autoscaler-syncs} flags, with kube's defaults. Immutable.
 *
 * @param syncPeriod              how often each HPA is synced ({@code --horizontal-pod-autoscaler-sync-period}, 15 s);
 *                                also how long the metrics APIs' discovery is kept, as kube invalidates it
 * @param tolerance               the change of the metrics ratio (from 1.0) below which nothing is scaled
 *                                ({@code --horizontal-pod-autoscaler-tolerance}, 0.1)
 * @param downscaleStabilization  the window of recommendations a scale-down keeps to without a behaviour
 *                                ({@code --horizontal-pod-autoscaler-downscale-stabilization}, 5 min)
 * @param cpuInitializationPeriod the time after a pod's start when its CPU samples may be skipped
 *                                ({@code --horizontal-pod-autoscaler-cpu-initialization-period}, 5 min)
 * @param initialReadinessDelay   the time after a pod's start when a readiness change counts as its first
 *                                ({@code --horizontal-pod-autoscaler-initial-readiness-delay}, 30 s)
 * @param concurrentSyncs         HPAs synced at once ({@code --concurrent-horizontal-pod-autoscaler-syncs}, 5)
 */
public record HpaOptions(Duration syncPeriod, double tolerance, Duration downscaleStabilization,
                         Duration cpuInitializationPeriod, Duration initialReadinessDelay, int concurrentSyncs) {

  /** kube-controller-manager 1.32's defaults. */
  public static final HpaOptions DEFAULTS = new HpaOptions(Duration.ofSeconds(15), 0.1, Duration.ofMinutes(5),
      Duration.ofMinutes(5), Duration.ofSeconds(30), 5);

  /** kube's validation of these options: the one check it makes, in its words; null when they are valid. */
  public String invalid() {
    return concurrentSyncs < 1 ? "concurrent-horizontal-pod-autoscaler-syncs must be greater than 0, but got "
        + concurrentSyncs : null;
  }
}
