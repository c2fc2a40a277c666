package io.dekube.controllermanager.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Owners;
import io.dekube.controllermanager.common.Selectors;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's Deployment controller: owns ReplicaSets named {@code <deployment>-<pod-template-hash>},
 * rolls out template changes (RollingUpdate within maxSurge/maxUnavailable, or Recreate), scales
 * proportionally, keeps revisionHistoryLimit old ReplicaSets, honours pause, and writes status with
 * the Available and Progressing conditions {@code kubectl rollout status} reads. Each sync does one
 * step of writes; the ReplicaSet changes it causes bring the next sync. Syncs run on the loop's
 * context.
 */
public final class DeploymentController implements Reconciler {

  /** The component name in events. */
  public static final String COMPONENT = "deployment-controller";

  final ControllerContext ctx;
  final ResourceType deployType;
  final ResourceType rsType;
  final Lister<Deployment> deployments;
  final Lister<ReplicaSet> sets;
  final Lister<Pod> pods;
  ControllerLoop loop;

  public DeploymentController(ControllerContext ctx) {
    this.ctx = ctx;
    this.deployType = ctx.type("deployments.apps");
    this.rsType = ctx.type("replicasets.apps");
    this.deployments = ctx.lister("deployments.apps", Deployment.class);
    this.sets = ctx.lister("replicasets.apps", ReplicaSet.class);
    this.pods = ctx.lister("pods", Pod.class);
  }

  /** The loop: Deployments, and ReplicaSets and pods mapped to their owning Deployment. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "deployment", this, deployments.cache(), resync, workers);
    loop.watch(sets.cache(), rs -> owner(rs, "Deployment"));
    loop.watch(pods.cache(), this::podOwner);
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Deployment d = deployments.get(key);
    if (d == null) {
      return Future.succeededFuture();
    }
    LabelSelector selector;
    try {
      selector = Selectors.of(d.getSpec().getSelector());
    } catch (StatusException e) {
      ctx.events().record(COMPONENT, d, EventRecorder.WARNING, "InvalidSelector", e.getMessage());
      return Future.succeededFuture();
    }
    if (selector.isEverything()) {
      ctx.events().record(COMPONENT, d, EventRecorder.WARNING, "SelectingAll",
          "This deployment is selecting all pods. A non-empty selector is required.");
      return Future.succeededFuture();
    }
    return claimReplicaSets(d, selector).compose(rsList -> {
      Rollout r = new Rollout(this, Lister.copy(d), rsList);
      if (Owners.deleting(d)) {
        return r.syncStatusOnly();
      }
      if (r.pausedConditionChanged()) {
        return r.writeStatus(r.deployment().getStatus());
      }
      if (Boolean.TRUE.equals(d.getSpec().getPaused()) || r.isScalingEvent()) {
        return r.scaleOnly();
      }
      return DeploymentUtil.rolling(d) ? r.rolling() : r.recreate();
    });
  }

  /** kube's {@code ClaimReplicaSets}: adopt matching orphans, release owned ones that stop matching. */
  private Future<List<ReplicaSet>> claimReplicaSets(Deployment d, LabelSelector selector) {
    List<ReplicaSet> owned = new ArrayList<>();
    List<Future<?>> patches = new ArrayList<>();
    for (ReplicaSet rs : sets.list(d.getMetadata().getNamespace())) {
      OwnerReference ref = Owners.controllerOf(rs.getMetadata());
      boolean matches = selector.matches(io.dekube.controllermanager.common.Pods.labels(rs));
      if (ref != null) {
        if (!ref.getUid().equals(d.getMetadata().getUid())) {
          continue;
        }
        if (matches) {
          owned.add(rs);
        } else if (!Owners.deleting(d)) {
          patches.add(patchRs(rs, Patches.MERGE, Owners.releasePatch(rs.getMetadata(), d)));
        }
      } else if (matches && !Owners.deleting(d) && !Owners.deleting(rs)) {
        owned.add(rs);
        patches.add(patchRs(rs, Patches.STRATEGIC_MERGE, Owners.adoptPatch(d)));
      }
    }
    return Future.join(patches).map(owned).recover(e -> Future.succeededFuture(owned));
  }

  private Future<ObjectNode> patchRs(ReplicaSet rs, String type, ObjectNode patch) {
    return ctx.store().patch(rsType, rs.getMetadata().getNamespace(), rs.getMetadata().getName(), type, patch,
        WriteOptions.none().withUid(rs.getMetadata().getUid()));
  }

  /** Requeues a deployment (deadline checks). */
  void enqueueAfter(Deployment d, Duration delay) {
    if (loop != null) {
      loop.enqueueAfter(new ObjectKey(d.getMetadata().getNamespace(), d.getMetadata().getName()), delay);
    }
  }

  private List<ObjectKey> podOwner(ObjectNode pod) {
    List<ObjectKey> rsKeys = owner(pod, "ReplicaSet");
    List<ObjectKey> out = new ArrayList<>();
    for (ObjectKey k : rsKeys) {
      ObjectNode rs = sets.cache().get(k);
      if (rs != null) {
        out.addAll(owner(rs, "Deployment"));
      }
    }
    return out;
  }

  private static List<ObjectKey> owner(ObjectNode obj, String kind) {
    for (var ref : obj.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false) && kind.equals(ref.path("kind").asText())) {
        return List.of(new ObjectKey(obj.path("metadata").path("namespace").asText(), ref.path("name").asText()));
      }
    }
    return List.of();
  }

  /** The tree to write for a typed object. */
  static ObjectNode tree(Object o) {
    return Typed.tree(o);
  }
}
