package io.dekube.scheduler.plugins.defaultpreemption;

import io.dekube.scheduler.api.Code;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.api.PostFilterPlugin;
import io.dekube.scheduler.api.PostFilterResult;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntUnaryOperator;

/**
 * DefaultPreemption: when a pod fits nowhere, find a node where evicting pods of lower priority
 * makes it fit (evicting as few and as low as possible: every lower pod is removed, then they are
 * put back while the pod still fits — first those whose PodDisruptionBudget allows no more
 * disruption, then the others, the most important first in each group), delete those victims,
 * and nominate the node ({@code status.nominatedNodeName}); the pod is retried once the victims are
 * gone. As kube 1.32's {@code DryRunPreemption}, not every node is tried: from a random offset among the
 * potential nodes (those the filters turned down as Unschedulable) it stops once it has
 * {@link PreemptionArgs#numCandidates} candidates, at least one of them without a budget violation. The
 * candidates rank as kube's {@code pickOneNodeForPreemption}: the fewest budget violations, then the lowest
 * highest victim priority, the lowest priority sum, the fewest victims, the latest start of the highest-priority
 * victims, then the first found. Nodes turned down for unresolvable reasons are not considered; the filters count
 * the pods nominated to a node that the pod must yield to. As kube: a pod whose nominated node still has a victim
 * terminating waits for it, the lower-priority pods nominated to the chosen node lose their nomination, and a pod
 * that finds no candidate loses its own.
 */
public final class DefaultPreemption implements PostFilterPlugin, io.dekube.scheduler.api.EnqueueExtensions {

  public static final String NAME = "DefaultPreemption";
  static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
  static final String NO_VICTIMS = "No preemption victims found for incoming pod";
  static final String TERMINATING = "not eligible due to a terminating pod on the nominated node.";

  private final Handle handle;
  private final PreemptionArgs args;
  private final IntUnaryOperator offsets;

  public DefaultPreemption(Map<String, Object> args, Handle handle) {
    this(PreemptionArgs.of(args), handle, n -> ThreadLocalRandom.current().nextInt(n));
  }

