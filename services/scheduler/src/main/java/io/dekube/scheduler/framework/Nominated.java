package io.dekube.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pods nominated to each node ({@code status.nominatedNodeName}, kube's nominator) as one cycle sees them: pending
 * pods a preemption made room for. Immutable; shared by the cycle's filter threads.
 */
public record Nominated(Map<String, List<Pod>> byNode) {

  /** None. */
  public static final Nominated NONE = new Nominated(Map.of());

  /** The pods nominated to a node (empty when none). */
  public List<Pod> on(String node) {
    return byNode.getOrDefault(node, List.of());
  }

  /**
   * The pods nominated to {@code node} that {@code pod} must yield to, as kube's {@code addGENominatedPods}: of equal
   * or higher priority, not the pod itself.
   */
  List<Pod> yieldTo(Pod pod, String node) {
    List<Pod> on = on(node);
    if (on.isEmpty()) {
      return on;
    }
    int prio = priority(pod);
    List<Pod> out = new ArrayList<>();
    for (Pod p : on) {
      if (priority(p) >= prio && !Objects.equals(p.getMetadata().getUid(), pod.getMetadata().getUid())) {
        out.add(p);
      }
    }
    return out;
  }

  static int priority(Pod p) {
    return p.getSpec() == null || p.getSpec().getPriority() == null ? 0 : p.getSpec().getPriority();
  }
}
