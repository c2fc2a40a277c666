package io.dekube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.kubelet.KubeletConfig;
import io.dekube.kubelet.eviction.EvictionConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /configz}'s eviction settings, as kube's kubelet writes its KubeletConfiguration. */
class KubeletConfigzTest {

  private final KubeletConfig config = KubeletConfig.defaults("n1", "127.0.1.1", Path.of("/tmp"));

  @Test
  void kubesDefaultEvictionSettings() {
    ObjectNode o = KubeletConfigz.of(config, 10250);
    assertEquals("{\"imagefs.available\":\"15%\",\"imagefs.inodesFree\":\"5%\",\"memory.available\":\"100Mi\","
        + "\"nodefs.available\":\"10%\",\"nodefs.inodesFree\":\"5%\"}", o.path("evictionHard").toString());
    assertEquals("5m0s", o.path("evictionPressureTransitionPeriod").asText());
    assertFalse(o.has("evictionSoft"), "empty maps are left out");
    assertFalse(o.has("evictionMaxPodGracePeriod"), "0 is left out");
  }

  @Test
  void givenEvictionSettings() {
    EvictionConfig e = EvictionConfig.parse(EvictionConfig.langleMap("memory.available<500Mi"),
        EvictionConfig.langleMap("memory.available<1Gi"), EvictionConfig.equalsMap("memory.available=1m30s"),
        Map.of(), 60, Duration.ofSeconds(30));
    ObjectNode o = KubeletConfigz.of(config, 10250, e);
    assertEquals("{\"memory.available\":\"500Mi\"}", o.path("evictionHard").toString());
    assertEquals("{\"memory.available\":\"1m30s\"}", o.path("evictionSoftGracePeriod").toString());
    assertEquals("30s", o.path("evictionPressureTransitionPeriod").asText());
    assertEquals(60, o.path("evictionMaxPodGracePeriod").asInt());
  }
}
