package io.dekube.scheduler.framework;

import io.dekube.scheduler.api.BindPlugin;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PermitPlugin;
import io.dekube.scheduler.api.PostFilterPlugin;
import io.dekube.scheduler.api.PreBindPlugin;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.PreScorePlugin;
import io.dekube.scheduler.api.ReservePlugin;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One scheduling profile: its scheduler name and the plugins enabled at each extension point, in
 * order, with score weights. Runs PreFilter and Filter (a plugin that throws answers an Error
 * status naming it, it never escapes). Immutable after construction; Filter may run on several
 * threads at once.
 */
public final class Profile {

  private static final String SKIPPED = "framework/skippedFilters";
  private static final String NODES = "framework/nodes";
  /** The cycle's nominated pods by node ({@link Nominated}), written by the {@link Algorithm}. */
  static final String NOMINATED = "framework/nominatedPods";

  private final String schedulerName;
  final List<PreFilterPlugin> preFilter;
  final List<FilterPlugin> filter;
  final List<PostFilterPlugin> postFilter;
  final List<PreScorePlugin> preScore;
  final List<WeightedScorer> score;
  final List<ReservePlugin> reserve;
  final List<PermitPlugin> permit;
  final List<PreBindPlugin> preBind;
  final List<BindPlugin> bind;
  private final int percentageOfNodesToScore;

  Profile(String schedulerName, List<PreFilterPlugin> preFilter, List<FilterPlugin> filter,
          List<PostFilterPlugin> postFilter, List<PreScorePlugin> preScore, List<WeightedScorer> score,
          List<ReservePlugin> reserve, List<PermitPlugin> permit, List<PreBindPlugin> preBind, List<BindPlugin> bind,
          int percentageOfNodesToScore) {
    this.schedulerName = schedulerName;
    this.preFilter = preFilter;
    this.filter = filter;
    this.postFilter = postFilter;
    this.preScore = preScore;
    this.score = score;
    this.reserve = reserve;
    this.permit = permit;
    this.preBind = preBind;
    this.bind = bind;
    this.percentageOfNodesToScore = percentageOfNodesToScore;
  }

  /** The {@code spec.schedulerName} this profile serves. */
  public String schedulerName() {
    return schedulerName;
  }

  /** The profile's percentageOfNodesToScore (0 = kube's adaptive default). */
  public int percentageOfNodesToScore() {
    return percentageOfNodesToScore;
  }

  /**
   * Every plugin of the profile, each once: kube's {@code fillEnqueueExtensions} gives each its events, those of its
   * {@code EnqueueExtensions} or, without it, every event — so a plugin that turns a pod down at any point (a
   * PreBind, a Bind plugin of a jar, DefaultPreemption rejecting a waiting victim at Permit) has its own.
   */
  public java.util.Collection<io.dekube.scheduler.api.Plugin> enqueuePlugins() {
    java.util.Map<String, io.dekube.scheduler.api.Plugin> out = new java.util.LinkedHashMap<>();
    java.util.stream.Stream.of(preFilter, filter, postFilter, preScore, score.stream().map(WeightedScorer::plugin)
            .toList(), reserve, permit, preBind, bind).flatMap(List::stream)
        .forEach(p -> out.putIfAbsent(p.name(), p));
    return out.values();
  }

  /** The PostFilter plugins, in order. */
  public List<PostFilterPlugin> postFilterPlugins() {
    return postFilter;
  }

  /** The Reserve plugins, in order. */
  public List<ReservePlugin> reservePlugins() {
    return reserve;
  }

  /** The Permit plugins, in order. */
  public List<PermitPlugin> permitPlugins() {
    return permit;
  }

  /** The PreBind plugins, in order. */
  public List<PreBindPlugin> preBindPlugins() {
    return preBind;
  }

  /** The Bind plugins, in order. */
  public List<BindPlugin> bindPlugins() {
    return bind;
  }

