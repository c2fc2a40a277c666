package io.dekube.scheduler.plugins.noderesources;

import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.QueueingHint;
import io.dekube.scheduler.api.Resource;
import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NodeResourcesFit: the node must have room for the pod's requests (containers summed, the largest
 * init container, overhead) and one more pod; it scores nodes by its scoring strategy
 * (LeastAllocated by default). Failure reasons as kube words them: {@code Too many pods},
 * {@code Insufficient cpu}, {@code Insufficient memory}, {@code Insufficient <resource>}.
 */
public final class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, ScorePlugin, EnqueueExtensions {

  public static final String NAME = "NodeResourcesFit";
  private static final String KEY = "PreFilter" + NAME;

  private final ScoringStrategy strategy;

  public NodeResourcesFit(Map<String, Object> args) {
    this.strategy = ScoringStrategy.parse(args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    state.write(KEY, PodInfo.of(pod));
    return Status.success();
  }

  private static PodInfo podInfo(CycleState state, Pod pod) {
    PodInfo p = state.read(KEY);
    return p != null ? p : PodInfo.of(pod);
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    List<String> reasons = insufficient(podInfo(state, pod).requests(), node);
    return reasons.isEmpty() ? Status.success() : Status.unschedulable(reasons.toArray(String[]::new));
  }

  /** Why the node has no room for the requests (empty when it has). */
  public static List<String> insufficient(Resource req, NodeInfo node) {
    List<String> reasons = new ArrayList<>();
    Resource alloc = node.allocatable();
    Resource used = node.requested();
    if (node.pods().size() + 1 > alloc.pods()) {
      reasons.add("Too many pods");
    }
    if (req.isZero()) {
      return reasons;
    }
    check(reasons, Resource.CPU, req.milliCpu(), alloc.milliCpu(), used.milliCpu());
    check(reasons, Resource.MEMORY, req.memory(), alloc.memory(), used.memory());
    check(reasons, Resource.EPHEMERAL_STORAGE, req.ephemeralStorage(), alloc.ephemeralStorage(),
        used.ephemeralStorage());
    req.scalar().forEach((name, v) -> check(reasons, name, v, alloc.get(name), used.get(name)));
    return reasons;
  }

  private static void check(List<String> reasons, String name, long want, long alloc, long used) {
    if (want > 0 && want > alloc - used) {
      reasons.add("Insufficient " + name);
    }
  }

  /**
   * kube 1.32's registrations: a bound pod deleted (or scaled down) may free room; a node added or whose
   * allocatable changed helps only when the pod fits its allocatable and a resource it asks for grew.
   */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.POD,
            ClusterEvent.DELETE | ClusterEvent.UPDATE_POD_SCALE_DOWN), (pod, oldObj, newObj) -> {
              Pod freed = (Pod) (oldObj != null ? oldObj : newObj);
              boolean bound = freed.getSpec() != null && freed.getSpec().getNodeName() != null
                  && !freed.getSpec().getNodeName().isEmpty();
              return bound ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
            }),
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.NODE,
            ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_ALLOCATABLE), (pod, oldObj, newObj) ->
            afterNodeChange(pod, (Node) oldObj, (Node) newObj)));
  }

  static QueueingHint afterNodeChange(Pod pod, Node oldNode, Node newNode) {
    Resource req = PodInfo.of(pod).requests();
    // the pod alone on the node, as kube's isFit: whether its allocatable could ever take it
    if (!insufficient(req, new NodeInfo(newNode)).isEmpty()) {
      return QueueingHint.QUEUE_SKIP;
    }
    if (oldNode == null) {
      return QueueingHint.QUEUE;
    }
    Resource before = Resource.allocatable(oldNode);
    Resource after = Resource.allocatable(newNode);
    boolean grew = after.pods() > before.pods()
        || req.milliCpu() > 0 && after.milliCpu() > before.milliCpu()
        || req.memory() > 0 && after.memory() > before.memory()
        || req.ephemeralStorage() > 0 && after.ephemeralStorage() > before.ephemeralStorage()
        || req.scalar().keySet().stream().anyMatch(r -> after.get(r) > before.get(r));
    return grew ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo node) {
    PodInfo p = podInfo(state, pod);
    List<ResourceSpec> rs = strategy.resources();
    long[] requested = new long[rs.size()];
    long[] allocatable = new long[rs.size()];
    for (int i = 0; i < rs.size(); i++) {
      requested[i] = rs.get(i).requestedWith(node, p, true);
      allocatable[i] = node.allocatable().get(rs.get(i).name());
    }
    return strategy.score(requested, allocatable);
  }
}
