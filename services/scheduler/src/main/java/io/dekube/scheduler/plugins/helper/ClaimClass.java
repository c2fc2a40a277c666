package io.dekube.scheduler.plugins.helper;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.Map;

/** kube's {@code storagehelpers.GetPersistentVolumeClaimClass}. Pure. */
public final class ClaimClass {

  private ClaimClass() {
  }

  /** A claim's class: the beta annotation {@code volume.beta.kubernetes.io/storage-class}, else its spec's; "" for none. */
  public static String of(PersistentVolumeClaim claim) {
    Map<String, String> a = claim.getMetadata().getAnnotations();
    if (a != null && a.containsKey("volume.beta.kubernetes.io/storage-class")) {
      return a.get("volume.beta.kubernetes.io/storage-class");
    }
    String c = claim.getSpec() == null ? null : claim.getSpec().getStorageClassName();
    return c == null ? "" : c;
  }
}
