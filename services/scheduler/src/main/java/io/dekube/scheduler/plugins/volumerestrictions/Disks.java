package io.dekube.scheduler.plugins.volumerestrictions;

import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Objects;

/**
 * kube's {@code isVolumeConflict}: the volume kinds one node may not share with another pod read-write — a GCE
 * persistent disk (same {@code pdName}), an AWS EBS volume (same {@code volumeID}, even read-only), an iSCSI target
 * (same IQN) and an RBD image (a shared monitor, the same pool and image) — unless both mount it read-only. Pure.
 */
final class Disks {

  private Disks() {
  }

  /** Whether the volume is of a kind that needs the check (kube's {@code needsRestrictionsCheck}). */
  static boolean exclusive(Volume v) {
    return v.getGcePersistentDisk() != null || v.getAwsElasticBlockStore() != null || v.getRbd() != null
        || v.getIscsi() != null;
  }

  static boolean conflict(Volume v, Volume other) {
    if (v.getGcePersistentDisk() != null && other.getGcePersistentDisk() != null) {
      var a = v.getGcePersistentDisk();
      var b = other.getGcePersistentDisk();
      return Objects.equals(a.getPdName(), b.getPdName()) && !(ro(a.getReadOnly()) && ro(b.getReadOnly()));
    }
    if (v.getAwsElasticBlockStore() != null && other.getAwsElasticBlockStore() != null) {
      return Objects.equals(v.getAwsElasticBlockStore().getVolumeID(), other.getAwsElasticBlockStore().getVolumeID());
    }
    if (v.getIscsi() != null && other.getIscsi() != null) {
      var a = v.getIscsi();
      var b = other.getIscsi();
      return Objects.equals(a.getIqn(), b.getIqn()) && !(ro(a.getReadOnly()) && ro(b.getReadOnly()));
    }
    if (v.getRbd() != null && other.getRbd() != null) {
      var a = v.getRbd();
      var b = other.getRbd();
      List<String> ma = a.getMonitors() == null ? List.of() : a.getMonitors();
      List<String> mb = b.getMonitors() == null ? List.of() : b.getMonitors();
      return ma.stream().anyMatch(mb::contains) && Objects.equals(pool(a.getPool()), pool(b.getPool()))
          && Objects.equals(a.getImage(), b.getImage()) && !(ro(a.getReadOnly()) && ro(b.getReadOnly()));
    }
    return false;
  }

  private static boolean ro(Boolean b) {
    return Boolean.TRUE.equals(b);
  }

  /** RBD's default pool. */
  private static String pool(String p) {
    return p == null || p.isEmpty() ? "rbd" : p;
  }
}
