package io.dekube.controllermanager.localpath;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.persistentvolume.Volumes;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.event.EventRecorder;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dekube's local-path provisioner, as rancher's local-path-provisioner that kind ships: for a claim
 * of a class whose provisioner is {@value #NAME}, once the scheduler has chosen a node for a pod
 * using it ({@code volume.kubernetes.io/selected-node}), makes the folder
 * {@code <root>/<node>/pvc-<uid>_<namespace>_<claim>} and a PersistentVolume {@code pvc-<uid>}
 * (hostPath {@code DirectoryOrCreate}, node affinity to that node by {@code kubernetes.io/hostname},
 * the class's reclaim policy, pre-bound to the claim), which the binder then binds. Also creates the
 * default StorageClass {@value #DEFAULT_CLASS} at start.
 *
 * <p>It also stands in for minikube's {@code storage-provisioner} ({@value #MINIKUBE}, the class kube's tutorials
 * make, such as the Cassandra tutorial's {@code fast}): as minikube's, it provisions a claim of such a class at once,
 * whatever the binding mode, in the folder {@code <root>/hostpath-provisioner/<namespace>/<claim>}, a hostPath
 * volume without node affinity (minikube has one node; dekube's kubelets share the controller-manager's machine, so
 * any node can mount it), annotated {@code hostPathProvisionerIdentity}, any access mode. Keys are claims; syncs run
 * on the loop's context.
 */
public final class LocalPathProvisioner implements Reconciler {

  /** The provisioner's name, in StorageClasses and in {@code pv.kubernetes.io/provisioned-by}. */
  public static final String NAME = "dekube.io/local-path";
  /** minikube's hostpath provisioner, which this one also serves. */
  public static final String MINIKUBE = "k8s.io/minikube-hostpath";
  /** The default StorageClass made at start, as kind's. */
  public static final String DEFAULT_CLASS = "standard";
  private static final Logger LOG = LoggerFactory.getLogger(LocalPathProvisioner.class);
  private static final List<String> MODES = List.of("ReadWriteOnce", "ReadWriteOncePod");

  private final ControllerContext ctx;
  private final Path root;
  private final VolumeFolders folders;
  private final ResourceType volumeType;
  private final ResourceType classType;
  private final Lister<PersistentVolumeClaim> claims;
  private final Lister<PersistentVolume> volumes;
  private final Lister<StorageClass> classes;
  private volatile boolean classMade;

  /** A provisioner whose volumes are folders under {@code root} (an absolute path). */
  public LocalPathProvisioner(ControllerContext ctx, Path root, VolumeFolders folders) {
    this.ctx = ctx;
    this.root = root.toAbsolutePath().normalize();
    this.folders = folders;
    this.volumeType = ctx.type("persistentvolumes");
    this.classType = ctx.type("storageclasses.storage.k8s.io");
    this.claims = ctx.lister("persistentvolumeclaims", PersistentVolumeClaim.class);
    this.volumes = ctx.lister("persistentvolumes", PersistentVolume.class);
    this.classes = ctx.lister("storageclasses.storage.k8s.io", StorageClass.class);
  }

  /** The loop over claims; it makes the default StorageClass first (and tries again every 10 s until it exists). */
  public ControllerLoop loop(Duration resync, int workers) {
    defaultClass();
    return new ControllerLoop(ctx.vertx(), "local-path-provisioner", this, claims.cache(), resync, workers)
        .every(Duration.ofSeconds(10), this::defaultClass);
  }

  /** Creates the default StorageClass unless it exists; idempotent. */
  public Future<Void> defaultClass() {
    if (classMade || classes.get("", DEFAULT_CLASS) != null) {
      classMade = true;
      return Future.succeededFuture();
    }
    StorageClass sc = new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(DEFAULT_CLASS)
            .withAnnotations(Map.of("storageclass.kubernetes.io/is-default-class", "true")).build())
        .withProvisioner(NAME).withReclaimPolicy("Delete").withVolumeBindingMode(Volumes.WAIT_FOR_FIRST_CONSUMER)
        .build();
    return ctx.store().create(classType, "", Typed.tree(sc), WriteOptions.none())
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException s && s.code() == 409 ? Future.succeededFuture() : Future.failedFuture(e))
        .onSuccess(v -> classMade = true)
        .onFailure(e -> LOG.warn("local-path-provisioner: cannot create StorageClass {}: {}", DEFAULT_CLASS, e.toString()));
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    PersistentVolumeClaim claim = claims.get(key);
    if (claim == null || claim.getMetadata().getDeletionTimestamp() != null || claim.getSpec() == null
        || claim.getSpec().getVolumeName() != null && !claim.getSpec().getVolumeName().isEmpty()) {
      return Future.succeededFuture();
    }
    String className = Volumes.claimClass(claim);
    StorageClass sc = className.isEmpty() ? null : classes.get("", className);
    if (sc == null || !NAME.equals(sc.getProvisioner()) && !MINIKUBE.equals(sc.getProvisioner())) {
      return Future.succeededFuture();
    }
    String pvName = "pvc-" + claim.getMetadata().getUid();
    if (volumes.get("", pvName) != null) {
      return Future.succeededFuture();
    }
    if (MINIKUBE.equals(sc.getProvisioner())) {
      String ns = claim.getMetadata().getNamespace();
      return provision(claim, sc, null, pvName, root.resolve("hostpath-provisioner").resolve(ns)
          .resolve(claim.getMetadata().getName()));
    }
    String node = Volumes.annotation(claim, Volumes.SELECTED_NODE);
    String problem = node == null ? (Volumes.delaysBinding(sc) ? null : "configuration error, no node was specified")
        : unsupportedModes(claim);
    if (problem != null) {
      failed(claim, className, problem);
    }
    return node == null || problem != null ? Future.succeededFuture() : provision(claim, sc, node, pvName,
        folder(node, pvName, claim.getMetadata().getNamespace(), claim.getMetadata().getName()));
  }

  /** Makes {@code folder} and the volume in it for {@code claim}: on {@code node}, or on any (null). */
  private Future<Void> provision(PersistentVolumeClaim claim, StorageClass sc, String node, String pvName,
                                 Path folder) {
    String ns = claim.getMetadata().getNamespace();
    ctx.events().record(sc.getProvisioner(), claim, EventRecorder.NORMAL, "Provisioning",
        "External provisioner is provisioning volume for claim \"" + ns + "/" + claim.getMetadata().getName() + "\"");
    PersistentVolume pv = volume(claim, sc, node, pvName, folder);
    return folders.create(folder)
        .compose(v -> ctx.store().create(volumeType, "", Typed.tree(pv), WriteOptions.none()))
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException s && s.code() == 409 ? Future.succeededFuture() : Future.failedFuture(e))
        .onSuccess(v -> {
          LOG.info("local-path-provisioner: provisioned {} at {} on node {} for claim {}/{}", pvName, folder,
              node == null ? "(any)" : node, ns, claim.getMetadata().getName());
          ctx.events().record(sc.getProvisioner(), claim, EventRecorder.NORMAL, "ProvisioningSucceeded",
              "Successfully provisioned volume " + pvName);
        })
        .onFailure(e -> failed(claim, sc.getMetadata().getName(), e.getMessage()));
  }

  /** The folder of a claim's volume: {@code <root>/<node>/pvc-<uid>_<namespace>_<claim>}. */
  Path folder(String node, String pvName, String ns, String claim) {
    return root.resolve(node).resolve(pvName + "_" + ns + "_" + claim);
  }

  /** The volume for a claim on a node (null: minikube's, on any node): pure. */
  static PersistentVolume volume(PersistentVolumeClaim claim, StorageClass sc, String node, String pvName, Path folder) {
    Quantity size = claim.getSpec().getResources().getRequests().get("storage");
    Map<String, String> annotations = node == null ? Map.of(Volumes.PROVISIONED_BY, MINIKUBE,
        "hostPathProvisionerIdentity", "dekube") : Map.of(Volumes.PROVISIONED_BY, NAME);
    PersistentVolume pv = new PersistentVolumeBuilder()
        .withNewMetadata().withName(pvName).withAnnotations(annotations).endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", size))
        .withAccessModes(claim.getSpec().getAccessModes())
        .withPersistentVolumeReclaimPolicy(sc.getReclaimPolicy() == null ? "Delete" : sc.getReclaimPolicy())
        .withStorageClassName(sc.getMetadata().getName())
        .withVolumeMode("Filesystem")
        .withNewHostPath(folder.toString(), "DirectoryOrCreate")
        .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
        .withKey("kubernetes.io/hostname").withOperator("In").withValues(node)
        .endMatchExpression().endNodeSelectorTerm().endRequired().endNodeAffinity()
        .withClaimRef(new ObjectReferenceBuilder().withKind("PersistentVolumeClaim").withApiVersion("v1")
            .withNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName())
            .withUid(claim.getMetadata().getUid()).withResourceVersion(claim.getMetadata().getResourceVersion()).build())
        .endSpec().build();
    if (node == null) {
      pv.getSpec().setNodeAffinity(null);
    }
    return pv;
  }

  private static String unsupportedModes(PersistentVolumeClaim claim) {
    List<String> modes = claim.getSpec().getAccessModes();
    return modes != null && MODES.containsAll(modes) ? null
        : "NodePath only supports ReadWriteOnce and ReadWriteOncePod (1 node) access modes";
  }

  private void failed(PersistentVolumeClaim claim, String className, String why) {
    ctx.events().record(NAME, claim, EventRecorder.WARNING, "ProvisioningFailed",
        "failed to provision volume with StorageClass \"" + className + "\": " + why);
  }
}
