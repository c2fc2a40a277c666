package io.dekube.scheduler;

import io.dekube.scheduler.api.BindPlugin;
import io.dekube.scheduler.api.Code;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PermitPlugin;
import io.dekube.scheduler.api.PostFilterPlugin;
import io.dekube.scheduler.api.PostFilterResult;
import io.dekube.scheduler.api.PreBindPlugin;
import io.dekube.scheduler.api.ReservePlugin;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.cache.SchedulerCache;
import io.dekube.scheduler.framework.Algorithm;
import io.dekube.scheduler.framework.CycleResult;
import io.dekube.scheduler.framework.Profile;
import io.dekube.scheduler.queue.QueuedPod;
import io.dekube.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's {@code scheduleOne}, one pod at a time on the scheduler's context: pop, compute the cycle
 * (off the event loop for large clusters), PostFilter when nothing fits, assume, Reserve, Permit;
 * then the binding cycle (PreBind, Bind) runs on its own while the next pod is scheduled. Every
 * failure re-queues the pod and leaves a {@code FailedScheduling} Event; a plugin that throws fails
 * only that pod's attempt.
 */
final class Scheduler {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final int INLINE_BELOW = 100;

  private final Context context;
  private final SchedulerCache cache;
  private final SchedulingQueue queue;
  private final Map<String, Profile> profiles;
  private final Algorithm algorithm;
  private final PodWrites writes;
  private final Permits permits;
  private final Consumer<Pod> onBound;
  private final Nominator nominator;
  private List<NodeInfo> snapshot = List.of();
  private boolean running;
  private boolean leading;

  Scheduler(Context context, SchedulerCache cache, SchedulingQueue queue, Map<String, Profile> profiles,
            Algorithm algorithm, PodWrites writes, Permits permits, Nominator nominator, Consumer<Pod> onBound) {
    this.nominator = nominator;
    this.context = context;
    this.cache = cache;
    this.queue = queue;
    this.profiles = profiles;
    this.algorithm = algorithm;
    this.writes = writes;
    this.permits = permits;
    this.onBound = onBound;
  }

  /** The snapshot of the current cycle (plugins read it through the handle). */
  List<NodeInfo> snapshot() {
    return snapshot;
  }

  void leading(boolean v) {
    leading = v;
    kick();
  }

  /** Starts the loop when pods wait and it is not running. */
  void kick() {
    if (!running && leading && queue.hasActive()) {
      running = true;
      context.runOnContext(v -> next());
    }
  }

