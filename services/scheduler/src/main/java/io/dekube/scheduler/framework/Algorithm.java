package io.dekube.scheduler.framework;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.NodeScore;
import io.dekube.scheduler.api.PreScorePlugin;
import io.dekube.scheduler.api.ScoreExtensions;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kube's {@code schedulePod}: PreFilter, Filter over the nodes (from a rotating start, stopping once
 * {@code percentageOfNodesToScore} of them fit; in parallel chunks on a pool when the cluster is
 * large), PreScore, Score with normalizing and weights, then the best node (ties broken at random).
 * Pure computing over a snapshot: it runs off the event loop and touches nothing shared.
 */
public final class Algorithm {

  private static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
  private static final int MIN_FEASIBLE_PERCENTAGE = 5;
  private static final int PARALLEL_FROM = 200;

  private final ExecutorService pool;
  private final int parallelism;
  private final AtomicInteger nextStart = new AtomicInteger();

  public Algorithm(ExecutorService pool, int parallelism) {
    this.pool = pool;
    this.parallelism = Math.max(1, parallelism);
  }

  /** Runs the cycle's computing for a pod over the snapshot, with no nominated pods. */
  public CycleResult schedule(Profile profile, Pod pod, List<NodeInfo> nodes) {
    return schedule(profile, pod, nodes, Nominated.NONE);
  }

  /**
   * Runs the cycle's computing for a pod over the snapshot; the filters count the pods {@code nominated} to a node
   * that the pod must yield to. Blocking (uses the pool); never throws.
   */
  public CycleResult schedule(Profile profile, Pod pod, List<NodeInfo> nodes, Nominated nominated) {
    CycleState state = new CycleState();
    state.write(Profile.NOMINATED, nominated);
    try {
      if (nodes.isEmpty()) {
        return new CycleResult(null, state, Map.of(), Status.unschedulable("no nodes available to schedule pods"),
            null, 0);
      }
      Status pre = profile.runPreFilters(state, pod, nodes);
      if (!pre.isSuccess()) {
        return pre.isRejected() ? new CycleResult(null, state, Map.of(), pre, null, nodes.size())
            : new CycleResult(null, state, Map.of(), null, pre, nodes.size());
      }
      Map<String, Status> rejected = new ConcurrentHashMap<>();
      NodeInfo nominatedNode = nominatedNode(pod, nodes);
      if (nominatedNode != null) {
        // kube's evaluateNominatedNode: the node a preemption made room on is tried first and taken when it fits
        Status s = profile.runFilters(state, pod, nominatedNode);
        if (s.isSuccess()) {
          return new CycleResult(nominatedNode.name(), state, rejected, null, null, nodes.size());
        }
        if (s.code() == io.dekube.scheduler.api.Code.ERROR) {
          return new CycleResult(null, state, Map.of(), null, s, nodes.size());
        }
      }
      List<NodeInfo> feasible = filter(profile, state, pod, nodes, rejected);
      for (Status s : rejected.values()) {
        if (s.code() == io.dekube.scheduler.api.Code.ERROR) {
          return new CycleResult(null, state, rejected, null, s, nodes.size());
        }
      }
      if (feasible.isEmpty()) {
        return new CycleResult(null, state, rejected, null, null, nodes.size());
      }
      if (feasible.size() == 1) {
        return new CycleResult(feasible.get(0).name(), state, rejected, null, null, nodes.size());
      }
      return score(profile, state, pod, feasible, rejected, nodes.size());
    } catch (RuntimeException | InterruptedException | ExecutionException e) {
      return new CycleResult(null, state, Map.of(), null, Status.error(e), nodes.size());
    }
  }

  private static NodeInfo nominatedNode(Pod pod, List<NodeInfo> nodes) {
    String name = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    if (name == null || name.isEmpty()) {
      return null;
    }
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
  }

