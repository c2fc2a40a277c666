package io.dekube.scheduler.plugins.nodeaffinity;

import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.NodeScore;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.PreScorePlugin;
import io.dekube.scheduler.api.QueueingHint;
import io.dekube.scheduler.api.ScoreExtensions;
import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.helper.Selectors;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import java.util.List;
import java.util.Map;

/**
 * NodeAffinity: the node must match the pod's {@code nodeSelector} and its required node affinity
 * (terms ORed, expressions ANDed; operators In, NotIn, Exists, DoesNotExist, Gt, Lt; field
 * {@code metadata.name}); nodes score the summed weights of the preferred terms they match,
 * normalized to 0..100.
 */
public final class NodeAffinityPlugin implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin,
    ScoreExtensions, EnqueueExtensions {

  public static final String NAME = "NodeAffinity";
  public static final String ERR_REASON = "node(s) didn't match Pod's node affinity/selector";

  @Override
  public String name() {
    return NAME;
  }

  private static NodeAffinity affinity(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getAffinity() == null ? null
        : pod.getSpec().getAffinity().getNodeAffinity();
  }

  private static Map<String, String> nodeSelector(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getNodeSelector() == null ? Map.of()
        : pod.getSpec().getNodeSelector();
  }

  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    NodeAffinity a = affinity(pod);
    boolean required = a != null && a.getRequiredDuringSchedulingIgnoredDuringExecution() != null;
    return required || !nodeSelector(pod).isEmpty() ? Status.success() : Status.skip();
  }

  /** A node added, or whose labels changed, that now matches the pod's selector and required affinity. */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.NODE,
        ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_LABEL), (pod, oldObj, newObj) -> {
          if (!matches(pod, new NodeInfo((Node) newObj))) {
            return QueueingHint.QUEUE_SKIP;
          }
          return oldObj == null || !matches(pod, new NodeInfo((Node) oldObj)) ? QueueingHint.QUEUE
              : QueueingHint.QUEUE_SKIP;
        }));
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    return matches(pod, node) ? Status.success() : Status.unresolvable(ERR_REASON);
  }

  /** Whether a node matches the pod's node selector and required node affinity. */
  public static boolean matches(Pod pod, NodeInfo node) {
    Map<String, String> labels = node.labels();
    for (Map.Entry<String, String> e : nodeSelector(pod).entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    NodeAffinity a = affinity(pod);
    NodeSelector required = a == null ? null : a.getRequiredDuringSchedulingIgnoredDuringExecution();
    return required == null || Selectors.matchesAnyTerm(required.getNodeSelectorTerms(), labels, node.name());
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes) {
    NodeAffinity a = affinity(pod);
    boolean preferred = a != null && a.getPreferredDuringSchedulingIgnoredDuringExecution() != null
        && !a.getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty();
    return preferred ? Status.success() : Status.skip();
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo node) {
    NodeAffinity a = affinity(pod);
    if (a == null || a.getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
      return 0;
    }
    long sum = 0;
    for (PreferredSchedulingTerm t : a.getPreferredDuringSchedulingIgnoredDuringExecution()) {
      if (t.getWeight() != null && t.getWeight() != 0 && t.getPreference() != null
          && Selectors.matchesTerm(t.getPreference(), node.labels(), node.name())) {
        sum += t.getWeight();
      }
    }
    return sum;
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, List<NodeScore> scores) {
    ScoreExtensions.defaultNormalize(scores, false);
    return Status.success();
  }
}