  /** With the args and where the dry run starts among {@code n} potential nodes (kube: {@code rand.Int31n(n)}). */
  DefaultPreemption(PreemptionArgs args, Handle handle, IntUnaryOperator offsets) {
    this.args = args;
    this.handle = handle;
    this.offsets = offsets;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * No events, as kube 1.32's with {@code SchedulerAsyncPreemption} off (its default): the only pods this plugin turns
   * down are victims it rejected while a Permit plugin held them, and no cluster event makes them schedulable, so
   * they wait in the unschedulable pool for its 5-minute flush (or a wildcard event), not for any event.
   */
  @Override
  public List<io.dekube.scheduler.api.ClusterEventWithHint> eventsToRegister() {
    return List.of();
  }

  @Override
  public CompletionStage<PostFilterResult> postFilter(CycleState state, Pod pod, Map<String, Status> nodeStatuses) {
    if ("Never".equals(pod.getSpec().getPreemptionPolicy())) {
      return done(PostFilterResult.failed(Status.unresolvable("not eligible due to preemptionPolicy=Never.")));
    }
    List<NodeInfo> nodes = handle.nodes();
    String nominated = nominatedNode(pod);
    if (waitsForVictims(pod, nominated, nodes, nodeStatuses)) {
      return done(PostFilterResult.failed(Status.unschedulable(TERMINATING)));
    }
    List<PodDisruptionBudget> budgets = handle.podDisruptionBudgets();
    Map<String, Integer> reasons = new TreeMap<>();
    List<NodeInfo> potential = new ArrayList<>();
    for (NodeInfo n : nodes) {
      Status s = nodeStatuses.get(n.name());
      // kube's NodesForStatusCode(Unschedulable); a node without a status is one a PreFilter turned down as
      // Unschedulable for all nodes (dekube's filters answer for every node they try)
      if (s == null || s.code() == Code.UNSCHEDULABLE) {
        potential.add(n);
      } else {
        reasons.merge(NOT_HELPFUL, 1, Integer::sum);
      }
    }
    List<Victims> candidates = potential.isEmpty() ? List.of()
        : dryRun(state, pod, potential, nodes, budgets, reasons);
    Victims best = Candidates.pick(candidates);
    if (best == null) {
      List<String> parts = new ArrayList<>();
      reasons.forEach((r, c) -> parts.add(c + " " + r));
      java.util.Collections.sort(parts);
      PostFilterResult failed = PostFilterResult.failed(Status.unschedulable("0/" + nodes.size()
          + " nodes are available: " + String.join(", ", parts) + "."));
      // kube clears the nomination of a pod that can no longer preempt anywhere
      return nominated == null ? done(failed) : handle.nominate(pod, null).thenApply(x -> failed);
    }
    return evict(pod, best);
  }

  /**
   * kube's {@code DryRunPreemption}, one node after the other: from a random offset, the candidates without and with
   * budget violations (each list holding at most the number wanted), until there are enough and one of them
   * violates no budget; the nodes where preemption does not help add their reasons. Those without violations first.
   */
  private List<Victims> dryRun(CycleState state, Pod pod, List<NodeInfo> potential, List<NodeInfo> nodes,
                               List<PodDisruptionBudget> budgets, Map<String, Integer> reasons) {
    int size = potential.size();
    int offset = offsets.applyAsInt(size);
    int wanted = args.numCandidates(size);
    List<Victims> nonViolating = new ArrayList<>();
    List<Victims> violating = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Object found = victimsOn(state, pod, potential.get((offset + i) % size), nodes, budgets);
      if (found instanceof Victims v) {
        List<Victims> list = v.budgetViolations() == 0 ? nonViolating : violating;
        if (list.size() < wanted) {
          list.add(v);
        }
        if (!nonViolating.isEmpty() && nonViolating.size() + violating.size() >= wanted) {
          break;
        }
      } else {
        ((Status) found).reasons().forEach(r -> reasons.merge(r, 1, Integer::sum));
      }
    }
    List<Victims> out = new ArrayList<>(nonViolating);
    out.addAll(violating);
    return out;
  }

  private static String nominatedNode(Pod pod) {
    String n = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    return n == null || n.isEmpty() ? null : n;
  }

  /**
   * kube's {@code PodEligibleToPreemptOthers}: a pod nominated to a node where a lower-priority pod is still
   * terminating by this preemption waits for it rather than preempting again — unless its filters now call that node
   * unresolvable.
   */
  private static boolean waitsForVictims(Pod pod, String nominated, List<NodeInfo> nodes,
                                         Map<String, Status> nodeStatuses) {
    if (nominated == null) {
      return false;
    }
    Status s = nodeStatuses.get(nominated);
    if (s == null || s.code() == Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
      return false;
    }
    int prio = Victims.priority(pod);
    for (NodeInfo n : nodes) {
      if (n.name().equals(nominated)) {
        return n.pods().stream().anyMatch(p -> Victims.priority(p.pod()) < prio && terminatingByPreemption(p.pod()));
      }
    }
    return false;
  }

  /** kube's {@code podTerminatingByPreemption}: being deleted, its DisruptionTarget condition by the scheduler. */
  static boolean terminatingByPreemption(Pod p) {
    if (p.getMetadata().getDeletionTimestamp() == null || p.getStatus() == null
        || p.getStatus().getConditions() == null) {
      return false;
    }
    return p.getStatus().getConditions().stream().filter(c -> "DisruptionTarget".equals(c.getType())).findFirst()
        .map(c -> "True".equals(c.getStatus()) && "PreemptionByScheduler".equals(c.getReason())).orElse(false);
  }

