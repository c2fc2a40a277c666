package io.dekube.controllermanager;

import io.dekube.controllermanager.nodelifecycle.NodeLifecycleOptions;
import java.time.Duration;
import java.util.UUID;

/**
 * The controller-manager's settings, with kube-controller-manager's flag names and defaults.
 * Immutable.
 *
 * @param identity                           the holder identity in the leader Lease (unique per instance)
 * @param leaseDuration                      {@code --leader-elect-lease-duration} (15 s)
 * @param renewDeadline                      {@code --leader-elect-renew-deadline} (10 s)
 * @param retryPeriod                        {@code --leader-elect-retry-period} (2 s)
 * @param resync                             how often every object is synced again (kube's min resync, 12 h; here 5 min)
 * @param workers                            concurrent syncs per controller ({@code --concurrent-*-syncs}, 5)
 * @param nodeMonitorGracePeriod             {@code --node-monitor-grace-period} (40 s)
 * @param defaultUnreachableTolerationSeconds {@code --default-unreachable-toleration-seconds} (300)
 * @param clusterCidr                        {@code --cluster-cidr} (127.244.0.0/16), a /24 per node
 * @param localPathDir                       where the local-path provisioner makes volume folders; null: no provisioner
 * @param hpa                                the HPA controller's {@code --horizontal-pod-autoscaler-*} settings
 * @param nodeLifecycle                       the node lifecycle controller's other flags (periods, eviction rates)
 * @param terminatedPodGcThreshold           {@code --terminated-pod-gc-threshold} (12500; 0 or less: off)
 */
public record ControllerManagerConfig(String identity, Duration leaseDuration, Duration renewDeadline,
                                      Duration retryPeriod, Duration resync, int workers,
                                      Duration nodeMonitorGracePeriod, long defaultUnreachableTolerationSeconds,
                                      String clusterCidr, String localPathDir,
                                      io.dekube.controllermanager.podautoscaler.HpaOptions hpa,
                                      NodeLifecycleOptions nodeLifecycle, int terminatedPodGcThreshold) {

  /**
   * kube-controller-manager 1.32's {@code --node-monitor-grace-period}: 50 s since kube 1.32 (40 s before; kubernetes
   * PR 126287), longer than the kubelet's 40 s HTTP/2 read-idle plus ping timeouts.
   */
  public static final Duration NODE_MONITOR_GRACE_PERIOD = Duration.ofSeconds(50);

  /** kube's defaults and a fresh identity. */
  public static ControllerManagerConfig defaults() {
    return new ControllerManagerConfig("controller-manager-" + UUID.randomUUID().toString().substring(0, 8),
        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMinutes(5), 5,
        NODE_MONITOR_GRACE_PERIOD, 300, "127.244.0.0/16", null,
        io.dekube.controllermanager.podautoscaler.HpaOptions.DEFAULTS, NodeLifecycleOptions.DEFAULTS, 12500);
  }

  public ControllerManagerConfig withIdentity(String v) {
    return new ControllerManagerConfig(v, leaseDuration, renewDeadline, retryPeriod, resync, workers,
        nodeMonitorGracePeriod, defaultUnreachableTolerationSeconds, clusterCidr, localPathDir, hpa, nodeLifecycle, terminatedPodGcThreshold);
  }

  public ControllerManagerConfig withLeaderElection(Duration lease, Duration renew, Duration retry) {
    return new ControllerManagerConfig(identity, lease, renew, retry, resync, workers, nodeMonitorGracePeriod,
        defaultUnreachableTolerationSeconds, clusterCidr, localPathDir, hpa, nodeLifecycle, terminatedPodGcThreshold);
  }

  public ControllerManagerConfig withNodeMonitorGracePeriod(Duration v) {
    return new ControllerManagerConfig(identity, leaseDuration, renewDeadline, retryPeriod, resync, workers, v,
        defaultUnreachableTolerationSeconds, clusterCidr, localPathDir, hpa, nodeLifecycle, terminatedPodGcThreshold);
  }

  public ControllerManagerConfig withDefaultUnreachableTolerationSeconds(long v) {
    return new ControllerManagerConfig(identity, leaseDuration, renewDeadline, retryPeriod, resync, workers,
        nodeMonitorGracePeriod, v, clusterCidr, localPathDir, hpa, nodeLifecycle, terminatedPodGcThreshold);
  }

  public ControllerManagerConfig withClusterCidr(String v) {
    return new ControllerManagerConfig(identity, leaseDuration, renewDeadline, retryPeriod, resync, workers,
        nodeMonitorGracePeriod, defaultUnreachableTolerationSeconds, v, localPathDir, hpa, nodeLifecycle, terminatedPodGcThreshold);
  }

  public ControllerManagerConfig withLocalPathDir(String v) {
    return new ControllerManagerConfig(identity, leaseDuration, renewDeadline, retryPeriod, resync, workers,
        nodeMonitorGracePeriod, defaultUnreachableTolerationSeconds, clusterCidr, v, hpa, nodeLifecycle, terminatedPodGcThreshold);
  }

  public ControllerManagerConfig withHpa(io.dekube.controllermanager.podautoscaler.HpaOptions v) {
    return new ControllerManagerConfig(identity, leaseDuration, renewDeadline, retryPeriod, resync, workers,
        nodeMonitorGracePeriod, defaultUnreachableTolerationSeconds, clusterCidr, localPathDir, v, nodeLifecycle, terminatedPodGcThreshold);
  }

  public ControllerManagerConfig withNodeLifecycle(NodeLifecycleOptions v) {
    return new ControllerManagerConfig(identity, leaseDuration, renewDeadline, retryPeriod, resync, workers,
        nodeMonitorGracePeriod, defaultUnreachableTolerationSeconds, clusterCidr, localPathDir, hpa, v,
        terminatedPodGcThreshold);
  }

  public ControllerManagerConfig withTerminatedPodGcThreshold(int v) {
    return new ControllerManagerConfig(identity, leaseDuration, renewDeadline, retryPeriod, resync, workers,
        nodeMonitorGracePeriod, defaultUnreachableTolerationSeconds, clusterCidr, localPathDir, hpa, nodeLifecycle, v);
  }
}
