package io.dekube.controllermanager.nodelifecycle;

import io.dekube.controllermanager.common.Times;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How kube's node lifecycle controller judges a node's health, as pure functions: when the node
 * was last heard of (its Lease renewal or its Ready heartbeat), and the conditions it gets once the
 * grace period has passed without news (every kubelet condition {@code Unknown}). Stateless.
 */
public final class NodeHealth {

  /** The conditions the kubelet posts and the controller turns Unknown, as kube's. */
  static final List<String> KUBELET_CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
  static final String STOPPED_REASON = "NodeStatusUnknown";
  static final String STOPPED_MESSAGE = "Kubelet stopped posting node status.";
  static final String NEVER_REASON = "NodeStatusNeverUpdated";
  static final String NEVER_MESSAGE = "Kubelet never posted node status.";

  private NodeHealth() {
  }

  /**
   * When the node was last heard of: the latest of its Lease's renewTime, its Ready condition's
   * heartbeat, its creation, and {@code notBefore} (when this controller started: as kube's, a new
   * leader gives every node a whole grace period before judging it).
   */
  public static Instant lastHeard(Node node, Lease lease, Instant notBefore) {
    Instant t = notBefore;
    t = later(t, Times.parse(node.getMetadata().getCreationTimestamp()));
    NodeCondition ready = condition(node, "Ready");
    if (ready != null) {
      t = later(t, Times.parse(ready.getLastHeartbeatTime()));
    }
    if (lease != null && lease.getSpec() != null && lease.getSpec().getRenewTime() != null) {
      t = later(t, lease.getSpec().getRenewTime().toInstant());
    }
    return t;
  }

  /** The Ready condition's status: {@code True}, {@code False}, {@code Unknown}, or "" when the node has none yet. */
  public static String ready(Node node) {
    NodeCondition c = condition(node, "Ready");
    return c == null || c.getStatus() == null ? "" : c.getStatus();
  }

  /** A condition of the node's status, or null. */
  public static NodeCondition condition(Node node, String type) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return null;
    }
    for (NodeCondition c : node.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /**
   * The node's conditions once its kubelet stopped posting: each kubelet condition {@code Unknown}
   * with kube's reason and message, its heartbeat kept and its transition time {@code now}; a missing
   * one added as never updated. Null when they all are Unknown already (nothing to write).
   */
  public static List<NodeCondition> unknown(Node node, Instant now) {
    List<NodeCondition> current = node.getStatus() == null || node.getStatus().getConditions() == null
        ? List.of() : node.getStatus().getConditions();
    List<NodeCondition> out = new ArrayList<>();
    boolean changed = false;
    for (NodeCondition c : current) {
      if (KUBELET_CONDITIONS.contains(c.getType()) && !"Unknown".equals(c.getStatus())) {
        out.add(new NodeCondition(c.getLastHeartbeatTime(), Times.format(now), STOPPED_MESSAGE, STOPPED_REASON,
            "Unknown", c.getType()));
        changed = true;
      } else {
        out.add(c);
      }
    }
    for (String type : KUBELET_CONDITIONS) {
      if (current.stream().noneMatch(c -> type.equals(c.getType()))) {
        out.add(new NodeCondition(node.getMetadata().getCreationTimestamp(), Times.format(now), NEVER_MESSAGE,
            NEVER_REASON, "Unknown", type));
        changed = true;
      }
    }
    return changed ? out : null;
  }

  private static Instant later(Instant a, Instant b) {
    return b != null && b.isAfter(a) ? b : a;
  }
}
