package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configMap, secret or projected volume whose ConfigMap, Secret or item key is not there: the pod waits in
 * ContainerCreating with kube's {@code MountVolume.SetUp failed} words ("Configure a Pod to Use a ConfigMap"),
 * not CreateContainerConfigError (which is the environment's failure); an optional one is mounted without it.
 */
class SourceVolumesTest {

  @TempDir
  Path dir;

  private final MapLookup lookup = new MapLookup();
  private final Map<String, ObjectNode> configMaps = lookup.configMaps;
  private final Map<String, ObjectNode> secrets = lookup.secrets;

  private static Pod pod(VolumeBuilder volume) {
    return new PodBuilder().withNewMetadata().withName("dapi-test-pod").withNamespace("default").endMetadata()
        .withNewSpec().addToVolumes(volume.withName("config-volume").build()).endSpec().build();
  }

  private String waiting(Pod pod) {
    ContainerStartException e = assertThrows(ContainerStartException.class,
        () -> Volumes.prepare(pod, dir, lookup, "127.0.0.1", "127.0.1.1"));
    assertEquals(ClaimVolumes.WAITING, e.reason());
    return e.getMessage();
  }

  @Test
  void aMissingConfigMapOrSecretKeepsThePodContainerCreatingWithKubesWords() throws Exception {
    Pod cm = pod(new VolumeBuilder().withNewConfigMap().withName("special-config").endConfigMap());
    assertEquals("MountVolume.SetUp failed for volume \"config-volume\" : configmap \"special-config\" not found",
        waiting(cm));
    Pod secret = pod(new VolumeBuilder().withNewSecret().withSecretName("test-secret").endSecret());
    assertEquals("MountVolume.SetUp failed for volume \"config-volume\" : secret \"test-secret\" not found",
        waiting(secret));
    Pod projected = pod(new VolumeBuilder().withNewProjected().addNewSource().withNewConfigMap()
        .withName("special-config").endConfigMap().endSource().endProjected());
    assertEquals("MountVolume.SetUp failed for volume \"config-volume\" : configmap \"special-config\" not found",
        waiting(projected));

    configMaps.put("special-config", (ObjectNode) Json.MAPPER.readTree("{\"data\":{\"SPECIAL_LEVEL\":\"very\"}}"));
    assertEquals("very", Files.readString(Volumes.prepare(cm, dir, lookup, "127.0.0.1", "127.0.1.1")
        .get("config-volume").resolve("SPECIAL_LEVEL")));
  }

  @Test
  void anItemsKeyThatIsNotThereIsRefusedUnlessOptional() throws Exception {
    configMaps.put("special-config", (ObjectNode) Json.MAPPER.readTree("{\"data\":{\"SPECIAL_LEVEL\":\"very\"}}"));
    secrets.put("test-secret", (ObjectNode) Json.MAPPER.readTree("{\"data\":{\"username\":\"bXktYXBw\"}}"));
    assertEquals("MountVolume.SetUp failed for volume \"config-volume\" : configmap references non-existent config "
        + "key: SPECIAL_TYPE", waiting(pod(new VolumeBuilder().withNewConfigMap().withName("special-config")
            .addNewItem().withKey("SPECIAL_TYPE").withPath("keys").endItem().endConfigMap())));
    assertEquals("MountVolume.SetUp failed for volume \"config-volume\" : references non-existent secret key: "
        + "password", waiting(pod(new VolumeBuilder().withNewSecret().withSecretName("test-secret")
            .addNewItem().withKey("password").withPath("p").endItem().endSecret())));

    Pod optional = pod(new VolumeBuilder().withNewConfigMap().withName("special-config").withOptional(true)
        .addNewItem().withKey("SPECIAL_TYPE").withPath("type").endItem()
        .addNewItem().withKey("SPECIAL_LEVEL").withPath("keys").endItem().endConfigMap());
    Path volume = Volumes.prepare(optional, dir, lookup, "127.0.0.1", "127.0.1.1").get("config-volume");
    assertEquals("very", Files.readString(volume.resolve("keys")));
    assertEquals(false, Files.exists(volume.resolve("type")));
  }
}
