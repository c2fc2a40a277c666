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
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delete half of the local-path provisioner: a volume it provisioned that is {@code Released}
 * with reclaim policy Delete loses its folder, then the PersistentVolume is deleted. A folder outside
 * the provisioner's root is never touched. Keys are volumes; syncs run on the loop's context.
 */
public final class LocalPathReclaimer implements Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPathReclaimer.class);

  private final ControllerContext ctx;
  private final Path root;
  private final VolumeFolders folders;
  private final ResourceType volumeType;
  private final Lister<PersistentVolume> volumes;

  public LocalPathReclaimer(ControllerContext ctx, Path root, VolumeFolders folders) {
    this.ctx = ctx;
    this.root = root.toAbsolutePath().normalize();
    this.folders = folders;
    this.volumeType = ctx.type("persistentvolumes");
    this.volumes = ctx.lister("persistentvolumes", PersistentVolume.class);
  }

  /** The loop over volumes. */
  public ControllerLoop loop(Duration resync, int workers) {
    return new ControllerLoop(ctx.vertx(), "local-path-reclaimer", this, volumes.cache(), resync, workers);
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    PersistentVolume pv = volumes.get(key);
    if (pv == null || pv.getMetadata().getDeletionTimestamp() != null || pv.getSpec() == null
        || !List.of(LocalPathProvisioner.NAME, LocalPathProvisioner.MINIKUBE).contains(Volumes.annotation(pv,
        Volumes.PROVISIONED_BY))
        || pv.getStatus() == null || !"Released".equals(pv.getStatus().getPhase())
        || !"Delete".equals(pv.getSpec().getPersistentVolumeReclaimPolicy())) {
      return Future.succeededFuture();
    }
    String path = pv.getSpec().getHostPath() == null ? null : pv.getSpec().getHostPath().getPath();
    Path folder = path == null ? null : Path.of(path).toAbsolutePath().normalize();
    if (folder == null || !folder.startsWith(root) || folder.equals(root)) {
      ctx.events().record(LocalPathProvisioner.NAME, pv, EventRecorder.WARNING, "VolumeFailedDelete",
          "refusing to delete " + path + ": not a folder under " + root);
      return Future.succeededFuture();
    }
    LOG.info("local-path-provisioner: deleting {} and its folder {}", pv.getMetadata().getName(), folder);
    return folders.delete(folder)
        .compose(v -> ctx.store().delete(volumeType, "", pv.getMetadata().getName(),
            WriteOptions.none().withUid(pv.getMetadata().getUid())))
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException s && (s.code() == 404 || s.code() == 409)
            ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
