package io.dekube.scheduler.plugins.nodename;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;

/** NodeName: a pod that names its node ({@code spec.nodeName}) fits only that node. */
public final class NodeName implements FilterPlugin {

  public static final String NAME = "NodeName";
  public static final String ERR_REASON = "node(s) didn't match the requested node name";

  @Override
  public String name() {
    return NAME;
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
