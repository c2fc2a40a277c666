package io.dekube.scheduler.plugins.nodeunschedulable;

import io.dekube.core.model.Tolerations;
import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.QueueingHint;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.List;

/**
 * NodeUnschedulable: a cordoned node ({@code spec.unschedulable}) takes only pods that tolerate the
 * {@code node.kubernetes.io/unschedulable:NoSchedule} taint.
 */
public final class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {

  public static final String NAME = "NodeUnschedulable";
  public static final String ERR_REASON = "node(s) were unschedulable";
  private static final io.fabric8.kubernetes.api.model.Taint UNSCHEDULABLE = new TaintBuilder()
      .withKey("node.kubernetes.io/unschedulable").withEffect("NoSchedule").build();

  @Override
  public String name() {
    return NAME;
  }

  /** A node added or uncordoned (kube counts {@code spec.unschedulable} as a taint change) that takes pods. */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.NODE,
        ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_TAINT), (pod, oldObj, newObj) -> {
          boolean was = oldObj != null && !cordoned((Node) oldObj);
          return !was && !cordoned((Node) newObj) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
        }));
  }

  private static boolean cordoned(Node node) {
    return node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    Boolean cordoned = node.node().getSpec() == null ? null : node.node().getSpec().getUnschedulable();
    if (!Boolean.TRUE.equals(cordoned) || Tolerations.tolerated(Tolerations.of(pod), UNSCHEDULABLE)) {
      return Status.success();
    }
    return Status.unresolvable(ERR_REASON);
  }
}
