package io.dekube.scheduler.plugins.defaultpreemption;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * The pods to evict from one node so the preemptor fits there, and how many of them break their
 * PodDisruptionBudget. Immutable.
 */
record Victims(String node, List<Pod> pods, int budgetViolations) {

  static int priority(Pod p) {
    return p.getSpec() == null || p.getSpec().getPriority() == null ? 0 : p.getSpec().getPriority();
  }

  int highestPriority() {
    return pods.stream().mapToInt(Victims::priority).max().orElse(Integer.MIN_VALUE);
  }

  long prioritySum() {
    // kube offsets by MaxInt32+1 so that negative priorities still count
    return pods.stream().mapToLong(p -> (long) priority(p) + Integer.MAX_VALUE + 1).sum();
  }
}
