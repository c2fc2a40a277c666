package io.dekube.controllermanager.replicaset;

import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Times;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The order in which a ReplicaSet deletes surplus pods, as kube's {@code ActivePodsWithRanks}: the
 * pod to delete first sorts first. Unscheduled before scheduled; Pending before Unknown before
 * Running; not ready before ready; more sibling pods on the same node first; ready for a shorter
 * time first; more restarts first; newer first. Stateless.
 */
final class PodRanking {

  private PodRanking() {
  }

  /**
   * The comparator; {@code podsPerNode} counts the related pods (of this owner and its siblings) on
   * each node, the rank kube uses to spread what remains.
   */
  static Comparator<Pod> deleteFirst(Map<String, Integer> podsPerNode) {
    return Comparator.<Pod>comparingInt(p -> nodeName(p).isEmpty() ? 0 : 1)
        .thenComparingInt(p -> phaseRank(p))
        .thenComparingInt(p -> Pods.ready(p) ? 1 : 0)
        .thenComparingInt(p -> -podsPerNode.getOrDefault(nodeName(p), 0))
        .thenComparing(PodRanking::readySince, Comparator.nullsFirst(Comparator.reverseOrder()))
        .thenComparingInt(p -> -restarts(p))
        .thenComparing(p -> Times.parse(p.getMetadata().getCreationTimestamp()),
            Comparator.nullsFirst(Comparator.reverseOrder()));
  }

  private static Instant readySince(Pod p) {
    return Pods.ready(p) ? Times.parse(Pods.readyCondition(p).getLastTransitionTime()) : null;
  }

  private static String nodeName(Pod p) {
    return p.getSpec() == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
  }

  private static int phaseRank(Pod p) {
    String phase = p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase();
    return switch (phase) {
      case "Pending" -> 0;
      case "Unknown" -> 1;
      case "Running" -> 2;
      default -> 3;
    };
  }

  private static int restarts(Pod p) {
    List<ContainerStatus> cs = p.getStatus() == null ? null : p.getStatus().getContainerStatuses();
    int max = 0;
    if (cs != null) {
      for (ContainerStatus c : cs) {
        max = Math.max(max, c.getRestartCount() == null ? 0 : c.getRestartCount());
      }
    }
    return max;
  }
}
