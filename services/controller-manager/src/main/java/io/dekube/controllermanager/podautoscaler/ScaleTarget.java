package io.dekube.controllermanager.podautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Selectors;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.Json;
import io.dekube.core.model.ScaleObjects;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * The scale subresource of an HPA's target as kube's scale client reads and writes it: the kind is
 * mapped to its resource (kube's RESTMapper: {@code no matches for kind "X" in group "g"}); a resource
 * without a {@code /scale} fails as the apiserver answers it; the Scale is {@code spec.replicas},
 * {@code status.replicas} and {@code status.selector} — of {@code apps/v1} Deployments, ReplicaSets,
 * StatefulSets and core/v1 ReplicationControllers from the informers' caches, of a custom resource
 * read from the store at its CRD's {@code specReplicasPath}, {@code statusReplicasPath} and
 * {@code labelSelectorPath} (kube's {@code scaleFromCustomResource}: missing replicas are 0). A new
 * count is written as the Scale is, through the {@code scale} subresource with the read
 * resourceVersion as precondition (a concurrent change is a conflict, retried at the next sync). The
 * disruption controller reads its pods' controllers' scale here too (kube's {@code getScaleController}).
 */
public final class ScaleTarget {

  /**
   * A target's Scale.
   *
   * @param selector the pod selector (kube's {@code status.selector}); null when the Scale has none; throws
   *                 {@code StatusException} when it cannot be parsed
   * @param statusReplicas the Scale's {@code status.replicas} (0 when not reported yet)
   * @param replicasPath where the replicas are written ({@code .spec.replicas} for built-in kinds)
   * @param uid the scaled object's uid (the Scale's {@code metadata.uid})
   */
  public record Found(ResourceType type, String namespace, String name, String resourceVersion, int replicas,
                      int statusReplicas, java.util.function.Supplier<LabelSelector> selector, String replicasPath,
                      String uid) {
  }

  /** Why the Scale could not be read, in the words of kube's RESTMapper or scale client. */
  public static final class ScaleError extends Exception {
    ScaleError(String message) {
      super(message);
    }
  }

  private final ControllerContext ctx;
  private final Lister<Deployment> deployments;
  private final Lister<ReplicaSet> replicaSets;
  private final Lister<StatefulSet> statefulSets;
  private final Lister<ReplicationController> replicationControllers;

  public ScaleTarget(ControllerContext ctx) {
    this.ctx = ctx;
    this.deployments = ctx.lister("deployments.apps", Deployment.class);
    this.replicaSets = ctx.lister("replicasets.apps", ReplicaSet.class);
    this.statefulSets = ctx.lister("statefulsets.apps", StatefulSet.class);
    this.replicationControllers = ctx.lister("replicationcontrollers", ReplicationController.class);
  }

  /** The target's Scale; fails with a {@link ScaleError} saying why there is none. */
  public Future<Found> find(String namespace, CrossVersionObjectReference ref) {
    String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
    if (apiVersion.chars().filter(c -> c == '/').count() > 1) {
      return Future.failedFuture(new ScaleError("unexpected GroupVersion string: " + apiVersion));
    }
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    ResourceType type = ctx.registry().byGroupKind(group, ref.getKind()).orElse(null);
    if (type == null) {
      return Future.failedFuture(new ScaleError("no matches for kind \"" + ref.getKind() + "\" in group \"" + group
          + "\""));
    }
    String name = ref.getName();
    CustomKind custom = ctx.registry().custom(type.resourceName()).orElse(null);
    if (custom != null) {
      return custom(namespace, name, type, custom);
    }
    Found found = switch (type.resourceName()) {
      case "deployments.apps" -> builtIn(deployments.get(namespace, name), type, d -> d.getSpec().getReplicas(),
          d -> d.getStatus() == null ? null : d.getStatus().getReplicas(), d -> Selectors.of(d.getSpec().getSelector()));
      case "replicasets.apps" -> builtIn(replicaSets.get(namespace, name), type, r -> r.getSpec().getReplicas(),
          r -> r.getStatus() == null ? null : r.getStatus().getReplicas(), r -> Selectors.of(r.getSpec().getSelector()));
      case "statefulsets.apps" -> builtIn(statefulSets.get(namespace, name), type, s -> s.getSpec().getReplicas(),
          s -> s.getStatus() == null ? null : s.getStatus().getReplicas(), s -> Selectors.of(s.getSpec().getSelector()));
      case "replicationcontrollers" -> builtIn(replicationControllers.get(namespace, name), type,
          rc -> rc.getSpec().getReplicas(), rc -> rc.getStatus() == null ? null : rc.getStatus().getReplicas(),
          rc -> rc.getSpec().getSelector() == null
              || rc.getSpec().getSelector().isEmpty() ? null
              : Selectors.of(new LabelSelectorBuilder().withMatchLabels(rc.getSpec().getSelector()).build()));
      default -> null;
    };
    if (found == null && !hasScale(type)) {
      // kube-apiserver has no route for .../<name>/scale; the scale client reports the 404 generically
      return Future.failedFuture(new ScaleError("the server could not find the requested resource (get "
          + type.plural() + " " + name + ")"));
    }
    return found == null ? Future.failedFuture(new ScaleError(notFound(type, name))) : Future.succeededFuture(found);
  }

  /**
   * Whether the resource has a {@code /scale} subresource (kube's discovery lists {@code <resource>/scale}):
   * the four built-in scalable kinds and custom resources whose CRD declares one.
   */
  public boolean implementsScale(ResourceType type) {
    CustomKind custom = ctx.registry().custom(type.resourceName()).orElse(null);
    return custom != null ? custom.storage().scale() != null : hasScale(type);
  }

  private static boolean hasScale(ResourceType type) {
    return java.util.List.of("deployments.apps", "replicasets.apps", "statefulsets.apps", "replicationcontrollers")
        .contains(type.resourceName());
  }

  private static String notFound(ResourceType type, String name) {
    return type.resourceName() + " \"" + name + "\" not found";
  }

  private <T extends HasMetadata> Found builtIn(T obj, ResourceType type, Function<T, Integer> replicas,
                                                Function<T, Integer> statusReplicas,
                                                Function<T, LabelSelector> selector) {
    if (obj == null) {
      return null;
    }
    Integer r = replicas.apply(obj);
    Integer s = statusReplicas.apply(obj);
    return new Found(type, obj.getMetadata().getNamespace(), obj.getMetadata().getName(),
        obj.getMetadata().getResourceVersion(), r == null ? 1 : r, s == null ? 0 : s, () -> selector.apply(obj),
        ".spec.replicas", obj.getMetadata().getUid());
  }

  /** A custom resource's Scale, read from the store as the apiserver's scale subresource reads it. */
  private Future<Found> custom(String namespace, String name, ResourceType type, CustomKind kind) {
    CustomKind.Scale paths = kind.storage().scale();
    if (paths == null) {
      // the CRD's handler answers a scale request without the subresource with NotFound
      return Future.failedFuture(new ScaleError(notFound(type, name)));
    }
    return ctx.store().get(type, namespace, name).recover(e -> Future.failedFuture(
        e instanceof StatusException se && se.code() == 404 ? new ScaleError(notFound(type, name)) : e))
        .compose(cr -> {
          JsonNode spec = at(cr, paths.specReplicasPath());
          JsonNode status = paths.statusReplicasPath() == null ? null : at(cr, paths.statusReplicasPath());
          JsonNode selector = paths.labelSelectorPath() == null || paths.labelSelectorPath().isEmpty() ? null
              : at(cr, paths.labelSelectorPath());
          String text = selector != null && selector.isTextual() ? selector.asText() : "";
          return Future.succeededFuture(new Found(type, namespace, name,
              cr.path("metadata").path("resourceVersion").asText(null), spec == null ? 0 : spec.asInt(0),
              status == null ? 0 : status.asInt(0), () -> text.isEmpty() ? null : LabelSelector.parse(text), paths.specReplicasPath(),
              cr.path("metadata").path("uid").asText(null)));
        });
  }

  /** The value at a {@code .a.b} path, or null. */
  private static JsonNode at(JsonNode root, String path) {
    JsonNode n = root;
    for (String f : path.substring(1).split("\\.")) {
      n = n == null ? null : n.get(f);
    }
    return n == null || n.isNull() ? null : n;
  }

  /** Writes {@code replicas} through the target's scale subresource (its resourceVersion as precondition). */
  Future<Void> scale(Found target, int replicas) {
    return ctx.store().patch(target.type(), target.namespace(), target.name(), Patches.MERGE,
        ScaleObjects.replicasPatch(target.replicasPath(), replicas),
        WriteOptions.none().withSubresource("scale").withResourceVersion(target.resourceVersion())).mapEmpty();
  }
}
