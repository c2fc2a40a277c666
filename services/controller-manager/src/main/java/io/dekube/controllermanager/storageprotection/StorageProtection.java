package io.dekube.controllermanager.storageprotection;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.PodClaims;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's pvc-protection and pv-protection controllers: the writer's StorageObjectInUseProtection
 * admission puts {@value #PVC_FINALIZER} on every new claim and {@value #PV_FINALIZER} on every new
 * volume; once one is being deleted, the finalizer goes when nothing uses it any more — a claim when
 * no pod of its namespace that has not finished names it (or has the generic ephemeral volume it was
 * made for), a volume when it is not Bound. Until then it stays, Terminating. Syncs run on the loop's
 * context.
 */
public final class StorageProtection {

  public static final String PVC_FINALIZER = "kubernetes.io/pvc-protection";
  public static final String PV_FINALIZER = "kubernetes.io/pv-protection";
  private static final Logger LOG = LoggerFactory.getLogger(StorageProtection.class);

  private StorageProtection() {
  }

  /** The pvc-protection loop over claims, woken by the pods that name them. */
  public static ControllerLoop claims(ControllerContext ctx, Duration resync, int workers) {
    return new ControllerLoop(ctx.vertx(), "pvc-protection", claimSync(ctx), ctx.cache("persistentvolumeclaims"),
        resync, workers)
        .watch(ctx.cache("pods"), pod -> {
          List<ObjectKey> keys = new ArrayList<>();
          String ns = pod.path("metadata").path("namespace").asText();
          pod.path("spec").path("volumes").forEach(v -> {
            String claim = v.has("ephemeral")
                ? PodClaims.ephemeralName(pod.path("metadata").path("name").asText(), v.path("name").asText())
                : v.path("persistentVolumeClaim").path("claimName").asText("");
            if (!claim.isEmpty()) {
              keys.add(new ObjectKey(ns, claim));
            }
          });
          return keys;
        });
  }

  /** The pvc-protection sync of one claim. */
  static Reconciler claimSync(ControllerContext ctx) {
    ResourceType type = ctx.type("persistentvolumeclaims");
    Lister<PersistentVolumeClaim> claims = ctx.lister("persistentvolumeclaims", PersistentVolumeClaim.class);
    Lister<Pod> pods = ctx.lister("pods", Pod.class);
    return key -> {
      PersistentVolumeClaim c = claims.get(key);
      if (c == null || c.getMetadata().getDeletionTimestamp() == null || !has(c, PVC_FINALIZER)
          || inUse(c, pods.list(key.namespace()))) {
        return Future.succeededFuture();
      }
      return release(ctx, type, c, PVC_FINALIZER);
    };
  }

  /** The pv-protection loop over volumes. */
  public static ControllerLoop volumes(ControllerContext ctx, Duration resync, int workers) {
    return new ControllerLoop(ctx.vertx(), "pv-protection", volumeSync(ctx), ctx.cache("persistentvolumes"), resync,
        workers);
  }

  /** The pv-protection sync of one volume. */
  static Reconciler volumeSync(ControllerContext ctx) {
    ResourceType type = ctx.type("persistentvolumes");
    Lister<PersistentVolume> volumes = ctx.lister("persistentvolumes", PersistentVolume.class);
    return key -> {
      PersistentVolume v = volumes.get(key);
      if (v == null || v.getMetadata().getDeletionTimestamp() == null || !has(v, PV_FINALIZER)
          || v.getStatus() != null && "Bound".equals(v.getStatus().getPhase())) {
        return Future.succeededFuture();
      }
      return release(ctx, type, v, PV_FINALIZER);
    };
  }

  /**
   * Whether a pod of the claim's namespace that has not finished uses the claim: names it, or has the generic
   * ephemeral volume it was made for (kube's podUsesPVC).
   */
  static boolean inUse(PersistentVolumeClaim claim, List<Pod> pods) {
    String name = claim.getMetadata().getName();
    for (Pod p : pods) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        continue;
      }
      for (PodClaims.Claim c : PodClaims.of(p)) {
        if (name.equals(c.claimName()) && (!c.ephemeral() || PodClaims.notForPod(p, claim.getMetadata()) == null)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean has(HasMetadata o, String finalizer) {
    return o.getMetadata().getFinalizers() != null && o.getMetadata().getFinalizers().contains(finalizer);
  }

  private static Future<Void> release(ControllerContext ctx, ResourceType type, HasMetadata o, String finalizer) {
    HasMetadata next = Lister.copy(o);
    List<String> left = new ArrayList<>(next.getMetadata().getFinalizers());
    left.remove(finalizer);
    next.getMetadata().setFinalizers(left);
    LOG.info("{} {}/{} is not in use: removing {}", type.kind(), o.getMetadata().getNamespace(),
        o.getMetadata().getName(), finalizer);
    return ctx.store().update(type, Typed.tree(next), WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