  private void next() {
    QueuedPod q = leading ? queue.pop() : null;
    if (q == null) {
      running = false;
      return;
    }
    scheduleOne(q).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("scheduling {} failed: {}", name(q.pod()), ar.cause().toString());
        queue.retry(q);
      }
      context.runOnContext(v -> next());
    });
  }

  private Future<Void> scheduleOne(QueuedPod q) {
    Pod pod = q.pod();
    Profile profile = profiles.get(PodEvents.schedulerName(pod));
    if (profile == null || pod.getMetadata().getDeletionTimestamp() != null || cache.knows(pod)) {
      queue.done(q);
      return Future.succeededFuture();
    }
    snapshot = cache.snapshot();
    List<NodeInfo> nodes = snapshot;
    io.dekube.scheduler.framework.Nominated nominated = nominator.nominated();
    Future<CycleResult> computed = nodes.size() < INLINE_BELOW
        ? Future.succeededFuture(algorithm.schedule(profile, pod, nodes, nominated))
        : context.owner().executeBlocking(() -> algorithm.schedule(profile, pod, nodes, nominated), false);
    return computed.compose(r -> {
      if (r.error() != null) {
        return failed(q, r.error());
      }
      if (r.node() == null) {
        return postFilter(q, profile, r);
      }
      return assume(q, profile, r);
    });
  }

  private Future<Void> postFilter(QueuedPod q, Profile profile, CycleResult r) {
    Pod pod = q.pod();
    Future<PostFilterResult> post = Future.succeededFuture(null);
    if (r.preFilter() == null || r.preFilter().code() != Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
      for (PostFilterPlugin p : profile.postFilterPlugins()) {
        post = post.compose(prev -> prev != null && prev.status().isSuccess() ? Future.succeededFuture(prev)
            : callPostFilter(p, r.state(), pod, r.rejected()));
      }
    }
    return post.compose(res -> {
      String postMsg = null;
      if (res != null && res.status().isSuccess()) {
        LOG.info("pod {} nominated to node {} (preemption)", name(pod), res.nominatedNodeName());
        nominator.add(pod, res.nominatedNodeName());
      } else if (res != null && !res.status().reasons().isEmpty()) {
        postMsg = "preemption: " + res.status().message();
      }
      queue.unschedulable(q, rejectors(r));
      recordFailure(pod, true, FitError.message(r.nodes(), r.preFilter(), r.rejected(), postMsg));
      return Future.<Void>succeededFuture();
    });
  }

  private static Future<PostFilterResult> callPostFilter(PostFilterPlugin p, CycleState s, Pod pod,
                                                         Map<String, Status> rejected) {
    try {
      return Future.fromCompletionStage(p.postFilter(s, pod, rejected))
          .recover(e -> Future.succeededFuture(PostFilterResult.failed(Status.error(e))));
    } catch (RuntimeException e) {
      return Future.succeededFuture(PostFilterResult.failed(Status.error(e)));
    }
  }

  private Future<Void> assume(QueuedPod q, Profile profile, CycleResult r) {
    Pod pod = q.pod();
    String node = r.node();
    cache.assume(pod, node);
    nominator.remove(pod);
    for (ReservePlugin p : profile.reservePlugins()) {
      Status s = safe(p.name(), () -> p.reserve(r.state(), pod, node));
      if (!s.isSuccess()) {
        unreserve(profile, r.state(), pod, node);
        cache.forget(pod);
        // kube's RunReservePluginsReserve: a rejection is a FitError on the pod's one node, an error is wrapped
        return failed(q, s.isRejected() ? onItsNode(node, s.withPlugin(p.name()))
            : Status.error("running Reserve plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name()));
      }
    }
    Future<Status> permit = Future.succeededFuture(Status.success());
    for (PermitPlugin p : profile.permitPlugins()) {
      PermitPlugin.PermitResult pr;
      try {
        pr = p.permit(r.state(), pod, node);
      } catch (RuntimeException e) {
        pr = new PermitPlugin.PermitResult(Status.error(e), java.time.Duration.ZERO);
      }
      if (pr.status().code() == Code.WAIT) {
        PermitPlugin.PermitResult w = pr;
        permit = permit.compose(s -> s.isSuccess() ? permits.await(pod, p.name(), w.timeout()) : Future.succeededFuture(s));
      } else if (!pr.status().isSuccess()) {
        unreserve(profile, r.state(), pod, node);
        cache.forget(pod);
        // kube's RunPermitPlugins and schedulingCycle: a rejection is a FitError on the pod's one node
        return failed(q, pr.status().isRejected() ? onItsNode(node, pr.status().withPlugin(p.name()))
            : Status.error("running Permit plugin \"" + p.name() + "\": " + pr.status().message()).withPlugin(p.name()));
      }
    }
    permit.compose(s -> s.isSuccess() ? bindCycle(profile, r.state(), pod, node)
            : Future.succeededFuture(onItsNode(node, s)))
        .onComplete(ar -> bound(q, profile, r.state(), node, ar.succeeded() ? ar.result() : Status.error(ar.cause())));
    return Future.succeededFuture();
  }

  private Future<Status> bindCycle(Profile profile, CycleState state, Pod pod, String node) {
    Future<Status> f = Future.succeededFuture(Status.success());
    for (PreBindPlugin p : profile.preBindPlugins()) {
      f = f.compose(s -> s.isSuccess() ? stage(() -> p.preBind(state, pod, node)).map(r -> r.isSuccess() ? r
          : r.isRejected() ? onItsNode(node, r.withPlugin(p.name()))
          : Status.error("running PreBind plugin \"" + p.name() + "\": " + r.message()))
          : Future.succeededFuture(s));
    }
    return f.compose(s -> s.isSuccess() ? runBinders(profile, state, pod, node, 0) : Future.succeededFuture(s));
  }

  private Future<Status> runBinders(Profile profile, CycleState state, Pod pod, String node, int i) {
    List<BindPlugin> binders = profile.bindPlugins();
    if (i >= binders.size()) {
      return Future.succeededFuture(Status.error("no bind plugin bound the pod"));
    }
    BindPlugin p = binders.get(i);
    return stage(() -> p.bind(state, pod, node))
        .compose(s -> s.isSkip() ? runBinders(profile, state, pod, node, i + 1)
            : Future.succeededFuture(s.isSuccess() ? s : s.isRejected() ? s.withPlugin(p.name())
            : Status.error("running Bind plugin \"" + p.name() + "\": " + s.message())));
  }

  /**
   * kube's bindingCycle: a pod a Permit plugin rejected while it waited (a timeout, a preemption) or a PreBind plugin
   * rejected did not fit its one node, worded as a FitError ({@code 0/1 nodes are available: 1 <reason>.}).
   */
  private static Status onItsNode(String node, Status rejected) {
    return !rejected.isRejected() ? rejected : Status.of(rejected.code(),
        List.of(FitError.message(1, null, Map.of(node, rejected), null))).withPlugin(rejected.plugin());
  }

  private void bound(QueuedPod q, Profile profile, CycleState state, String node, Status s) {
    Pod pod = q.pod();
    if (s.isSuccess()) {
      queue.done(q);
      writes.event(pod, "Normal", "Scheduled", "Successfully assigned " + name(pod) + " to " + node);
      onBound.accept(pod);
      return;
    }
    cache.forget(pod);
    unreserve(profile, state, pod, node);
    clearNomination(pod);
    // kube's handleBindingCycleError, then handleSchedulingFailure: a rejected pod waits unschedulable
    if (s.isRejected()) {
      LOG.info("pod {} rejected on {}: {}", name(pod), node, s.message());
      queue.unschedulable(q, s.plugin() == null ? Set.of() : Set.of(s.plugin()));
    } else {
      LOG.info("binding {} to {} failed: {}", name(pod), node, s.message());
      queue.retry(q);
    }
    recordFailure(pod, s.isRejected(), s.message());
    kick();
  }

  /**
   * A scheduling cycle that failed with an error (retried after back-off) or with a rejection by the status's plugin
   * (the pod waits for that plugin's events), as kube's {@code handleSchedulingFailure}.
   */
  private Future<Void> failed(QueuedPod q, Status s) {
    Pod pod = q.pod();
    clearNomination(pod);
    if (s.isRejected()) {
      queue.unschedulable(q, s.plugin() == null ? Set.of() : Set.of(s.plugin()));
    } else {
      LOG.info("scheduling {} failed: {}", name(pod), s.message());
      queue.retry(q);
    }
    recordFailure(pod, s.isRejected(), s.message());
    return Future.succeededFuture();
  }

  /**
   * The end of kube 1.32's {@code handleSchedulingFailure}: a {@code FailedScheduling} Event (its note cut to the
   * events API's 1024 characters, as kube's {@code truncateMessage}) and {@code PodScheduled=False} with reason
   * {@code Unschedulable} for a pod turned down, {@code SchedulerError} for any other failure (a plugin's error, a
   * failed binding), and the whole message; the status is written only when the condition changes.
   */
  private void recordFailure(Pod pod, boolean rejected, String message) {
    writes.event(pod, "Warning", "FailedScheduling", truncate(message));
    writes.markNotScheduled(pod, rejected ? "Unschedulable" : "SchedulerError", message);
  }

  /** kube-scheduler's {@code truncateMessage}: at most 1024 characters, a cut one ending in {@code " ..."}. */
  static String truncate(String message) {
    int max = 1024;
    return message.length() <= max ? message : message.substring(0, max - 4) + " ...";
  }

  /**
   * kube 1.32's {@code clearNominatedNode}: a pod that failed otherwise than by not fitting (an error, a Reserve or
   * Permit rejection, a failed binding) loses its nomination, in the nominator and, when it has one, in its
   * {@code status.nominatedNodeName}. A pod that is bound keeps the field as kube 1.32 leaves it (the apiserver
   * clears it at binding only from 1.34's {@code ClearingNominatedNodeNameAfterBinding}).
   */
  private void clearNomination(Pod pod) {
    nominator.remove(pod);
    String nominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    if (nominated != null && !nominated.isEmpty()) {
      writes.nominate(pod, null);
    }
  }

  /** kube's {@code Diagnosis.UnschedulablePlugins}: the plugins that turned the pod down on some node or at PreFilter. */
  static Set<String> rejectors(CycleResult r) {
    Set<String> out = new HashSet<>();
    if (r.preFilter() != null && r.preFilter().plugin() != null) {
      out.add(r.preFilter().plugin());
    }
    for (Status s : r.rejected().values()) {
      if (s.isRejected() && s.plugin() != null) {
        out.add(s.plugin());
      }
    }
    return out;
  }

  private static void unreserve(Profile profile, CycleState state, Pod pod, String node) {
    for (ReservePlugin p : profile.reservePlugins()) {
      try {
        p.unreserve(state, pod, node);
      } catch (RuntimeException e) {
        LOG.warn("unreserve of {} by {} failed: {}", name(pod), p.name(), e.toString());
      }
    }
  }

  private static Status safe(String plugin, java.util.function.Supplier<Status> call) {
    try {
      Status s = call.get();
      return s == null ? Status.error("plugin " + plugin + " returned no status") : s;
    } catch (RuntimeException e) {
      return Status.error(new IllegalStateException("plugin " + plugin + " failed: " + e, e));
    }
  }

  private static Future<Status> stage(java.util.function.Supplier<java.util.concurrent.CompletionStage<Status>> call) {
    try {
      return Future.fromCompletionStage(call.get()).recover(e -> Future.succeededFuture(Status.error(e)));
    } catch (RuntimeException e) {
      return Future.succeededFuture(Status.error(e));
    }
  }

  static String name(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
