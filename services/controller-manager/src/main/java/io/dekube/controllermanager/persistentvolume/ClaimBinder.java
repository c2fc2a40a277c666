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
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim half of kube's PersistentVolume controller ({@code persistentvolume-binder}): an unbound
 * claim is bound to the volume pre-bound to it or to the best Available one (volume claimRef, then
 * the claim's {@code volumeName}, {@code pv.kubernetes.io/bind-completed}, both phases Bound, the
 * claim's status capacity and access modes); with no volume it waits for its provisioner
 * ({@code ExternalProvisioning}), for a pod ({@code WaitForFirstConsumer}), or says why not; a bound
 * claim whose volume is gone is {@code Lost}. Keys are claims; syncs run on the loop's context.
 */
public final class ClaimBinder implements Reconciler {

  public static final String COMPONENT = "persistentvolume-controller";
  private static final Logger LOG = LoggerFactory.getLogger(ClaimBinder.class);

  private final ControllerContext ctx;
  private final ResourceType claimType;
  private final ResourceType volumeType;
  private final Lister<PersistentVolumeClaim> claims;
  private final Lister<PersistentVolume> volumes;
  private final Lister<StorageClass> classes;

  public ClaimBinder(ControllerContext ctx) {
    this.ctx = ctx;
    this.claimType = ctx.type("persistentvolumeclaims");
    this.volumeType = ctx.type("persistentvolumes");
    this.claims = ctx.lister("persistentvolumeclaims", PersistentVolumeClaim.class);
    this.volumes = ctx.lister("persistentvolumes", PersistentVolume.class);
    this.classes = ctx.lister("storageclasses.storage.k8s.io", StorageClass.class);
  }

  /**
   * The loop over claims, also woken by the volumes that name them (or that are Available, for the
   * claims waiting for one) and by the classes they wait for.
   */
  public ControllerLoop loop(Duration resync, int workers) {
    return new ControllerLoop(ctx.vertx(), "persistentvolume-binder", this, claims.cache(), resync, workers)
        .watch(volumes.cache(), pv -> {
          var ref = pv.path("spec").path("claimRef");
          if (ref.isObject()) {
            return List.of(new ObjectKey(ref.path("namespace").asText(), ref.path("name").asText()));
          }
          return "Available".equals(pv.path("status").path("phase").asText()) ? unboundClaims(null) : List.of();
        })
        .watch(classes.cache(), sc -> unboundClaims(sc.path("metadata").path("name").asText()));
  }

  /** The claims without a volume (of one class, or of any when {@code className} is null). */
  private List<ObjectKey> unboundClaims(String className) {
    List<ObjectKey> keys = new ArrayList<>();
    for (var c : claims.cache().list("")) {
      if (c.path("spec").path("volumeName").asText("").isEmpty()
          && (className == null || className.equals(c.path("spec").path("storageClassName").asText("")))) {
        keys.add(ObjectKey.of(c));
      }
    }
    return keys;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    PersistentVolumeClaim claim = claims.get(key);
    if (claim == null || claim.getMetadata().getDeletionTimestamp() != null || claim.getSpec() == null) {
      return Future.succeededFuture();
    }
    String volumeName = claim.getSpec().getVolumeName();
    return volumeName == null || volumeName.isEmpty() ? syncUnbound(claim) : syncBound(claim, volumeName);
  }

  private Future<Void> syncUnbound(PersistentVolumeClaim claim) {
    String className = Volumes.claimClass(claim);
    StorageClass sc = className.isEmpty() ? null : classes.get("", className);
    boolean delayed = Volumes.delaysBinding(sc);
    PersistentVolume match = Volumes.match(claim, volumes.list(""), delayed);
    if (match != null) {
      return bind(claim, match);
    }
    if (delayed && Volumes.annotation(claim, Volumes.SELECTED_NODE) == null) {
      event(claim, EventRecorder.NORMAL, "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
      return pending(claim);
    }
    if (sc != null && !"kubernetes.io/no-provisioner".equals(sc.getProvisioner())) {
      event(claim, EventRecorder.NORMAL, "ExternalProvisioning", "Waiting for a volume to be created either by the "
          + "external provisioner '" + sc.getProvisioner() + "' or manually by the system administrator. If volume "
          + "creation is delayed, please verify that the provisioner is running and correctly registered.");
      return askProvisioner(claim, sc.getProvisioner()).compose(c -> pending(c));
    }
    if (!className.isEmpty() && sc == null) {
      event(claim, EventRecorder.WARNING, "ProvisioningFailed", "storageclass.storage.k8s.io \"" + className
          + "\" not found");
    } else {
      event(claim, EventRecorder.NORMAL, "FailedBinding", className.isEmpty()
          ? "no persistent volumes available for this claim and no storage class is set"
          : "no persistent volumes available for this claim");
    }
    return pending(claim);
  }

  private Future<Void> syncBound(PersistentVolumeClaim claim, String volumeName) {
    PersistentVolume pv = volumes.get("", volumeName);
    if (pv == null) {
      if ("Lost".equals(phase(claim))) {
        return Future.succeededFuture();
      }
      event(claim, EventRecorder.WARNING, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
      return claimStatus(claim, "Lost", null);
    }
    ObjectReference ref = pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
    if (ref == null || Volumes.boundTo(pv, claim)) {
      return bind(claim, pv);
    }
    if ("yes".equals(Volumes.annotation(claim, Volumes.BIND_COMPLETED)) && !"Lost".equals(phase(claim))) {
      event(claim, EventRecorder.WARNING, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly");
      return claimStatus(claim, "Lost", null);
    }
    return Future.succeededFuture();
  }

  /** Binds both ways, each write only when needed: volume claimRef, volume phase, claim volumeName, claim status. */
  private Future<Void> bind(PersistentVolumeClaim claim, PersistentVolume pv) {
    return bindVolume(pv, claim)
        .compose(v -> volumePhase(v, "Bound"))
        .compose(v -> bindClaim(claim, v))
        .compose(c -> claimStatus(c, "Bound", pv))
        .onSuccess(v -> LOG.debug("bound PersistentVolumeClaim {}/{} to {}", claim.getMetadata().getNamespace(),
            claim.getMetadata().getName(), pv.getMetadata().getName()));
  }

  private Future<PersistentVolume> bindVolume(PersistentVolume pv, PersistentVolumeClaim claim) {
    ObjectReference ref = pv.getSpec().getClaimRef();
    if (ref != null && claim.getMetadata().getUid().equals(ref.getUid())) {
      return Future.succeededFuture(pv);
    }
    PersistentVolume next = Lister.copy(pv);
    next.getSpec().setClaimRef(new ObjectReferenceBuilder().withKind("PersistentVolumeClaim").withApiVersion("v1")
        .withNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName())
        .withUid(claim.getMetadata().getUid()).withResourceVersion(claim.getMetadata().getResourceVersion()).build());
    if (ref == null) {
      annotate(next, Volumes.BOUND_BY_CONTROLLER, "yes");
    }
    LOG.info("binding PersistentVolume {} to claim {}/{}", pv.getMetadata().getName(),
        claim.getMetadata().getNamespace(), claim.getMetadata().getName());
    return ctx.store().update(volumeType, Typed.tree(next), WriteOptions.none())
        .map(o -> Typed.from(o, PersistentVolume.class));
  }

  private Future<PersistentVolume> volumePhase(PersistentVolume pv, String phase) {
    if (pv.getStatus() != null && phase.equals(pv.getStatus().getPhase())) {
      return Future.succeededFuture(pv);
    }
    PersistentVolume next = Lister.copy(pv);
    next.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeStatusBuilder().withPhase(phase).build());
    return ctx.store().updateStatus(volumeType, Typed.tree(next), WriteOptions.none())
        .map(o -> Typed.from(o, PersistentVolume.class));
  }

  private Future<PersistentVolumeClaim> bindClaim(PersistentVolumeClaim claim, PersistentVolume pv) {
    boolean named = pv.getMetadata().getName().equals(claim.getSpec().getVolumeName());
    if (named && "yes".equals(Volumes.annotation(claim, Volumes.BIND_COMPLETED))) {
      return Future.succeededFuture(claim);
    }
    PersistentVolumeClaim next = Lister.copy(claim);
    next.getSpec().setVolumeName(pv.getMetadata().getName());
    annotate(next, Volumes.BIND_COMPLETED, "yes");
    if (!named) {
      annotate(next, Volumes.BOUND_BY_CONTROLLER, "yes");
    }
    return ctx.store().update(claimType, Typed.tree(next), WriteOptions.none())
        .map(o -> Typed.from(o, PersistentVolumeClaim.class));
  }

  /** The claim's phase, and for Bound the volume's capacity and access modes; written only on change. */
  private Future<Void> claimStatus(PersistentVolumeClaim claim, String phase, PersistentVolume pv) {
    PersistentVolumeClaimStatus want = claim.getStatus() == null ? new PersistentVolumeClaimStatus()
        : Lister.copy(claim).getStatus();
    want.setPhase(phase);
    if (pv != null) {
      want.setAccessModes(new ArrayList<>(pv.getSpec().getAccessModes()));
      want.setCapacity(new HashMap<>(pv.getSpec().getCapacity()));
    }
    if (Objects.equals(Typed.tree(want), claim.getStatus() == null ? null : Typed.tree(claim.getStatus()))) {
      return Future.succeededFuture();
    }
    PersistentVolumeClaim next = Lister.copy(claim);
    next.setStatus(want);
    return ctx.store().updateStatus(claimType, Typed.tree(next), WriteOptions.none()).mapEmpty();
  }

  private Future<Void> pending(PersistentVolumeClaim claim) {
    return "Pending".equals(phase(claim)) ? Future.succeededFuture() : claimStatus(claim, "Pending", null);
  }

  /** Names the claim's provisioner in its annotations, as kube does before an external provisioner acts. */
  private Future<PersistentVolumeClaim> askProvisioner(PersistentVolumeClaim claim, String provisioner) {
    if (provisioner.equals(Volumes.annotation(claim, Volumes.STORAGE_PROVISIONER))) {
      return Future.succeededFuture(claim);
    }
    PersistentVolumeClaim next = Lister.copy(claim);
    annotate(next, Volumes.STORAGE_PROVISIONER, provisioner);
    annotate(next, Volumes.BETA_STORAGE_PROVISIONER, provisioner);
    return ctx.store().update(claimType, Typed.tree(next), WriteOptions.none())
        .map(o -> Typed.from(o, PersistentVolumeClaim.class));
  }

  private static String phase(PersistentVolumeClaim c) {
    return c.getStatus() == null ? null : c.getStatus().getPhase();
  }

  static void annotate(io.fabric8.kubernetes.api.model.HasMetadata o, String key, String value) {
    Map<String, String> a = o.getMetadata().getAnnotations() == null ? new HashMap<>()
        : new HashMap<>(o.getMetadata().getAnnotations());
    a.put(key, value);
    o.getMetadata().setAnnotations(a);
  }

  private void event(PersistentVolumeClaim claim, String type, String reason, String message) {
    ctx.events().record(COMPONENT, claim, type, reason, message);
  }
}
