package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pod's persistentVolumeClaim volume: the bound volume's folder, or ContainerCreating until the claim is bound. */
class ClaimVolumesTest {

  @TempDir
  Path dir;

  private final Map<String, ObjectNode> claims = new HashMap<>();
  private final Map<String, ObjectNode> volumes = new HashMap<>();
  private final EnvBuilder.Lookup lookup = new EnvBuilder.Lookup() {
    @Override
    public ObjectNode configMap(String namespace, String name) {
      return null;
    }

    @Override
    public ObjectNode secret(String namespace, String name) {
      return null;
    }

    @Override
    public List<ObjectNode> services(String namespace) {
      return List.of();
    }

    @Override
    public ObjectNode persistentVolumeClaim(String namespace, String name) {
      return claims.get(namespace + "/" + name);
    }

    @Override
    public ObjectNode persistentVolume(String name) {
      return volumes.get(name);
    }
  };

  private final Pod pod = new PodBuilder().withNewMetadata().withName("db-0").withNamespace("d").withUid("u").endMetadata()
      .withNewSpec().addNewVolume().withName("data").withNewPersistentVolumeClaim("data-db-0", false).endVolume()
      .endSpec().build();

  @Test
  void aPodWaitsUntilItsClaimIsBoundThenSeesTheVolumesFolder() throws Exception {
    ContainerStartException missing = assertThrows(ContainerStartException.class,
        () -> Volumes.prepare(pod, dir.resolve("pod"), lookup, "127.0.0.2", "127.0.0.1"));
    assertEquals(ClaimVolumes.WAITING, missing.reason());
    claims.put("d/data-db-0", (ObjectNode) Json.MAPPER.readTree("{\"spec\":{},\"status\":{\"phase\":\"Pending\"}}"));
    ContainerStartException pending = assertThrows(ContainerStartException.class,
        () -> Volumes.prepare(pod, dir.resolve("pod"), lookup, "127.0.0.2", "127.0.0.1"));
    assertEquals("Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to "
        + "process volumes=[data]: error processing PVC d/data-db-0: PVC is not bound", pending.getMessage());

    Path folder = dir.resolve("volumes/n1/pvc-1_d_data-db-0");
    claims.put("d/data-db-0", (ObjectNode) Json.MAPPER.readTree(
        "{\"spec\":{\"volumeName\":\"pvc-1\"},\"status\":{\"phase\":\"Bound\"}}"));
    volumes.put("pvc-1", (ObjectNode) Json.MAPPER.readTree("{\"spec\":{\"hostPath\":{\"path\":\"" + folder
        + "\",\"type\":\"DirectoryOrCreate\"}}}"));
    assertEquals(Map.of("data", folder), Volumes.prepare(pod, dir.resolve("pod"), lookup, "127.0.0.2", "127.0.0.1"));
    assertTrue(Files.isDirectory(folder));
  }

  /** A generic ephemeral volume: the claim {@code <pod>-<volume>}, when the pod controls it. */
  @Test
  void aGenericEphemeralVolumeIsTheFolderOfTheClaimMadeForThePod() throws Exception {
    Pod web = new PodBuilder().withNewMetadata().withName("web").withNamespace("d").withUid("u").endMetadata()
        .withNewSpec().addNewVolume().withName("scratch").withNewEphemeral().withNewVolumeClaimTemplate().withNewSpec()
        .endSpec().endVolumeClaimTemplate().endEphemeral().endVolume().endSpec().build();
    claims.put("d/web-scratch", (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"web-scratch\","
        + "\"namespace\":\"d\",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"web\","
        + "\"uid\":\"other\",\"controller\":true}]},\"spec\":{\"volumeName\":\"pvc-2\"},\"status\":{\"phase\":\"Bound\"}}"));
    Path folder = dir.resolve("volumes/n1/pvc-2_d_web-scratch");
    volumes.put("pvc-2", (ObjectNode) Json.MAPPER.readTree("{\"spec\":{\"hostPath\":{\"path\":\"" + folder + "\"}}}"));
    ContainerStartException foreign = assertThrows(ContainerStartException.class,
        () -> Volumes.prepare(web, dir.resolve("pod"), lookup, "127.0.0.2", "127.0.0.1"));
    assertEquals("Unable to attach or mount volumes: unmounted volumes=[scratch], unattached volumes=[], failed to "
        + "process volumes=[scratch]: PVC d/web-scratch was not created for pod d/web (pod is not owner)",
        foreign.getMessage());
    ((ObjectNode) claims.get("d/web-scratch").at("/metadata/ownerReferences/0")).put("uid", "u");
    assertEquals(Map.of("scratch", folder), Volumes.prepare(web, dir.resolve("pod"), lookup, "127.0.0.2", "127.0.0.1"));
  }
}
