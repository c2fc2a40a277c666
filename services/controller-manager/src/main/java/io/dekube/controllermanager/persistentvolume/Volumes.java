package io.dekube.controllermanager.persistentvolume;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What kube's PV controller asks of volumes and claims: their class, whether a volume is (pre)bound
 * to a claim, and the best Available volume for an unbound claim (same class, volume mode, the
 * claim's access modes, label selector, the smallest capacity that holds the request). Pure.
 */
public final class Volumes {

  /** Set on a claim whose binding the controller finished. */
  public static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
  /** Set on a volume or claim the controller bound (not pre-bound by a user). */
  public static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
  /** The node the scheduler chose for a claim of a WaitForFirstConsumer class. */
  public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
  /** The provisioner asked to make a volume for a claim. */
  public static final String STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
  public static final String BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
  /** The provisioner that made a volume. */
  public static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  public static final String BETA_CLASS = "volume.beta.kubernetes.io/storage-class";
  public static final String WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer";

  private Volumes() {
  }

  /** The annotation of an object, or null. */
  public static String annotation(HasMetadata o, String key) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  /** A claim's class: {@code spec.storageClassName}, else the beta annotation, else "". */
  public static String claimClass(PersistentVolumeClaim c) {
    String name = c.getSpec() == null ? null : c.getSpec().getStorageClassName();
    if (name != null) {
      return name;
    }
    String beta = annotation(c, BETA_CLASS);
    return beta == null ? "" : beta;
  }

  /** A volume's class: {@code spec.storageClassName}, else the beta annotation, else "". */
  public static String volumeClass(PersistentVolume v) {
    String name = v.getSpec() == null ? null : v.getSpec().getStorageClassName();
    if (name != null && !name.isEmpty()) {
      return name;
    }
    String beta = annotation(v, BETA_CLASS);
    return beta == null ? "" : beta;
  }

  /** Whether a class binds only once a pod using the claim is scheduled. */
  public static boolean delaysBinding(StorageClass sc) {
    return sc != null && WAIT_FOR_FIRST_CONSUMER.equals(sc.getVolumeBindingMode());
  }

  /** Whether a volume's claimRef names this claim (by namespace and name, and by uid when it has one). */
  public static boolean boundTo(PersistentVolume v, PersistentVolumeClaim c) {
    ObjectReference ref = v.getSpec() == null ? null : v.getSpec().getClaimRef();
    if (ref == null || !Objects.equals(ref.getNamespace(), c.getMetadata().getNamespace())
        || !Objects.equals(ref.getName(), c.getMetadata().getName())) {
      return false;
    }
    return ref.getUid() == null || ref.getUid().isEmpty() || ref.getUid().equals(c.getMetadata().getUid());
  }

  /** The bytes of a storage quantity, 0 when absent. */
  public static BigDecimal bytes(Map<String, Quantity> resources) {
    Quantity q = resources == null ? null : resources.get("storage");
    return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
  }

  /**
   * The volume for an unbound claim: one pre-bound to it first; else, unless {@code delayed} (a
   * WaitForFirstConsumer class, where only the provisioner's pre-bound volume counts), the smallest
   * Available, unclaimed volume of its class and volume mode, with its access modes, matching its
   * selector, that holds its request. Null when none.
   */
  public static PersistentVolume match(PersistentVolumeClaim claim, List<PersistentVolume> volumes, boolean delayed) {
    for (PersistentVolume v : volumes) {
      if (v.getMetadata().getDeletionTimestamp() == null && boundTo(v, claim)) {
        return v;
      }
    }
    if (delayed) {
      return null;
    }
    BigDecimal wanted = bytes(claim.getSpec().getResources() == null ? null : claim.getSpec().getResources().getRequests());
    return volumes.stream()
        .filter(v -> v.getMetadata().getDeletionTimestamp() == null && v.getSpec() != null)
        .filter(v -> v.getSpec().getClaimRef() == null)
        .filter(v -> v.getStatus() != null && "Available".equals(v.getStatus().getPhase()))
        .filter(v -> volumeClass(v).equals(claimClass(claim)))
        .filter(v -> Objects.equals(mode(v.getSpec().getVolumeMode()), mode(claim.getSpec().getVolumeMode())))
        .filter(v -> v.getSpec().getAccessModes() != null && claim.getSpec().getAccessModes() != null
            && v.getSpec().getAccessModes().containsAll(claim.getSpec().getAccessModes()))
        .filter(v -> selects(claim.getSpec().getSelector(), v.getMetadata().getLabels()))
        .filter(v -> bytes(v.getSpec().getCapacity()).compareTo(wanted) >= 0)
        .min(Comparator.comparing((PersistentVolume v) -> bytes(v.getSpec().getCapacity()))
            .thenComparing(v -> v.getMetadata().getName()))
        .orElse(null);
  }

  private static String mode(String m) {
    return m == null || m.isEmpty() ? "Filesystem" : m;
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    return selector == null || io.dekube.controllermanager.common.Selectors.of(selector)
        .matches(labels == null ? Map.of() : labels);
  }
}
