package io.dekube.controllermanager.disruption;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Owners;
import io.dekube.controllermanager.podautoscaler.ScaleTarget;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code getExpectedScale}: the summed scale of the controllers that own the selected pods, each
 * counted once. As kube's finders: a ReplicaSet controlled by a Deployment counts as the Deployment;
 * any other controller counts by its {@code /scale} ({@code getScaleController}, read as the HPA reads
 * it: {@link ScaleTarget} — Deployments, ReplicaSets, StatefulSets, ReplicationControllers and custom
 * resources whose CRD has the scale subresource), when the Scale's uid is the reference's. Pods
 * without a controller are "unmanaged". The count fails with kube's words: a kind the cluster does not
 * know ({@code no matches for kind "X" in group "g"}), one without {@code /scale}
 * ({@code jobs.batch does not implement the scale subresource}, so a budget with maxUnavailable over a
 * Job's or a DaemonSet's pods is SyncFailed as in kube), or a controller that is gone or another
 * object of its name ({@code found no controllers for pod "p"}).
 */
final class ExpectedScale {

  /** The summed scale, the names of unmanaged pods, and the error when a controller is missing. */
  record Result(int scale, List<String> unmanaged, String error) {
  }

  /** A controller's uid and replicas (kube's controllerAndScale). */
  private record Scale(String uid, int replicas) {
  }

  private final ControllerContext ctx;
  private final Lister<ReplicaSet> replicaSets;
  private final Lister<Deployment> deployments;
  private final ScaleTarget scales;

  ExpectedScale(ControllerContext ctx) {
    this.ctx = ctx;
    this.replicaSets = ctx.lister("replicasets.apps", ReplicaSet.class);
    this.deployments = ctx.lister("deployments.apps", Deployment.class);
    this.scales = new ScaleTarget(ctx);
  }

  Future<Result> of(List<Pod> pods) {
    return next(pods, 0, new HashMap<>(), new HashSet<>(), new ArrayList<>());
  }

  /** Pod by pod, in order, as kube's loop (the first failing one ends the count). */
  private Future<Result> next(List<Pod> pods, int i, Map<String, Integer> byController, Set<String> seen,
                              List<String> unmanaged) {
    if (i == pods.size()) {
      return Future.succeededFuture(new Result(byController.values().stream().mapToInt(Integer::intValue).sum(),
          unmanaged, null));
    }
    Pod p = pods.get(i);
    OwnerReference ref = Owners.controllerOf(p.getMetadata());
    if (ref == null) {
      unmanaged.add(p.getMetadata().getName());
      return next(pods, i + 1, byController, seen, unmanaged);
    }
    if (seen.contains(ref.getUid())) {
      return next(pods, i + 1, byController, seen, unmanaged);
    }
    return controller(p.getMetadata().getNamespace(), ref).transform(ar -> {
      if (ar.failed()) {
        return Future.succeededFuture(new Result(0, unmanaged, ar.cause().getMessage()));
      }
      if (ar.result() == null) {
        return Future.succeededFuture(new Result(0, unmanaged,
            "found no controllers for pod \"" + p.getMetadata().getName() + "\""));
      }
      // kube notes the reference's uid as known but counts the scale under the controller's (a Deployment's
      // two ReplicaSets during a rollout count the Deployment once)
      seen.add(ref.getUid());
      byController.put(ar.result().uid(), ar.result().replicas());
      return next(pods, i + 1, byController, seen, unmanaged);
    });
  }

  /** The scale that counts for a controller reference; null when there is none (gone, another uid). */
  private Future<Scale> controller(String ns, OwnerReference ref) {
    if ("ReplicaSet".equals(ref.getKind()) && "apps".equals(group(ref.getApiVersion()))) {
      ReplicaSet rs = replicaSets.get(ns, ref.getName());
      OwnerReference up = rs == null || !Objects.equals(ref.getUid(), rs.getMetadata().getUid()) ? null
          : Owners.controllerOf(rs.getMetadata());
      if (up != null && "Deployment".equals(up.getKind())) {
        Deployment d = deployments.get(ns, up.getName());
        if (d != null && Objects.equals(up.getUid(), d.getMetadata().getUid())) {
          Integer r = d.getSpec().getReplicas();
          return Future.succeededFuture(new Scale(d.getMetadata().getUid(), r == null ? 1 : r));
        }
      }
    }
    CrossVersionObjectReference target = new CrossVersionObjectReference(ref.getApiVersion(), ref.getKind(),
        ref.getName());
    return scales.find(ns, target).transform(ar -> {
      if (ar.succeeded()) {
        ScaleTarget.Found f = ar.result();
        return Future.succeededFuture(Objects.equals(ref.getUid(), f.uid()) ? new Scale(f.uid(), f.replicas())
            : null);
      }
      ResourceType type = ctx.registry().byGroupKind(group(ref.getApiVersion()), ref.getKind()).orElse(null);
      if (type == null || !(ar.cause() instanceof ScaleTarget.ScaleError)) {
        return Future.failedFuture(ar.cause());
      }
      if (!scales.implementsScale(type)) {
        return Future.failedFuture(type.resourceName() + " does not implement the scale subresource");
      }
      return Future.succeededFuture(null);
    });
  }

  private static String group(String apiVersion) {
    return apiVersion != null && apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
  }
}
