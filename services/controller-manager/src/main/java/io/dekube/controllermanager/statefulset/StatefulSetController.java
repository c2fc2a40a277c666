package io.dekube.controllermanager.statefulset;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Expectations;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.OwnedPodEvents;
import io.dekube.controllermanager.common.Owners;
import io.dekube.controllermanager.common.PodControl;
import io.dekube.controllermanager.common.Selectors;
import io.dekube.controllermanager.history.HistoryControl;
import io.dekube.controllermanager.history.Revisions;
import io.dekube.controllermanager.statefulset.StatefulSetPlan.Rev;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's StatefulSet controller: pods with stable names {@code <set>-<ordinal>} created in order
 * (OrderedReady) or together (Parallel), scaled down from the highest ordinal, rolled from the
 * highest ordinal down to the partition (RollingUpdate) or left for the user to delete (OnDelete);
 * ControllerRevisions for {@code rollout history}/{@code undo}; status with currentRevision and
 * updateRevision for {@code rollout status}. Names are deterministic, so a create the informer has
 * not shown yet fails with AlreadyExists instead of doubling a pod. Syncs run on the loop's context.
 */
public final class StatefulSetController implements Reconciler {

  /** The component name in events. */
  public static final String COMPONENT = "statefulset-controller";

  private final ControllerContext ctx;
  private final ResourceType stsType;
  private final Lister<StatefulSet> sets;
  private final Lister<Pod> pods;
  private final ResourceType claimType;
  private final Lister<PersistentVolumeClaim> claims;
  private final Expectations expectations;
  private final PodControl podControl;
  private final HistoryControl history;
  private ControllerLoop loop;