  /** kube's numFeasibleNodesToFind. */
  static int toFind(int percentage, int all) {
    if (all < MIN_FEASIBLE_NODES_TO_FIND) {
      return all;
    }
    int pct = percentage;
    if (pct == 0) {
      pct = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - all / 125);
    }
    if (pct >= 100) {
      return all;
    }
    return Math.max(MIN_FEASIBLE_NODES_TO_FIND, all * pct / 100);
  }

  private List<NodeInfo> filter(Profile profile, CycleState state, Pod pod, List<NodeInfo> nodes,
                                Map<String, Status> rejected) throws InterruptedException, ExecutionException {
    int want = toFind(profile.percentageOfNodesToScore(), nodes.size());
    int start = Math.floorMod(nextStart.get(), nodes.size());
    List<NodeInfo> feasible = Collections.synchronizedList(new ArrayList<>());
    int chunk = nodes.size() < PARALLEL_FROM ? nodes.size() : Math.max(16, want / parallelism / 2);
    int processed = 0;
    while (processed < nodes.size() && feasible.size() < want) {
      List<Callable<Void>> tasks = new ArrayList<>();
      int round = nodes.size() < PARALLEL_FROM ? 1 : parallelism;
      for (int t = 0; t < round && processed < nodes.size(); t++) {
        int from = processed;
        int to = Math.min(nodes.size(), processed + chunk);
        processed = to;
        tasks.add(() -> {
          for (int i = from; i < to; i++) {
            NodeInfo n = nodes.get((start + i) % nodes.size());
            Status s = profile.runFilters(state, pod, n);
            if (s.isSuccess()) {
              feasible.add(n);
            } else {
              rejected.put(n.name(), s);
            }
          }
          return null;
        });
      }
      if (tasks.size() == 1) {
        try {
          tasks.get(0).call();
        } catch (Exception e) {
          throw new ExecutionException(e);
        }
      } else {
        for (Future<Void> f : pool.invokeAll(tasks)) {
          f.get();
        }
      }
    }
    nextStart.set(start + processed);
    List<NodeInfo> out = new ArrayList<>(feasible);
    return out.size() > want ? out.subList(0, want) : out;
  }

  private CycleResult score(Profile profile, CycleState state, Pod pod, List<NodeInfo> feasible,
                            Map<String, Status> rejected, int all) {
    Set<String> skipped = new HashSet<>();
    for (PreScorePlugin p : profile.preScore) {
      Status s = Profile.safely(p.name(), () -> p.preScore(state, pod, feasible));
      if (s.isSkip()) {
        skipped.add(p.name());
      } else if (!s.isSuccess()) { // kube's RunPreScorePlugins: a rejection is an error too
        return new CycleResult(null, state, rejected, null,
            Profile.wrapped("running PreScore plugin \"" + p.name() + "\": ", s), all);
      }
    }
    long[] total = new long[feasible.size()];
    for (WeightedScorer w : profile.score) {
      if (skipped.contains(w.plugin().name())) {
        continue;
      }
      List<NodeScore> scores = new ArrayList<>(feasible.size());
      try {
        for (NodeInfo n : feasible) {
          scores.add(new NodeScore(n.name(), w.plugin().score(state, pod, n)));
        }
        ScoreExtensions ext = w.plugin().scoreExtensions();
        if (ext != null) {
          Status s = ext.normalizeScore(state, pod, scores);
          if (s != null && !s.isSuccess()) {
            return new CycleResult(null, state, rejected, null, Profile.wrapped("running Normalize on Score plugins: "
                + "plugin \"" + w.plugin().name() + "\" failed with: ", s.withPlugin(w.plugin().name())), all);
          }
        }
      } catch (RuntimeException e) { // kube's RunScorePlugins' words
        return new CycleResult(null, state, rejected, null, Status.error("running Score plugins: plugin \""
            + w.plugin().name() + "\" failed with: " + e).withPlugin(w.plugin().name()), all);
      }
      for (int i = 0; i < total.length; i++) {
        total[i] += scores.get(i).score() * w.weight();
      }
    }
    return new CycleResult(feasible.get(best(total)).name(), state, rejected, null, null, all);
  }

  /** The index of the highest score; ties broken uniformly at random (reservoir sampling, as kube). */
  static int best(long[] total) {
    int best = 0;
    int ties = 1;
    for (int i = 1; i < total.length; i++) {
      if (total[i] > total[best]) {
        best = i;
        ties = 1;
      } else if (total[i] == total[best]) {
        ties++;
        if (ThreadLocalRandom.current().nextInt(ties) == 0) {
          best = i;
        }
      }
    }
    return best;
  }
}
