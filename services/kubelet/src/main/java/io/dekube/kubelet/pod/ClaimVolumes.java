package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.PodClaims;
import io.dekube.core.model.Typed;
import io.dekube.kubelet.runtime.ContainerStartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pod's {@code persistentVolumeClaim} volume: the folder of the PersistentVolume its claim is bound
 * to ({@code hostPath}, made when its type is {@code DirectoryOrCreate} or unset, or {@code local}),
 * shared by every pod of the claim and kept when they go. Until the claim is bound the pod waits in
 * ContainerCreating ({@link #WAITING}). A generic ephemeral volume is the folder of the claim made for the pod.
 * Blocking file I/O: call from a worker thread.
 */
final class ClaimVolumes {

  /** The waiting reason of a pod whose volumes are not ready yet. */
  static final String WAITING = "ContainerCreating";

  private ClaimVolumes() {
  }

  /**
   * The folder of a claim's volume; throws {@link ContainerStartException} ({@link #WAITING}) while it is not bound,
   * naming the pod's volume {@code volume} as kube's volume manager does.
   */
  static Path folder(String namespace, String claimName, String volume, EnvBuilder.Lookup lookup) throws IOException {
    ObjectNode claim = lookup.persistentVolumeClaim(namespace, claimName);
    if (claim == null) {
      throw notReady(volume, "error processing PVC " + namespace + "/" + claimName + ": persistentvolumeclaim \""
          + claimName + "\" not found");
    }
    String volumeName = claim.path("spec").path("volumeName").asText("");
    String phase = claim.path("status").path("phase").asText("");
    if (volumeName.isEmpty() || !"Bound".equals(phase)) {
      throw notReady(volume, "error processing PVC " + namespace + "/" + claimName + ": PVC is not bound");
    }
    ObjectNode pv = lookup.persistentVolume(volumeName);
    if (pv == null) {
      throw notReady(volume, "error processing PVC " + namespace + "/" + claimName + ": persistentvolume \""
          + volumeName + "\" not found");
    }
    JsonNode spec = pv.path("spec");
    if (spec.path("hostPath").isObject()) {
      Path dir = Path.of(spec.path("hostPath").path("path").asText());
      String type = spec.path("hostPath").path("type").asText("");
      if (type.isEmpty() || "DirectoryOrCreate".equals(type)) {
        Files.createDirectories(dir);
      } else if (!Files.isDirectory(dir)) {
        throw new ContainerStartException(WAITING, "MountVolume.SetUp failed for volume \"" + volumeName
            + "\" : hostPath type check failed: " + dir + " is not a directory");
      }
      return dir;
    }
    if (spec.path("local").isObject()) {
      Path dir = Path.of(spec.path("local").path("path").asText());
      if (!Files.isDirectory(dir)) {
        throw new ContainerStartException(WAITING, "MountVolume.NewMounter initialization failed for volume \""
            + volumeName + "\" : path \"" + dir + "\" does not exist");
      }
      return dir;
    }
    throw new ContainerStartException("CreateContainerConfigError", "volume \"" + volumeName
        + "\": only hostPath and local PersistentVolumes can be mounted on dekube nodes");
  }

  /**
   * The folder of a generic ephemeral volume: that of its claim {@code <pod>-<volume>}, which must be controlled by the
   * pod — else the pod waits with kube's {@code PVC ns/name was not created for pod ns/pod (pod is not owner)}, as
   * kube's volume manager refuses it.
   */
  static Path ephemeral(io.fabric8.kubernetes.api.model.Pod pod, io.fabric8.kubernetes.api.model.Volume v,
                        EnvBuilder.Lookup lookup) throws IOException {
    String ns = pod.getMetadata().getNamespace();
    String claimName = PodClaims.ephemeralName(pod.getMetadata().getName(), v.getName());
    ObjectNode claim = lookup.persistentVolumeClaim(ns, claimName);
    if (claim != null) {
      String notOwned = PodClaims.notForPod(pod, Typed.from((ObjectNode) claim.path("metadata"),
          io.fabric8.kubernetes.api.model.ObjectMeta.class));
      if (notOwned != null) {
        throw notReady(v.getName(), notOwned);
      }
    }
    return folder(ns, claimName, v.getName(), lookup);
  }

  private static ContainerStartException notReady(String volume, String why) {
    return new ContainerStartException(WAITING, "Unable to attach or mount volumes: unmounted volumes=[" + volume
        + "], unattached volumes=[], failed to process volumes=[" + volume + "]: " + why);
  }
}
