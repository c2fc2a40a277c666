package io.dekube.controllermanager.persistentvolume;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.event.EventRecorder;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume half of kube's PersistentVolume controller: a volume without a claim (or pre-bound to a
 * claim name) is {@code Available}; bound to an existing claim, {@code Bound}; once its claim is gone,
 * {@code Released}, and then its reclaim policy acts: Retain keeps it Released (an administrator's
 * job), Delete leaves a provisioned volume to its provisioner ({@code pv.kubernetes.io/provisioned-by})
 * and fails any other (no deleter plugins here), Recycle fails (no recycler). A claim bound elsewhere
 * releases a volume the controller bound. Keys are volumes; syncs run on the loop's context.
 */
public final class VolumeReclaimer implements Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(VolumeReclaimer.class);

  private final ControllerContext ctx;
  private final ResourceType volumeType;
  private final Lister<PersistentVolumeClaim> claims;
  private final Lister<PersistentVolume> volumes;

  public VolumeReclaimer(ControllerContext ctx) {
    this.ctx = ctx;
    this.volumeType = ctx.type("persistentvolumes");
    this.claims = ctx.lister("persistentvolumeclaims", PersistentVolumeClaim.class);
    this.volumes = ctx.lister("persistentvolumes", PersistentVolume.class);
  }

  /** The loop over volumes, also woken by the claims that name them or that they name. */
  public ControllerLoop loop(Duration resync, int workers) {
    return new ControllerLoop(ctx.vertx(), "persistentvolume-reclaimer", this, volumes.cache(), resync, workers)
        .watch(claims.cache(), pvc -> {
          List<ObjectKey> keys = new ArrayList<>();
          String name = pvc.path("spec").path("volumeName").asText("");
          if (!name.isEmpty()) {
            keys.add(new ObjectKey("", name));
          }
          String ns = pvc.path("metadata").path("namespace").asText();
          String claim = pvc.path("metadata").path("name").asText();
          for (var pv : volumes.cache().list("")) {
            var ref = pv.path("spec").path("claimRef");
            if (ns.equals(ref.path("namespace").asText()) && claim.equals(ref.path("name").asText())) {
              keys.add(ObjectKey.of(pv));
            }
          }
          return keys;
        });
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    PersistentVolume pv = volumes.get(key);
    if (pv == null || pv.getMetadata().getDeletionTimestamp() != null || pv.getSpec() == null) {
      return Future.succeededFuture();
    }
    ObjectReference ref = pv.getSpec().getClaimRef();
    if (ref == null || ref.getUid() == null || ref.getUid().isEmpty()) {
      return phase(pv, "Available", null);
    }
    PersistentVolumeClaim claim = claims.get(ref.getNamespace(), ref.getName());
    if (claim != null && ref.getUid().equals(claim.getMetadata().getUid())) {
      String volumeName = claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
      if (pv.getMetadata().getName().equals(volumeName)) {
        return phase(pv, "Bound", null);
      }
      if (volumeName != null && !volumeName.isEmpty()
          && "yes".equals(Volumes.annotation(pv, Volumes.BOUND_BY_CONTROLLER))) {
        return unbind(pv);
      }
      return Future.succeededFuture();
    }
    return release(pv);
  }

  /** The claim is gone: Released, then the reclaim policy. */
  private Future<Void> release(PersistentVolume pv) {
    String phase = pv.getStatus() == null ? "" : pv.getStatus().getPhase();
    if ("Failed".equals(phase)) {
      return Future.succeededFuture();
    }
    Future<Void> released = "Released".equals(phase) ? Future.succeededFuture() : phase(pv, "Released", null);
    String policy = Objects.requireNonNullElse(pv.getSpec().getPersistentVolumeReclaimPolicy(), "Retain");
    return released.compose(v -> switch (policy) {
      case "Delete" -> Volumes.annotation(pv, Volumes.PROVISIONED_BY) != null ? Future.<Void>succeededFuture()
          : fail(pv, "VolumeFailedDelete", "error getting deleter volume plugin for volume \""
              + pv.getMetadata().getName() + "\": no deletable volume plugin matched");
      case "Recycle" -> fail(pv, "VolumeFailedRecycle", "No recycler plugin found for the volume!");
      default -> Future.<Void>succeededFuture();
    });
  }

  private Future<Void> fail(PersistentVolume pv, String reason, String message) {
    ctx.events().record(ClaimBinder.COMPONENT, pv, EventRecorder.WARNING, reason, message);
    return phase(volumes.get("", pv.getMetadata().getName()), "Failed", message);
  }

  private Future<Void> unbind(PersistentVolume pv) {
    PersistentVolume next = Lister.copy(pv);
    next.getSpec().setClaimRef(null);
    if (next.getMetadata().getAnnotations() != null) {
      next.getMetadata().getAnnotations().remove(Volumes.BOUND_BY_CONTROLLER);
    }
    LOG.info("unbinding PersistentVolume {}: its claim is bound to another volume", pv.getMetadata().getName());
    return ctx.store().update(volumeType, Typed.tree(next), WriteOptions.none())
        .compose(o -> phase(Typed.from(o, PersistentVolume.class), "Available", null));
  }

  private Future<Void> phase(PersistentVolume pv, String phase, String message) {
    if (pv == null || pv.getStatus() != null && phase.equals(pv.getStatus().getPhase())
        && Objects.equals(message, pv.getStatus().getMessage())) {
      return Future.succeededFuture();
    }
    PersistentVolume next = Lister.copy(pv);
    PersistentVolumeStatus st = new PersistentVolumeStatus();
    st.setPhase(phase);
    st.setMessage(message);
    st.setLastPhaseTransitionTime(ctx.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    next.setStatus(st);
    LOG.info("PersistentVolume {} is {}", pv.getMetadata().getName(), phase);
    return ctx.store().updateStatus(volumeType, Typed.tree(next), WriteOptions.none()).mapEmpty();
  }
}
