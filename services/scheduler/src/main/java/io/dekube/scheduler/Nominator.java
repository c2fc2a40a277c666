package io.dekube.scheduler;

import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.framework.Nominated;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's nominator: the pending pods of this scheduler's profiles that have a nominated node — from their
 * {@code status.nominatedNodeName}, or from a preemption of this scheduler before that write comes back — so the
 * filters count them on that node. A pod leaves it when it is assumed, bound, deleted, or its nomination is cleared.
 * Confined to the scheduler's context.
 */
final class Nominator {

  private final Map<String, Map<String, Pod>> byNode = new HashMap<>();
  private final Map<String, String> nodeOf = new HashMap<>();
  private Nominated snapshot = Nominated.NONE;

  /** A pending pod of ours, as the informer has it: nominated where its status says, or not at all. */
  void update(Pod pod) {
    String node = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    if (node == null || node.isEmpty()) {
      remove(PodInfo.key(pod));
    } else {
      add(pod, node);
    }
  }

  /** Nominates a pod to a node (replacing an earlier nomination). */
  void add(Pod pod, String node) {
    String key = PodInfo.key(pod);
    remove(key);
    nodeOf.put(key, node);
    byNode.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(key, pod);
    snapshot = null;
  }

  /** Forgets a pod's nomination (assumed, bound, deleted, no longer ours). */
  void remove(Pod pod) {
    remove(PodInfo.key(pod));
  }

  void remove(String key) {
    String node = nodeOf.remove(key);
    if (node == null) {
      return;
    }
    Map<String, Pod> on = byNode.get(node);
    on.remove(key);
    if (on.isEmpty()) {
      byNode.remove(node);
    }
    snapshot = null;
  }

  /** The pods nominated to a node. */
  List<Pod> on(String node) {
    return nominated().on(node);
  }

  /** The nominations as of now, immutable, for a cycle. */
  Nominated nominated() {
    if (snapshot == null) {
      Map<String, List<Pod>> copy = new HashMap<>();
      byNode.forEach((n, pods) -> copy.put(n, List.copyOf(pods.values())));
      snapshot = new Nominated(Map.copyOf(copy));
    }
    return snapshot;
  }
}
