package io.dekube.controllermanager.expand;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.localpath.LocalPathProvisioner;
import io.dekube.controllermanager.persistentvolume.Volumes;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volume expansion of dekube's provisioned volumes, as kube 1.32's expand controller and a CSI external-resizer do
 * it. A bound claim whose {@code spec.resources.requests.storage} is above its {@code status.capacity} (the writer
 * let it grow only where its StorageClass has {@code allowVolumeExpansion}) is expanded in kube's steps:
 * {@code volume_expand}'s Event {@code ExternalExpanding} ({@code waiting for an external controller to expand this
 * PVC}); then, as the resizer, the claim's condition {@code Resizing} True with {@code allocatedResources} the new
 * size and {@code allocatedResourceStatuses} {@code ControllerResizeInProgress} and the Event {@code Resizing}
 * ({@code External resizer is resizing volume pvc-…}, from {@code external-resizer <provisioner>}); the
 * PersistentVolume's {@code spec.capacity} raised; then {@code status.capacity} the new size, the condition and the
 * resize status gone and the Event {@code VolumeResizeSuccessful} ({@code Resize volume succeeded}).
 *
 * <p>dekube's decision: its provisioners' volumes ({@value LocalPathProvisioner#NAME},
 * {@value LocalPathProvisioner#MINIKUBE}) are folders without a size, so an expansion changes nothing on disk and
 * needs no file-system step on the node: they behave as a CSI driver without node expansion, and the resizer
 * finishes the claim itself (no {@code FileSystemResizePending}, no kubelet step). Volumes of other provisioners, or
 * made by hand, are not expanded (kube: no resizer acts on them). Keys are claims; syncs run on the loop's context.
 */
public final class VolumeResizer implements Reconciler {

  static final String EXPAND_COMPONENT = "volume_expand";
  private static final Logger LOG = LoggerFactory.getLogger(VolumeResizer.class);
  private static final List<String> OURS = List.of(LocalPathProvisioner.NAME, LocalPathProvisioner.MINIKUBE);

  private final ControllerContext ctx;
  private final ResourceType claimType;
  private final ResourceType volumeType;
  private final Lister<PersistentVolumeClaim> claims;
  private final Lister<PersistentVolume> volumes;

  public VolumeResizer(ControllerContext ctx) {
    this.ctx = ctx;
    this.claimType = ctx.type("persistentvolumeclaims");
    this.volumeType = ctx.type("persistentvolumes");
    this.claims = ctx.lister("persistentvolumeclaims", PersistentVolumeClaim.class);
    this.volumes = ctx.lister("persistentvolumes", PersistentVolume.class);
  }

  /** The loop over claims. */
  public ControllerLoop loop(Duration resync, int workers) {
    return new ControllerLoop(ctx.vertx(), "volume-expand", this, claims.cache(), resync, workers);
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    PersistentVolumeClaim claim = claims.get(key);
    if (claim == null || claim.getMetadata().getDeletionTimestamp() != null || claim.getStatus() == null
        || !"Bound".equals(claim.getStatus().getPhase()) || claim.getSpec() == null
        || claim.getSpec().getVolumeName() == null) {
      return Future.succeededFuture();
    }
    Quantity wanted = storage(claim.getSpec().getResources() == null ? null : claim.getSpec().getResources().getRequests());
    Quantity has = storage(claim.getStatus().getCapacity());
    if (wanted == null || has != null && bytes(wanted).compareTo(bytes(has)) <= 0) {
      return Future.succeededFuture();
    }
    PersistentVolume pv = volumes.get("", claim.getSpec().getVolumeName());
    String provisioner = provisioner(pv);
    if (pv == null || !OURS.contains(provisioner)) {
      return Future.succeededFuture();
    }
    String resizer = "external-resizer " + provisioner;
    boolean started = resizing(claim);
    if (!started) {
      ctx.events().record(EXPAND_COMPONENT, claim, EventRecorder.NORMAL, "ExternalExpanding",
          "waiting for an external controller to expand this PVC");
      ctx.events().record(resizer, claim, EventRecorder.NORMAL, "Resizing",
          "External resizer is resizing volume " + pv.getMetadata().getName());
    }
    LOG.info("volume-expand: PersistentVolumeClaim {} from {} to {} (volume {})", key, has, wanted,
        pv.getMetadata().getName());
    Future<PersistentVolumeClaim> marked = started ? Future.succeededFuture(claim) : writeStatus(markResizing(claim, wanted));
    return marked
        .compose(c -> raiseVolume(pv, wanted).map(c))
        .compose(c -> writeStatus(markFinished(c, wanted)))
        .onSuccess(c -> ctx.events().record(resizer, c, EventRecorder.NORMAL, "VolumeResizeSuccessful",
            "Resize volume succeeded"))
        .mapEmpty();
  }

  private Future<PersistentVolumeClaim> writeStatus(PersistentVolumeClaim c) {
    return ctx.store().updateStatus(claimType, Typed.tree(c), WriteOptions.none())
        .map(o -> Typed.from(o, PersistentVolumeClaim.class));
  }

  private Future<Void> raiseVolume(PersistentVolume pv, Quantity size) {
    Quantity has = storage(pv.getSpec().getCapacity());
    if (has != null && bytes(has).compareTo(bytes(size)) >= 0) {
      return Future.succeededFuture();
    }
    PersistentVolume next = Lister.copy(pv);
    Map<String, Quantity> capacity = new LinkedHashMap<>(next.getSpec().getCapacity() == null ? Map.of()
        : next.getSpec().getCapacity());
    capacity.put("storage", size);
    next.getSpec().setCapacity(capacity);
    return ctx.store().update(volumeType, Typed.tree(next), WriteOptions.none()).mapEmpty();
  }

  /** The resizer's first write: Resizing True, the size being allocated, the controller's step in progress. Pure. */
  static PersistentVolumeClaim markResizing(PersistentVolumeClaim claim, Quantity size) {
    PersistentVolumeClaim next = Lister.copy(claim);
    var status = next.getStatus();
    List<PersistentVolumeClaimCondition> conditions = new ArrayList<>(status.getConditions() == null ? List.of()
        : status.getConditions());
    conditions.removeIf(c -> "Resizing".equals(c.getType()));
    PersistentVolumeClaimCondition resizing = new PersistentVolumeClaimCondition();
    resizing.setType("Resizing");
    resizing.setStatus("True");
    resizing.setLastTransitionTime(java.time.format.DateTimeFormatter.ISO_INSTANT.format(
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    conditions.add(resizing);
    status.setConditions(conditions);
    Map<String, Quantity> allocated = new LinkedHashMap<>(status.getAllocatedResources() == null ? Map.of()
        : status.getAllocatedResources());
    allocated.put("storage", size);
    status.setAllocatedResources(allocated);
    Map<String, String> steps = new LinkedHashMap<>(status.getAllocatedResourceStatuses() == null ? Map.of()
        : status.getAllocatedResourceStatuses());
    steps.put("storage", "ControllerResizeInProgress");
    status.setAllocatedResourceStatuses(steps);
    return next;
  }

  /** The resizer's last write: the new capacity, no resize conditions, no step in progress. Pure. */
  static PersistentVolumeClaim markFinished(PersistentVolumeClaim claim, Quantity size) {
    PersistentVolumeClaim next = Lister.copy(claim);
    var status = next.getStatus();
    Map<String, Quantity> capacity = new LinkedHashMap<>(status.getCapacity() == null ? Map.of() : status.getCapacity());
    capacity.put("storage", size);
    status.setCapacity(capacity);
    if (status.getConditions() != null) {
      List<PersistentVolumeClaimCondition> left = new ArrayList<>(status.getConditions());
      left.removeIf(c -> "Resizing".equals(c.getType()) || "FileSystemResizePending".equals(c.getType()));
      status.setConditions(left.isEmpty() ? null : left);
    }
    if (status.getAllocatedResourceStatuses() != null) {
      Map<String, String> steps = new LinkedHashMap<>(status.getAllocatedResourceStatuses());
      steps.remove("storage");
      status.setAllocatedResourceStatuses(steps.isEmpty() ? null : steps);
    }
    return next;
  }

  private static boolean resizing(PersistentVolumeClaim c) {
    return c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
        .anyMatch(x -> "Resizing".equals(x.getType()) && "True".equals(x.getStatus()));
  }

  /** The provisioner that made the volume ({@code pv.kubernetes.io/provisioned-by}); empty for one made by hand. */
  private static String provisioner(PersistentVolume pv) {
    String by = pv == null ? null : Volumes.annotation(pv, Volumes.PROVISIONED_BY);
    return by == null ? "" : by;
  }

  private static Quantity storage(Map<String, Quantity> list) {
    return list == null ? null : list.get("storage");
  }

  private static BigDecimal bytes(Quantity q) {
    return Quantity.getAmountInBytes(q);
  }
}