  /** The victims on one node, or the status saying why preemption there does not help. */
  private Object victimsOn(CycleState state, Pod pod, NodeInfo node, List<NodeInfo> nodes,
                           List<PodDisruptionBudget> budgets) {
    int prio = Victims.priority(pod);
    List<Pod> lower = new ArrayList<>();
    for (PodInfo p : node.pods()) {
      if (Victims.priority(p.pod()) < prio) {
        lower.add(p.pod());
      }
    }
    if (lower.isEmpty()) {
      return Status.unresolvable(NO_VICTIMS);
    }
    NodeInfo without = node.copy();
    lower.forEach(without::removePod);
    Status fits = fits(state, pod, without, nodes);
    if (!fits.isSuccess()) {
      return fits;
    }
    // reprieve as many as possible: first those whose eviction would break a budget, then the others,
    // the most important first in each group
    lower.sort(Budgets.MORE_IMPORTANT);
    Budgets.Split split = Budgets.split(lower, budgets);
    List<Pod> victims = new ArrayList<>();
    int violating = 0;
    for (Pod p : split.violating()) {
      if (!reprieve(state, pod, without, nodes, p, victims)) {
        violating++;
      }
    }
    for (Pod p : split.nonViolating()) {
      reprieve(state, pod, without, nodes, p, victims);
    }
    if (victims.isEmpty()) {
      return Status.error("expected at least one victim pod on node \"" + node.name() + "\"");
    }
    victims.sort(Budgets.MORE_IMPORTANT); // kube keeps them from the highest priority down
    return new Victims(node.name(), victims, violating);
  }

  /** Puts a victim back when the pod still fits; otherwise it stays a victim. Whether it was spared. */
  private boolean reprieve(CycleState state, Pod pod, NodeInfo without, List<NodeInfo> nodes, Pod p,
                           List<Pod> victims) {
    without.addPod(p);
    if (fits(state, pod, without, nodes).isSuccess()) {
      return true;
    }
    without.removePod(p);
    victims.add(p);
    return false;
  }

  private Status fits(CycleState state, Pod pod, NodeInfo candidate, List<NodeInfo> nodes) {
    List<NodeInfo> whatIf = new ArrayList<>(nodes.size());
    for (NodeInfo n : nodes) {
      whatIf.add(n.name().equals(candidate.name()) ? candidate : n);
    }
    CycleState s = state.copy();
    Status pre = handle.runPreFilters(s, pod, whatIf);
    return pre.isSuccess() ? handle.runFilters(s, pod, candidate) : pre;
  }

  private CompletionStage<PostFilterResult> evict(Pod pod, Victims v) {
    List<CompletableFuture<Void>> deletes = new ArrayList<>();
    for (Pod victim : v.pods()) {
      if (victim.getMetadata().getDeletionTimestamp() != null) {
        continue; // kube's prepareCandidate: its graceful deletion has started, another call is unnecessary
      }
      // kube's PreemptPod: the Event once the victim is marked and deleted
      deletes.add(handle.preemptPod(victim, pod).toCompletableFuture().thenRun(() -> handle.event(victim, pod,
          "Normal", "Preempted", "Preempted by pod " + pod.getMetadata().getUid() + " on node " + v.node())));
    }
    // the lower-priority pods nominated there may no longer fit: kube clears their nomination, so they move on
    int prio = Victims.priority(pod);
    for (Pod other : handle.nominatedPods(v.node())) {
      if (Victims.priority(other) < prio && !java.util.Objects.equals(other.getMetadata().getUid(),
          pod.getMetadata().getUid())) {
        deletes.add(handle.nominate(other, null).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
        .thenCompose(x -> handle.nominate(pod, v.node()))
        .thenApply(x -> PostFilterResult.nominated(v.node()));
  }

  private static CompletionStage<PostFilterResult> done(PostFilterResult r) {
    return CompletableFuture.completedFuture(r);
  }
}