  /** The names of the plugins at each point, for logs and tests ({@code filter: [A, B]}). */
  public String describe() {
    return "preFilter=" + names(preFilter) + " filter=" + names(filter) + " postFilter=" + names(postFilter)
        + " score=" + score.stream().map(w -> w.plugin().name() + "*" + w.weight()).toList()
        + " bind=" + names(bind);
  }

  private static List<String> names(List<? extends io.dekube.scheduler.api.Plugin> ps) {
    return ps.stream().map(io.dekube.scheduler.api.Plugin::name).toList();
  }

  /** Runs every PreFilter; the first non-success, non-skip status ends it. Skips are remembered for Filter. */
  public Status runPreFilters(CycleState state, Pod pod, List<NodeInfo> nodes) {
    Set<String> skipped = new HashSet<>();
    for (PreFilterPlugin p : preFilter) {
      Status s = safely(p.name(), () -> p.preFilter(state, pod, nodes));
      if (s.isSkip()) {
        skipped.add(p.name());
      } else if (!s.isSuccess()) { // kube's RunPreFilterPlugins wraps an error
        return s.isRejected() ? s : wrapped("running PreFilter plugin \"" + p.name() + "\": ", s);
      }
    }
    state.write(SKIPPED, Set.copyOf(skipped));
    state.write(NODES, nodes);
    return Status.success();
  }

  /**
   * kube's {@code RunFilterPluginsWithNominatedPods}: when pods of equal or higher priority are nominated to the
   * node, the filters run first as if they were on it (so the pod does not take room a preemption freed for them),
   * and, when that passes, again without them (a pod affinity they would satisfy must not count). The PreFilters run
   * again on a copy of the state with them added, standing in for kube's {@code AddPod} extensions. Thread-safe.
   */
  public Status runFilters(CycleState state, Pod pod, NodeInfo node) {
    Nominated nominated = state.read(NOMINATED);
    List<Pod> yieldTo = nominated == null ? List.of() : nominated.yieldTo(pod, node.name());
    List<NodeInfo> nodes = state.read(NODES);
    if (yieldTo.isEmpty() || nodes == null) {
      return runPlainFilters(state, pod, node);
    }
    NodeInfo with = node.copy();
    yieldTo.forEach(with::addPod);
    List<NodeInfo> whatIf = new java.util.ArrayList<>(nodes.size());
    for (NodeInfo n : nodes) {
      whatIf.add(n.name().equals(node.name()) ? with : n);
    }
    CycleState withState = state.copy();
    Status s = runPreFilters(withState, pod, whatIf);
    if (s.isSuccess()) {
      s = runPlainFilters(withState, pod, with);
    }
    return s.isSuccess() ? runPlainFilters(state, pod, node) : s;
  }

  /** Runs every Filter not skipped by its PreFilter; the first rejection ends it. Thread-safe. */
  private Status runPlainFilters(CycleState state, Pod pod, NodeInfo node) {
    Set<String> skipped = state.read(SKIPPED);
    for (FilterPlugin p : filter) {
      if (skipped != null && skipped.contains(p.name())) {
        continue;
      }
      Status s = safely(p.name(), () -> p.filter(state, pod, node));
      if (!s.isSuccess()) { // kube's RunFilterPlugins wraps an error
        return s.isRejected() ? s : wrapped("running \"" + p.name() + "\" filter plugin: ", s);
      }
    }
    return Status.success();
  }

  /** An error status with its message after kube's words for where it happened, still naming its plugin. */
  static Status wrapped(String where, Status error) {
    return Status.error(where + error.message()).withPlugin(error.plugin());
  }

  /** Calls a plugin; an exception becomes an Error status naming the plugin. */
  static Status safely(String plugin, java.util.function.Supplier<Status> call) {
    try {
      Status s = call.get();
      return (s == null ? Status.error("plugin returned no status") : s).withPlugin(plugin);
    } catch (RuntimeException e) {
      return Status.error(new IllegalStateException("plugin " + plugin + " failed: " + e, e)).withPlugin(plugin);
    }
  }
}
