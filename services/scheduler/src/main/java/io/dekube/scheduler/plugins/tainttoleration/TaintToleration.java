package io.dekube.scheduler.plugins.tainttoleration;

import io.dekube.core.model.Tolerations;
import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.NodeScore;
import io.dekube.scheduler.api.QueueingHint;
import io.dekube.scheduler.api.ScoreExtensions;
import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;

/**
 * TaintToleration: a node's {@code NoSchedule} and {@code NoExecute} taints must all be tolerated
 * ({@code node(s) had untolerated taint {key: value}}); nodes score fewer untolerated
 * {@code PreferNoSchedule} taints higher.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin, ScoreExtensions, EnqueueExtensions {

  public static final String NAME = "TaintToleration";

  @Override
  public String name() {
    return NAME;
  }

  private static List<Taint> taints(NodeInfo node) {
    return node.node().getSpec() == null || node.node().getSpec().getTaints() == null ? List.of()
        : node.node().getSpec().getTaints();
  }

  /** A node added, or whose taints changed, that the pod now tolerates and did not before. */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.NODE,
        ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_TAINT), (pod, oldObj, newObj) -> {
          boolean wasUntolerated = oldObj == null || untolerated(pod, (Node) oldObj) != null;
          return wasUntolerated && untolerated(pod, (Node) newObj) == null ? QueueingHint.QUEUE
              : QueueingHint.QUEUE_SKIP;
        }));
  }

  /** The first NoSchedule or NoExecute taint of the node the pod does not tolerate, or null. */
  private static Taint untolerated(Pod pod, Node node) {
    List<Toleration> tolerations = Tolerations.of(pod);
    List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
        : node.getSpec().getTaints();
    for (Taint t : taints) {
      boolean filtering = "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect());
      if (filtering && !Tolerations.tolerated(tolerations, t)) {
        return t;
      }
    }
    return null;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    Taint t = untolerated(pod, node.node());
    return t == null ? Status.success() : Status.unresolvable("node(s) had untolerated taint {" + t.getKey() + ": "
        + (t.getValue() == null ? "" : t.getValue()) + "}");
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo node) {
    List<Toleration> preferNoSchedule = Tolerations.of(pod).stream()
        .filter(t -> t.getEffect() == null || t.getEffect().isEmpty() || "PreferNoSchedule".equals(t.getEffect()))
        .toList();
    long count = 0;
    for (Taint t : taints(node)) {
      if ("PreferNoSchedule".equals(t.getEffect()) && !Tolerations.tolerated(preferNoSchedule, t)) {
        count++;
      }
    }
    return count;
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, List<NodeScore> scores) {
    ScoreExtensions.defaultNormalize(scores, true);
    return Status.success();
  }
}
