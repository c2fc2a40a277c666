package io.dekube.controllermanager.ephemeral;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.PodClaims;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimTemplate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's ephemeral volume controller ({@code pkg/controller/volume/ephemeral}): for each generic ephemeral volume
 * of a pod that is not being deleted ({@code ephemeral.volumeClaimTemplate}) it creates the PersistentVolumeClaim
 * {@code <pod>-<volume>} with the template's labels, annotations and spec and the pod as its controller
 * ({@code blockOwnerDeletion}), so the garbage collector deletes it with the pod. A claim of that name the pod does
 * not control is left alone: a {@code FailedBinding} Event {@code ephemeral volume <v>: PVC ns/name was not created
 * for pod ns/pod (pod is not owner)} and the pod is synced again with back-off (the scheduler and the kubelet refuse
 * that claim too). A claim deleted while its pod lives is created again. Syncs run on the loop's context.
 */
public final class EphemeralVolumeController implements Reconciler {

  static final String COMPONENT = "ephemeral_volume";
  private static final Logger LOG = LoggerFactory.getLogger(EphemeralVolumeController.class);

  private final ControllerContext ctx;
  private final ResourceType claimType;
  private final Lister<Pod> pods;
  private final Lister<PersistentVolumeClaim> claims;

  public EphemeralVolumeController(ControllerContext ctx) {
    this.ctx = ctx;
    this.claimType = ctx.type("persistentvolumeclaims");
    this.pods = ctx.lister("pods", Pod.class);
    this.claims = ctx.lister("persistentvolumeclaims", PersistentVolumeClaim.class);
  }

  /** The loop over pods, woken by a change of a claim one of them would use for an ephemeral volume. */
  public ControllerLoop loop(Duration resync, int workers) {
    return new ControllerLoop(ctx.vertx(), "ephemeral-volume", this, pods.cache(), resync, workers)
        .watch(claims.cache(), claim -> {
          String ns = claim.path("metadata").path("namespace").asText();
          String name = claim.path("metadata").path("name").asText();
          List<ObjectKey> keys = new ArrayList<>();
          for (Pod p : pods.list(ns)) {
            if (PodClaims.of(p).stream().anyMatch(c -> c.ephemeral() && c.claimName().equals(name))) {
              keys.add(new ObjectKey(ns, p.getMetadata().getName()));
            }
          }
          return keys;
        });
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Pod pod = pods.get(key);
    if (pod == null || pod.getMetadata().getDeletionTimestamp() != null || pod.getSpec() == null
        || pod.getSpec().getVolumes() == null) {
      return Future.succeededFuture();
    }
    Future<Void> chain = Future.succeededFuture();
    for (Volume v : pod.getSpec().getVolumes()) {
      if (v.getEphemeral() != null && v.getEphemeral().getVolumeClaimTemplate() != null) {
        chain = chain.compose(x -> volume(pod, v).recover(e -> {
          ctx.events().record(COMPONENT, pod, EventRecorder.WARNING, "FailedBinding",
              "ephemeral volume " + v.getName() + ": " + e.getMessage());
          return Future.failedFuture("pod " + key + ", ephemeral volume " + v.getName() + ": " + e.getMessage());
        }));
      }
    }
    return chain;
  }

  /** Creates the volume's claim unless it is there; fails when one is there that the pod does not control. */
  private Future<Void> volume(Pod pod, Volume v) {
    String ns = pod.getMetadata().getNamespace();
    String name = PodClaims.ephemeralName(pod.getMetadata().getName(), v.getName());
    PersistentVolumeClaim existing = claims.get(ns, name);
    if (existing != null) {
      String notOwned = PodClaims.notForPod(pod, existing.getMetadata());
      return notOwned == null ? Future.succeededFuture() : Future.failedFuture(notOwned);
    }
    PersistentVolumeClaim claim = claimFor(pod, v);
    LOG.info("ephemeral-volume: creating PersistentVolumeClaim {}/{} for pod {}", ns, name, pod.getMetadata().getName());
    return ctx.store().create(claimType, ns, Typed.tree(claim), WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 409
            ? Future.succeededFuture() // made meanwhile: its informer event syncs the pod again and checks its owner
            : Future.failedFuture("create PVC " + name + ": " + e.getMessage()));
  }

  /** The claim kube makes for a pod's generic ephemeral volume. Pure. */
  static PersistentVolumeClaim claimFor(Pod pod, Volume v) {
    PersistentVolumeClaimTemplate t = v.getEphemeral().getVolumeClaimTemplate();
    var meta = t.getMetadata();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(PodClaims.ephemeralName(pod.getMetadata().getName(), v.getName()))
        .withNamespace(pod.getMetadata().getNamespace())
        .withLabels(meta == null ? null : meta.getLabels())
        .withAnnotations(meta == null ? null : meta.getAnnotations())
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Pod")
            .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).withController(true)
            .withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withSpec(Typed.from(Typed.tree(t.getSpec()), io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec.class))
        .build();
  }
}