  public StatefulSetController(ControllerContext ctx) {
    this.ctx = ctx;
    this.stsType = ctx.type("statefulsets.apps");
    this.sets = ctx.lister("statefulsets.apps", StatefulSet.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.claimType = ctx.type("persistentvolumeclaims");
    this.claims = ctx.lister("persistentvolumeclaims", PersistentVolumeClaim.class);
    this.expectations = new Expectations(ctx.clock());
    this.podControl = new PodControl(ctx, COMPONENT, expectations);
    this.history = new HistoryControl(ctx);
  }

  /** The loop: StatefulSets, their pods and their revisions. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "statefulset", this, sets.cache(), resync, workers);
    loop.watch(pods.cache(), new OwnedPodEvents("StatefulSet", expectations, loop::enqueue,
        OwnedPodEvents.selecting(sets, o -> o.getSpec().getSelector())));
    loop.watch(history.lister().cache(), r -> {
      ObjectKey k = OwnedPodEvents.ownerKey(r, "StatefulSet");
      return k == null ? List.of() : List.of(k);
    });
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    StatefulSet set = sets.get(key);
    if (set == null) {
      expectations.forget(key);
      return Future.succeededFuture();
    }
    LabelSelector selector;
    try {
      selector = Selectors.of(set.getSpec().getSelector());
    } catch (StatusException e) {
      ctx.events().record(COMPONENT, set, EventRecorder.WARNING, "InvalidSelector", e.getMessage());
      return Future.succeededFuture();
    }
    if (selector.isEverything()) {
      ctx.events().record(COMPONENT, set, EventRecorder.WARNING, "SelectingAll",
          "This statefulset is selecting all pods. A non-empty selector is required.");
      return Future.succeededFuture();
    }
    List<ControllerRevision> owned = history.owned(set);
    Integer collisions = set.getStatus() == null ? null : set.getStatus().getCollisionCount();
    var template = set.getSpec().getTemplate();
    return history.current(set, template.getMetadata() == null ? null : template.getMetadata().getLabels(),
            Revisions.templatePatch(template), owned, collisions)
        .compose(cur -> podControl.claim(set, selector, pods.list(key.namespace()), p -> true)
            .compose(claimed -> reconcile(key, set, owned, cur, claimed)));
  }

  private Future<Void> reconcile(ObjectKey key, StatefulSet set, List<ControllerRevision> owned,
                                 HistoryControl.Current cur, List<Pod> claimed) {
    Rev update = new Rev(cur.revision().getMetadata().getName(), set.getSpec().getTemplate());
    Rev current = currentRevision(set, owned, update);
    var now = ctx.clock().instant();
    Future<Void> acted = Owners.deleting(set) ? Future.succeededFuture()
        : act(key, set, StatefulSetPlan.plan(set, current, update, claimed, now));
    return acted.transform(ar -> updateStatus(set, StatefulSetPlan.status(set, current, update, claimed,
            cur.collisionCount(), now))
        .compose(v -> truncate(set, owned, current, update, claimed))
        .compose(v -> deleteCondemnedClaims(set))
        .compose(v -> ar.succeeded() ? Future.<Void>succeededFuture() : Future.failedFuture(ar.cause())));
  }

  /** The revision of {@code status.currentRevision} when it still exists, else the update revision. */
  private static Rev currentRevision(StatefulSet set, List<ControllerRevision> owned, Rev update) {
    String name = set.getStatus() == null ? null : set.getStatus().getCurrentRevision();
    if (name != null && !name.equals(update.name())) {
      for (ControllerRevision r : owned) {
        if (name.equals(r.getMetadata().getName())) {
          var t = Revisions.template(r);
          return t == null ? update : new Rev(name, t);
        }
      }
    }
    return update;
  }

  private Future<Void> act(ObjectKey key, StatefulSet set, StatefulSetPlan plan) {
    List<Future<?>> writes = new ArrayList<>();
    for (Pod p : plan.deletes()) {
      writes.add(podControl.delete(key, set, p));
    }
    for (Pod p : plan.creates()) {
      writes.add(createClaims(set, p).compose(v -> podControl.create(key, set, p)));
    }
    return Future.join(writes).mapEmpty();
  }

  /** The pod's claims that do not exist yet, before the pod (kube's {@code createPersistentVolumeClaims}). */
  private Future<Void> createClaims(StatefulSet set, Pod pod) {
    List<Future<?>> creates = new ArrayList<>();
    for (PersistentVolumeClaim c : StatefulPods.claims(set, StatefulPods.ordinal(set, pod))) {
      String ns = set.getMetadata().getNamespace();
      if (claims.get(ns, c.getMetadata().getName()) != null) {
        continue;
      }
      String what = "Claim " + c.getMetadata().getName() + " Pod " + pod.getMetadata().getName() + " in StatefulSet "
          + set.getMetadata().getName();
      creates.add(ctx.store().create(claimType, ns, Typed.tree(c), WriteOptions.none())
          .onSuccess(o -> ctx.events().record(COMPONENT, set, EventRecorder.NORMAL, "SuccessfulCreate",
              "create " + what + " success"))
          .recover(e -> {
            if (e instanceof StatusException se && se.code() == 409) {
              return Future.succeededFuture();
            }
            ctx.events().record(COMPONENT, set, EventRecorder.WARNING, "FailedCreate",
                "create " + what + " failed error: " + e.getMessage());
            return Future.failedFuture(e);
          }));
    }
    return Future.all(creates).mapEmpty();
  }

  /** whenScaled: Delete — the claims of ordinals scaled away, once their pods are gone. */
  private Future<Void> deleteCondemnedClaims(StatefulSet set) {
    String ns = set.getMetadata().getNamespace();
    Set<String> live = new HashSet<>();
    pods.list(ns).forEach(p -> live.add(p.getMetadata().getName()));
    List<Future<?>> deletes = new ArrayList<>();
    for (PersistentVolumeClaim c : StatefulPods.condemnedClaims(set, claims.list(ns), live)) {
      deletes.add(ctx.store().delete(claimType, ns, c.getMetadata().getName(),
              WriteOptions.none().withUid(c.getMetadata().getUid()))
          .onSuccess(o -> ctx.events().record(COMPONENT, set, EventRecorder.NORMAL, "SuccessfulDelete",
              "delete Claim " + c.getMetadata().getName() + " in StatefulSet " + set.getMetadata().getName() + " success"))
          .recover(e -> e instanceof StatusException se && (se.code() == 404 || se.code() == 409)
              ? Future.succeededFuture() : Future.failedFuture(e)));
    }
    return Future.all(deletes).mapEmpty();
  }

  private Future<Void> updateStatus(StatefulSet set, StatefulSetStatus status) {
    requeueForAvailability(set, status);
    if (Typed.tree(status).equals(set.getStatus() == null ? null : Typed.tree(set.getStatus()))) {
      return Future.succeededFuture();
    }
    StatefulSet next = Lister.copy(set);
    next.setStatus(status);
    return ctx.store().updateStatus(stsType, Typed.tree(next), WriteOptions.none()).mapEmpty();
  }

  /**
   * Ready pods become available only once they have been ready for {@code minReadySeconds}, and no pod event says
   * when: sync again then, as kube's controller does, so that the status counts them and OrderedReady goes on.
   */
  private void requeueForAvailability(StatefulSet set, StatefulSetStatus status) {
    Integer min = set.getSpec().getMinReadySeconds();
    if (min != null && min > 0 && loop != null
        && !java.util.Objects.equals(status.getReadyReplicas(), status.getAvailableReplicas())) {
      loop.enqueueAfter(new ObjectKey(set.getMetadata().getNamespace(), set.getMetadata().getName()),
          Duration.ofSeconds(min));
    }
  }

  private Future<Void> truncate(StatefulSet set, List<ControllerRevision> owned, Rev current, Rev update,
                                List<Pod> claimed) {
    Set<String> live = new HashSet<>(List.of(current.name(), update.name()));
    claimed.forEach(p -> live.add(StatefulPods.revision(p)));
    int limit = set.getSpec().getRevisionHistoryLimit() == null ? 10 : set.getSpec().getRevisionHistoryLimit();
    return history.truncate(owned, live, limit);
  }

}
