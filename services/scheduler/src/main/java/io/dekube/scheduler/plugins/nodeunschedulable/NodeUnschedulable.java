package io.dekube.scheduler.plugins.nodeunschedulable;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.Status;
import io.dekube.core.model.Tolerations;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TaintBuilder;

/**
 * NodeUnschedulable: a cordoned node ({@code spec.unschedulable}) takes only pods that tolerate the
 * {@code node.kubernetes.io/unschedulable:NoSchedule} taint.
 */
public final class NodeUnschedulable implements FilterPlugin {

  public static final String NAME = "NodeUnschedulable";
  public static final String ERR_REASON = "node(s) were unschedulable";
  private static final io.fabric8.kubernetes.api.model.Taint UNSCHEDULABLE = new TaintBuilder()
      .withKey("node.kubernetes.io/unschedulable").withEffect("NoSchedule").build();

  @Override
  public String name() {
    return NAME;
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
