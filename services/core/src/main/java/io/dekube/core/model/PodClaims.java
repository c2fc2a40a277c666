package io.dekube.core.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;

/**
 * The PersistentVolumeClaims a pod's volumes use, as kube's {@code component-helpers/storage/ephemeral} names them:
 * a {@code persistentVolumeClaim} volume its {@code claimName}, a generic ephemeral volume
 * ({@code ephemeral.volumeClaimTemplate}) the claim {@code <pod>-<volume>} that the ephemeral volume controller
 * creates, which counts only when the pod controls it. Used by the scheduler's VolumeBinding, the kubelet, the
 * pvc-protection and ephemeral volume controllers. Stateless, any thread.
 */
public final class PodClaims {

  private PodClaims() {
  }

  /** A pod volume and the claim it uses. */
  public record Claim(Volume volume, String claimName, boolean ephemeral) {
  }

  /** The claim a volume uses, or null when it uses none. */
  public static String claimName(Pod pod, Volume v) {
    if (v.getPersistentVolumeClaim() != null) {
      return v.getPersistentVolumeClaim().getClaimName();
    }
    return v.getEphemeral() != null ? ephemeralName(pod.getMetadata().getName(), v.getName()) : null;
  }

  /** kube's VolumeClaimName: the claim of a generic ephemeral volume. */
  public static String ephemeralName(String podName, String volumeName) {
    return podName + "-" + volumeName;
  }

  /** The claims of the pod's volumes, in the spec's order. */
  public static List<Claim> of(Pod pod) {
    List<Claim> out = new ArrayList<>();
    if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
      return out;
    }
    for (Volume v : pod.getSpec().getVolumes()) {
      String name = claimName(pod, v);
      if (name != null) {
        out.add(new Claim(v, name, v.getPersistentVolumeClaim() == null));
      }
    }
    return out;
  }

  /**
   * kube's VolumeIsForPod: null when the claim (its metadata and namespace) is controlled by the pod, else kube's
   * error {@code PVC ns/name was not created for pod ns/pod (pod is not owner)}.
   */
  public static String notForPod(Pod pod, ObjectMeta claim) {
    String podNs = pod.getMetadata().getNamespace();
    boolean controlled = false;
    if (claim.getOwnerReferences() != null) {
      for (OwnerReference r : claim.getOwnerReferences()) {
        controlled |= Boolean.TRUE.equals(r.getController()) && r.getUid() != null
            && r.getUid().equals(pod.getMetadata().getUid());
      }
    }
    if (controlled && java.util.Objects.equals(podNs, claim.getNamespace())) {
      return null;
    }
    return "PVC " + claim.getNamespace() + "/" + claim.getName() + " was not created for pod " + podNs + "/"
        + pod.getMetadata().getName() + " (pod is not owner)";
  }
}
