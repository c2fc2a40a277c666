package io.dekube.scheduler.plugins.nodeports;

import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.HostPort;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.QueueingHint;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** NodePorts: a pod's host ports must be free on the node (same protocol and port, overlapping IP). */
public final class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {

  public static final String NAME = "NodePorts";
  public static final String ERR_REASON = "node(s) didn't have free ports for the requested pod ports";
  private static final String KEY = "PreFilter" + NAME;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    List<HostPort> ports = HostPort.of(pod);
    if (ports.isEmpty()) {
      return Status.skip();
    }
    state.write(KEY, ports);
    return Status.success();
  }

  /** A bound pod deleted whose host ports the pod wants, or a node added. */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE), (pod, oldObj, newObj) -> {
          List<HostPort> freed = HostPort.of((Pod) oldObj);
          return HostPort.of(pod).stream().anyMatch(w -> freed.stream().anyMatch(w::conflicts))
              ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
        }),
        ClusterEventWithHint.of(new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.ADD)));
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    List<HostPort> wanted = state.read(KEY);
    if (wanted == null) {
      wanted = HostPort.of(pod);
    }
    for (HostPort w : wanted) {
      for (HostPort used : node.usedPorts()) {
        if (w.conflicts(used)) {
          return Status.unschedulable(ERR_REASON);
        }
      }
    }
    return Status.success();
  }
}
