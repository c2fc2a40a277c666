package io.dekube.scheduler.plugins.noderesources;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.api.PreScorePlugin;
import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * NodeResourcesBalancedAllocation: favours nodes whose resources would be used evenly with the pod
 * on them: {@code (1 - standard deviation of requested/allocatable fractions) * 100}, over cpu and
 * memory by default. Skipped for a pod that requests none of the resources.
 */
public final class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {

  public static final String NAME = "NodeResourcesBalancedAllocation";
  private static final String KEY = "PreScore" + NAME;

  private final List<ResourceSpec> resources;

  public NodeResourcesBalancedAllocation(Map<String, Object> args) {
    this.resources = ResourceSpec.parse(args, "resources");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes) {
    PodInfo p = PodInfo.of(pod);
    if (resources.stream().allMatch(r -> p.requests().get(r.name()) == 0)) {
      return Status.skip();
    }
    state.write(KEY, p);
    return Status.success();
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo node) {
    PodInfo p = state.read(KEY);
    if (p == null) {
      p = PodInfo.of(pod);
    }
    double[] fractions = new double[resources.size()];
    int n = 0;
    for (ResourceSpec r : resources) {
      long alloc = node.allocatable().get(r.name());
      if (alloc == 0) {
        continue;
      }
      fractions[n++] = Math.min(1.0, (double) r.requestedWith(node, p, false) / alloc);
    }
    double std;
    if (n == 0) {
      return 0;
    } else if (n == 2) {
      std = Math.abs(fractions[0] - fractions[1]) / 2;
    } else {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += fractions[i] / n;
      }
      double var = 0;
      for (int i = 0; i < n; i++) {
        var += (fractions[i] - mean) * (fractions[i] - mean) / n;
      }
      std = Math.sqrt(var);
    }
    return (long) ((1 - std) * MAX_NODE_SCORE);
  }
}
