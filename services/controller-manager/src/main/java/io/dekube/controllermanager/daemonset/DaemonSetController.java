package io.dekube.controllermanager.daemonset;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Expectations;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.OwnedPodEvents;
import io.dekube.controllermanager.common.Owners;
import io.dekube.controllermanager.common.PodControl;
import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Selectors;
import io.dekube.controllermanager.history.HistoryControl;
import io.dekube.controllermanager.history.Revisions;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * kube's DaemonSet controller: one pod per eligible node (nodeSelector, node affinity, taints
 * against the template's tolerations plus the daemon ones), placed by the default scheduler through
 * a required node affinity on the node's name; pods of nodes that no longer fit or are gone are
 * deleted; ControllerRevisions record each template ({@code controller-revision-hash} on pods);
 * RollingUpdate (maxUnavailable, maxSurge) or OnDelete; failed pods replaced with kube's back-off
 * ({@link FailedPodsBackoff}); status for {@code kubectl get ds} and
 * {@code kubectl rollout status}. Syncs run on the loop's context.
 */
public final class DaemonSetController implements Reconciler {

  /** The component name in events. */
  public static final String COMPONENT = "daemonset-controller";

  private final ControllerContext ctx;
  private final ResourceType dsType;
  private final Lister<DaemonSet> sets;
  private final Lister<Pod> pods;
  private final Lister<Node> nodes;
  private final Expectations expectations;
  private final PodControl podControl;
  private final HistoryControl history;
  private ControllerLoop loop;
  private final FailedPodsBackoff failedPodsBackoff = new FailedPodsBackoff();

