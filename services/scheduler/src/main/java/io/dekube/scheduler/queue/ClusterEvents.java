package io.dekube.scheduler.queue;

import io.dekube.scheduler.api.ClusterEvent;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an update of a node or of a bound pod is as cluster events (kube's {@code nodeSchedulingPropertiesChange}
 * and {@code PodSchedulingPropertiesChange}), as one event whose action bits are every change found, or null
 * when nothing the scheduler looks at changed (a node's heartbeat: only condition times). Pure.
 */
public final class ClusterEvents {

  private ClusterEvents() {
  }

  /** A node's update: allocatable, labels, taints (or spec.unschedulable), condition statuses, annotations. */
  public static ClusterEvent nodeUpdate(Node oldNode, Node newNode) {
    if (oldNode == null) {
      return new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.ADD);
    }
    int bits = 0;
    if (!Objects.equals(allocatable(oldNode), allocatable(newNode))) {
      bits |= ClusterEvent.UPDATE_NODE_ALLOCATABLE;
    }
    if (!Objects.equals(nonNull(oldNode.getMetadata().getLabels()), nonNull(newNode.getMetadata().getLabels()))) {
      bits |= ClusterEvent.UPDATE_NODE_LABEL;
    }
    if (!Objects.equals(taints(oldNode), taints(newNode))
        || Boolean.TRUE.equals(unschedulable(oldNode)) != Boolean.TRUE.equals(unschedulable(newNode))) {
      bits |= ClusterEvent.UPDATE_NODE_TAINT;
    }
    if (!conditionStatuses(oldNode).equals(conditionStatuses(newNode))) {
      bits |= ClusterEvent.UPDATE_NODE_CONDITION;
    }
    if (!Objects.equals(nonNull(oldNode.getMetadata().getAnnotations()),
        nonNull(newNode.getMetadata().getAnnotations()))) {
      bits |= ClusterEvent.UPDATE_NODE_ANNOTATION;
    }
    return bits == 0 ? null : new ClusterEvent(ClusterEvent.Resource.NODE, bits);
  }

  /**
   * A bound pod's update: labels, tolerations, lower requests; a pod that finished frees its node, as its
   * deletion does (dekube's cache drops finished pods), so it is a delete.
   */
  public static ClusterEvent assignedPodUpdate(Pod oldPod, Pod newPod) {
    if (oldPod == null) {
      return new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.ADD);
    }
    if (finished(newPod) && !finished(oldPod)) {
      return new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE);
    }
    int bits = 0;
    if (!Objects.equals(nonNull(oldPod.getMetadata().getLabels()), nonNull(newPod.getMetadata().getLabels()))) {
      bits |= ClusterEvent.UPDATE_POD_LABEL;
    }
    if (!Objects.equals(oldPod.getSpec().getTolerations(), newPod.getSpec().getTolerations())) {
      bits |= ClusterEvent.UPDATE_POD_TOLERATIONS;
    }
    if (scaledDown(oldPod, newPod)) {
      bits |= ClusterEvent.UPDATE_POD_SCALE_DOWN;
    }
    return bits == 0 ? null : new ClusterEvent(ClusterEvent.Resource.POD, bits);
  }

  /** Whether the pod is Succeeded or Failed. */
  public static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static boolean scaledDown(Pod oldPod, Pod newPod) {
    Map<String, Quantity> before = requests(oldPod);
    Map<String, Quantity> after = requests(newPod);
    for (Map.Entry<String, Quantity> e : before.entrySet()) {
      Quantity now = after.get(e.getKey());
      if (now == null || now.getNumericalAmount().compareTo(e.getValue().getNumericalAmount()) < 0) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Quantity> requests(Pod pod) {
    Map<String, Quantity> out = new HashMap<>();
    List<Container> containers = pod.getSpec() == null ? null : pod.getSpec().getContainers();
    for (Container c : containers == null ? List.<Container>of() : containers) {
      if (c.getResources() != null && c.getResources().getRequests() != null) {
        c.getResources().getRequests().forEach((k, v) -> out.merge(k, v,
            (a, b) -> new Quantity(a.getNumericalAmount().add(b.getNumericalAmount()).toPlainString())));
      }
    }
    return out;
  }

  private static Map<String, java.math.BigDecimal> allocatable(Node node) {
    Map<String, java.math.BigDecimal> out = new HashMap<>();
    if (node.getStatus() != null && node.getStatus().getAllocatable() != null) {
      node.getStatus().getAllocatable().forEach((k, v) -> out.put(k, v.getNumericalAmount().stripTrailingZeros()));
    }
    return out;
  }

  private static Object taints(Node node) {
    return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
  }

  private static Boolean unschedulable(Node node) {
    return node.getSpec() == null ? null : node.getSpec().getUnschedulable();
  }

  private static Map<String, String> conditionStatuses(Node node) {
    Map<String, String> out = new HashMap<>();
    if (node.getStatus() != null && node.getStatus().getConditions() != null) {
      for (NodeCondition c : node.getStatus().getConditions()) {
        out.put(c.getType(), c.getStatus());
      }
    }
    return out;
  }

  private static Map<String, String> nonNull(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
