package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Mounted ConfigMaps are updated automatically": the kubelet's periodic sync of configMap volumes. */
class VolumeRefreshTest {

  @TempDir
  Path dir;

  private final MapLookup lookup = new MapLookup();
  private final Map<String, ObjectNode> configMaps = lookup.configMaps;


  private void sport(Map<String, String> data) {
    ObjectNode cm = new ObjectMapper().createObjectNode();
    data.forEach(cm.putObject("data")::put);
    configMaps.put("sport", cm);
  }

  @Test
  void aChangedConfigMapReachesTheVolumeAndAGoneOneLeavesItAsItWas() throws Exception {
    Pod pod = new PodBuilder().withNewMetadata().withName("configmap-volume").withNamespace("default").endMetadata()
        .withNewSpec().addNewVolume().withName("config-volume").withNewConfigMap().withName("sport").endConfigMap()
        .endVolume().endSpec().build();
    sport(Map.of("sport", "football", "team", "reds"));
    Map<String, Path> dirs = Volumes.prepare(pod, dir, lookup, "127.0.0.1", "127.0.1.1");
    Path volume = dirs.get("config-volume");
    assertEquals("football", Files.readString(volume.resolve("sport")));
    sport(Map.of("sport", "cricket"));
    Volumes.refresh(pod, dirs, lookup, "127.0.0.1", "127.0.1.1");
    assertEquals("cricket", Files.readString(volume.resolve("sport")));
    assertFalse(Files.exists(volume.resolve("team")), "a key no longer in the ConfigMap");
    configMaps.clear();
    Volumes.refresh(pod, dirs, lookup, "127.0.0.1", "127.0.1.1");
    assertEquals("cricket", Files.readString(volume.resolve("sport")));
  }
}