  public DaemonSetController(ControllerContext ctx) {
    this.ctx = ctx;
    this.dsType = ctx.type("daemonsets.apps");
    this.sets = ctx.lister("daemonsets.apps", DaemonSet.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.nodes = ctx.lister("nodes", Node.class);
    this.expectations = new Expectations(ctx.clock());
    this.podControl = new PodControl(ctx, COMPONENT, expectations);
    this.history = new HistoryControl(ctx);
  }

  /** The loop: DaemonSets; their pods and revisions; every DaemonSet on a node change. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "daemonset", this, sets.cache(), resync, workers);
    loop.watch(pods.cache(), new OwnedPodEvents("DaemonSet", expectations, loop::enqueue,
        OwnedPodEvents.selecting(sets, o -> o.getSpec().getSelector())));
    loop.watch(history.lister().cache(), r -> {
      ObjectKey k = OwnedPodEvents.ownerKey(r, "DaemonSet");
      return k == null ? List.of() : List.of(k);
    });
    loop.watch(nodes.cache(), n -> sets.list("").stream()
        .map(ds -> new ObjectKey(ds.getMetadata().getNamespace(), ds.getMetadata().getName())).toList());
    return loop;
  }

  /** The expectations (tests). */
  Expectations expectations() {
    return expectations;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    DaemonSet ds = sets.get(key);
    if (ds == null) {
      expectations.forget(key);
      return Future.succeededFuture();
    }
    LabelSelector selector;
    try {
      selector = Selectors.of(ds.getSpec().getSelector());
    } catch (StatusException e) {
      ctx.events().record(COMPONENT, ds, EventRecorder.WARNING, "InvalidSelector", e.getMessage());
      return Future.succeededFuture();
    }
    if (selector.isEverything()) {
      ctx.events().record(COMPONENT, ds, EventRecorder.WARNING, "SelectingAll",
          "This daemon set is selecting all pods. A non-empty selector is required.");
      return Future.succeededFuture();
    }
    List<ControllerRevision> owned = history.owned(ds);
    Integer collisions = ds.getStatus() == null ? null : ds.getStatus().getCollisionCount();
    var template = ds.getSpec().getTemplate();
    Future<HistoryControl.Current> current = Owners.deleting(ds) && !owned.isEmpty()
        ? Future.succeededFuture(new HistoryControl.Current(owned.get(owned.size() - 1), collisions))
        : history.current(ds, template.getMetadata() == null ? null : template.getMetadata().getLabels(),
            Revisions.templatePatch(template), owned, collisions);
    return current.compose(cur -> podControl.claim(ds, selector, pods.list(key.namespace()),
            p -> !(p.getMetadata().getDeletionTimestamp() != null && !Pods.active(p)))
        .compose(claimed -> {
          String hash = Revisions.hashOf(cur.revision());
          DaemonSetPlan plan = new DaemonSetPlan(ds, nodes.list(""), claimed, hash, ctx.clock().instant());
          Future<Void> acted = !expectations.satisfied(key) || Owners.deleting(ds) ? Future.succeededFuture()
              : act(key, ds, plan, hash);
          return acted.transform(ar -> updateStatus(ds, plan.status(), cur.collisionCount())
              .compose(v -> truncate(ds, owned, cur.revision(), claimed))
              .onSuccess(v -> {
                if (plan.waitingForAvailability() && loop != null) {
                  loop.enqueueAfter(key, Duration.ofSeconds(1));
                }
              })
              .compose(v -> ar.succeeded() ? Future.<Void>succeededFuture() : Future.failedFuture(ar.cause())));
        }));
  }

  /**
   * manage (failed pods deleted as their back-off allows, the DaemonSet synced again when the first
   * wait is over), then, when manage had nothing to do, one rolling-update step.
   */
  private Future<Void> act(ObjectKey key, DaemonSet ds, DaemonSetPlan plan, String hash) {
    DaemonSetPlan.Actions managed = plan.manage();
    List<Pod> deletes = new ArrayList<>(managed.deletes());
    Duration retry = null;
    Instant now = ctx.clock().instant();
    for (DaemonSetPlan.FailedPod f : managed.failed()) {
      String backoffKey = FailedPodsBackoff.key(ds.getMetadata().getUid(),
          ds.getStatus() == null ? null : ds.getStatus().getObservedGeneration(), f.node());
      Duration wait = failedPodsBackoff.remaining(backoffKey, now);
      if (wait != null) {
        retry = retry == null || wait.compareTo(retry) < 0 ? wait : retry;
        continue;
      }
      failedPodsBackoff.next(backoffKey, now);
      ctx.events().record(COMPONENT, ds, EventRecorder.WARNING, "FailedDaemonPod", "Found failed daemon pod "
          + ds.getMetadata().getNamespace() + "/" + f.pod().getMetadata().getName() + " on node " + f.node()
          + ", will try to kill it");
      deletes.add(f.pod());
    }
    if (retry != null && loop != null) {
      loop.enqueueAfter(key, retry);
    }
    List<String> createOn = managed.createOn();
    if (createOn.isEmpty() && deletes.isEmpty()) {
      DaemonSetPlan.Actions rolling = plan.rollingUpdateStep();
      createOn = rolling.createOn();
      deletes = rolling.deletes();
    }
    expectations.expect(key, createOn.size(), deletes.size());
    List<Future<?>> writes = new ArrayList<>();
    for (Pod p : deletes) {
      writes.add(podControl.delete(key, ds, p));
    }
    for (String node : createOn) {
      writes.add(podControl.create(key, ds, DaemonPods.forNode(ds, plan.spec(), node, hash)));
    }
    return Future.join(writes).mapEmpty();
  }

  private Future<Void> updateStatus(DaemonSet ds, DaemonSetStatus status, Integer collisionCount) {
    status.setCollisionCount(collisionCount);
    if (Typed.tree(status).equals(ds.getStatus() == null ? null : Typed.tree(ds.getStatus()))) {
      return Future.succeededFuture();
    }
    DaemonSet next = Lister.copy(ds);
    next.setStatus(status);
    return ctx.store().updateStatus(dsType, Typed.tree(next), WriteOptions.none()).mapEmpty();
  }

  /** Keeps revisionHistoryLimit old revisions besides the current one and those live pods run. */
  private Future<Void> truncate(DaemonSet ds, List<ControllerRevision> owned, ControllerRevision cur, List<Pod> claimed) {
    Set<String> live = new java.util.HashSet<>();
    live.add(cur.getMetadata().getName());
    for (Pod p : claimed) {
      String h = Pods.labels(p).get(Revisions.HASH_LABEL);
      if (h != null) {
        live.add(Revisions.name(ds.getMetadata().getName(), h));
      }
    }
    int limit = ds.getSpec().getRevisionHistoryLimit() == null ? 10 : ds.getSpec().getRevisionHistoryLimit();
    return history.truncate(owned, live, limit);
  }

}
