package io.dekube.controllermanager.podautoscaler;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.vertx.core.Future;

/**
 * The scale subresource of an HPA's target as the controller uses it: the kinds of {@code apps/v1}
 * that have one (Deployment, ReplicaSet, StatefulSet) and core/v1 ReplicationControllers (whose
 * selector map is the Scale's selector), their replicas and selector, and a write of
 * a new replica count with the read object's resourceVersion as precondition (a concurrent change
 * is a conflict, retried at the next sync).
 */
final class ScaleTarget {

  /** A target found: its object, current replicas and pod selector. */
  record Found(HasMetadata object, ResourceType type, int replicas, LabelSelector selector) {
  }

  private final ControllerContext ctx;
  private final Lister<Deployment> deployments;
  private final Lister<ReplicaSet> replicaSets;
  private final Lister<StatefulSet> statefulSets;
  private final Lister<ReplicationController> replicationControllers;

  ScaleTarget(ControllerContext ctx) {
    this.ctx = ctx;
    this.deployments = ctx.lister("deployments.apps", Deployment.class);
    this.replicaSets = ctx.lister("replicasets.apps", ReplicaSet.class);
    this.statefulSets = ctx.lister("statefulsets.apps", StatefulSet.class);
    this.replicationControllers = ctx.lister("replicationcontrollers", ReplicationController.class);
  }

  /** The listers' caches, to watch. */
  java.util.List<io.dekube.core.informer.ObjectCache> caches() {
    return java.util.List.of(deployments.cache(), replicaSets.cache(), statefulSets.cache(),
        replicationControllers.cache());
  }

  /**
   * The target, or null when it does not exist; throws IllegalArgumentException for a kind without a
   * scale subresource here.
   */
  Found find(String namespace, CrossVersionObjectReference ref) {
    String group = ref.getApiVersion() == null || !ref.getApiVersion().contains("/") ? ""
        : ref.getApiVersion().substring(0, ref.getApiVersion().indexOf('/'));
    if (group.isEmpty() && "ReplicationController".equals(ref.getKind())) {
      return found(replicationControllers.get(namespace, ref.getName()), "replicationcontrollers",
          rc -> rc.getSpec().getReplicas(), rc -> new LabelSelectorBuilder().withMatchLabels(rc.getSpec().getSelector())
              .build());
    }
    if (!group.equals("apps") && !group.equals("extensions")) {
      throw new IllegalArgumentException("the HPA controller was unable to get the target's current scale: no "
          + "matches for kind \"" + ref.getKind() + "\" in group \"" + group + "\"");
    }
    return switch (ref.getKind()) {
      case "Deployment" -> found(deployments.get(namespace, ref.getName()), "deployments.apps",
          d -> d.getSpec().getReplicas(), d -> d.getSpec().getSelector());
      case "ReplicaSet" -> found(replicaSets.get(namespace, ref.getName()), "replicasets.apps",
          r -> r.getSpec().getReplicas(), r -> r.getSpec().getSelector());
      case "StatefulSet" -> found(statefulSets.get(namespace, ref.getName()), "statefulsets.apps",
          s -> s.getSpec().getReplicas(), s -> s.getSpec().getSelector());
      default -> throw new IllegalArgumentException("the HPA controller was unable to get the target's current "
          + "scale: no matches for kind \"" + ref.getKind() + "\" in group \"" + group + "\"");
    };
  }

  /** The resource of a target as kube's messages name it: {@code deployments.apps}, {@code replicationcontrollers}. */
  static String resourceOf(CrossVersionObjectReference ref) {
    return "ReplicationController".equals(ref.getKind()) ? "replicationcontrollers"
        : ref.getKind().toLowerCase() + "s.apps";
  }

  private <T extends HasMetadata> Found found(T obj, String resource, java.util.function.Function<T, Integer> replicas,
                                              java.util.function.Function<T, LabelSelector> selector) {
    if (obj == null) {
      return null;
    }
    Integer r = replicas.apply(obj);
    return new Found(obj, ctx.type(resource), r == null ? 1 : r, selector.apply(obj));
  }

  /** Writes {@code replicas} into the target (its resourceVersion as precondition). */
  Future<Void> scale(Found target, int replicas) {
    com.fasterxml.jackson.databind.node.ObjectNode tree = Typed.tree(target.object());
    tree.with("spec").put("replicas", replicas);
    return ctx.store().update(target.type(), tree, WriteOptions.none()).mapEmpty();
  }
}
