package io.dekube.scheduler.plugins.nodename;

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
import java.util.List;

/** NodeName: a pod that names its node ({@code spec.nodeName}) fits only that node. */
public final class NodeName implements FilterPlugin, EnqueueExtensions {

  public static final String NAME = "NodeName";
  public static final String ERR_REASON = "node(s) didn't match the requested node name";

  @Override
  public String name() {
    return NAME;
  }

  /** The node the pod names, added. */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.ADD),
        (pod, oldObj, newObj) -> ((Node) newObj).getMetadata().getName().equals(pod.getSpec().getNodeName())
            ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP));
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    String want = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (want == null || want.isEmpty() || want.equals(node.name())) {
      return Status.success();
    }
    return Status.unresolvable(ERR_REASON);
  }
}
