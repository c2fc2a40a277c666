package io.dekube.kubelet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.kubelet.KubeletConfig;
import java.nio.file.Path;
import java.time.Instant;
import io.dekube.kubelet.runtime.RuntimeImage;
import org.junit.jupiter.api.Test;

class NodeObjectsTest {

  private final KubeletConfig config = KubeletConfig.defaults("n1", "127.0.1.1", Path.of("/tmp"));

  private static ObjectNode node(String capacity, String allocatable) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree("{\"status\":{\"capacity\":" + capacity + ",\"allocatable\":"
        + allocatable + "}}");
  }

  private JsonNode statusOver(ObjectNode current) {
    return NodeObjects.status(config, 10250, Instant.EPOCH, "boot", current);
  }

  @Test
  void anExtendedResourcePatchedIntoTheCapacityBecomesAllocatable() throws Exception {
    ObjectNode current = node("{\"cpu\":\"4\",\"memory\":\"8Gi\",\"example.com/dongle\":\"4\"}",
        "{\"cpu\":\"4\",\"memory\":\"8Gi\"}");
    assertTrue(NodeObjects.allocatableBehind(current));
    JsonNode status = statusOver(current);
    assertEquals("4", status.at("/allocatable/example.com~1dongle").asText());
    assertEquals("4", status.at("/allocatable/cpu").asText());
    assertTrue(status.at("/capacity/example.com~1dongle").isMissingNode(),
        "the capacity is the operator's: the merge patch leaves it alone");
  }

  @Test
  void anExtendedResourceRemovedFromTheCapacityLeavesTheAllocatable() throws Exception {
    ObjectNode current = node("{\"cpu\":\"4\"}", "{\"cpu\":\"4\",\"example.com/dongle\":\"4\"}");
    assertTrue(NodeObjects.allocatableBehind(current));
    assertTrue(statusOver(current).at("/allocatable/example.com~1dongle").isNull(), "null deletes it in a merge patch");
  }

  @Test
  void nativeResourcesAreTheKubeletsOwn() throws Exception {
    ObjectNode current = node("{\"cpu\":\"4\",\"hugepages-2Mi\":\"0\",\"kubernetes.io/batteries\":\"1\"}",
        "{\"cpu\":\"4\"}");
    JsonNode status = statusOver(current);
    assertTrue(status.at("/allocatable/hugepages-2Mi").isMissingNode());
    assertTrue(status.at("/allocatable/kubernetes.io~1batteries").isMissingNode());
    assertFalse(NodeObjects.allocatableBehind(node("{\"cpu\":\"4\",\"example.com/dongle\":\"4\"}",
        "{\"cpu\":\"3\",\"example.com/dongle\":\"4\"}")));
  }

  /**
   * A Node the node controller marked Unknown (its kubelet was cut off) and the kubelet posting again:
   * kube's setters record the pressure events and NodeReady and give the changed conditions a new
   * lastTransitionTime; a status that changes nothing records nothing and keeps the times.
   */
  @Test
  void aNodeBackFromUnknownGetsKubesEventsAndNewTransitionTimes() throws Exception {
    Instant t1 = Instant.parse("2026-01-01T00:10:00Z");
    JsonNode ready = NodeObjects.status(config, 10250, Instant.EPOCH, "boot", null);
    assertEquals("1970-01-01T00:00:00Z", ready.at("/conditions/3/lastTransitionTime").asText());
    ObjectNode unknown = (ObjectNode) Json.object().set("status", ready.deepCopy());
    unknown.at("/status/conditions").forEach(c -> ((ObjectNode) c).put("status", "Unknown"));
    JsonNode back = NodeObjects.status(config, 10250, t1, "boot", unknown);
    assertEquals(java.util.List.of("NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID",
        "NodeReady"), NodeObjects.conditionEvents(unknown.path("status"), back));
    assertEquals("2026-01-01T00:10:00Z", back.at("/conditions/3/lastTransitionTime").asText());
    ObjectNode readyNode = (ObjectNode) Json.object().set("status", back);
    JsonNode again = NodeObjects.status(config, 10250, t1.plusSeconds(60), "boot", readyNode);
    assertEquals(java.util.List.of(), NodeObjects.conditionEvents(readyNode.path("status"), again));
    assertEquals("2026-01-01T00:10:00Z", again.at("/conditions/3/lastTransitionTime").asText());
    ObjectNode notReady = readyNode.deepCopy();
    ((ObjectNode) notReady.at("/status/conditions/3")).put("status", "False");
    assertEquals(java.util.List.of("NodeReady"), NodeObjects.conditionEvents(notReady.path("status"), again));
    assertEquals(java.util.List.of("NodeNotReady"), NodeObjects.conditionEvents(again, notReady.path("status")));
  }

  /** The eviction manager's pressure conditions with kube's setters' reasons, messages and events. */
  @Test
  void pressureConditionsAreTrueWithKubesReasonsAndEvents() throws Exception {
    Instant t1 = Instant.parse("2026-01-01T00:10:00Z");
    JsonNode calm = NodeObjects.status(config, 10250, Instant.EPOCH, "boot", null);
    ObjectNode calmNode = (ObjectNode) Json.object().set("status", calm);
    JsonNode pressed = NodeObjects.status(config, 10250, t1, "boot", calmNode,
        java.util.List.of("MemoryPressure", "DiskPressure", "PIDPressure"));
    assertEquals("MemoryPressure True KubeletHasInsufficientMemory kubelet has insufficient memory available "
        + "2026-01-01T00:10:00Z", line(pressed.at("/conditions/0")));
    assertEquals("DiskPressure True KubeletHasDiskPressure kubelet has disk pressure 2026-01-01T00:10:00Z",
        line(pressed.at("/conditions/1")));
    assertEquals("PIDPressure True KubeletHasInsufficientPID kubelet has insufficient PID available "
        + "2026-01-01T00:10:00Z", line(pressed.at("/conditions/2")));
    assertEquals(java.util.List.of("NodeHasInsufficientMemory", "NodeHasDiskPressure", "NodeHasInsufficientPID"),
        NodeObjects.conditionEvents(calm, pressed));
    JsonNode back = NodeObjects.status(config, 10250, t1.plusSeconds(300), "boot",
        (ObjectNode) Json.object().set("status", pressed), java.util.List.of("DiskPressure"));
    assertEquals("MemoryPressure False KubeletHasSufficientMemory kubelet has sufficient memory available "
        + "2026-01-01T00:15:00Z", line(back.at("/conditions/0")));
    assertEquals("2026-01-01T00:10:00Z", back.at("/conditions/1/lastTransitionTime").asText());
    assertEquals(java.util.List.of("NodeHasSufficientMemory", "NodeHasSufficientPID"),
        NodeObjects.conditionEvents(pressed, back));
  }

  private static String line(JsonNode c) {
    return String.join(" ", c.path("type").asText(), c.path("status").asText(), c.path("reason").asText(),
        c.path("message").asText(), c.path("lastTransitionTime").asText());
  }

  @Test
  void imagesThePodsPulledAreListedAsKubesKubeletListsThem() throws Exception {
    ObjectNode status = (ObjectNode) NodeObjects.status(config, 10250, Instant.EPOCH, "boot", null);
    NodeObjects.putImages(status, NodeObjects.builtIn(java.util.List.of("busybox:1.36", "redis:7", "nginx",
        "no-such/image:1", "mysql:8.0")));
    JsonNode images = status.path("images");
    assertEquals(4, images.size(), images.toString());
    for (JsonNode i : images) {
      assertTrue(i.path("names").get(0).asText().matches(
          "docker\\.io/library/(nginx|redis|mysql|busybox)@sha256:[0-9a-f]{64}"), i.toString());
    }
    // each weighs what its real image does on a containerd node, the largest first
    java.util.List<String> bySize = new java.util.ArrayList<>();
    images.forEach(i -> bySize.add(i.path("names").get(1).asText() + " " + i.path("sizeBytes").asLong()));
    assertEquals(java.util.List.of("docker.io/library/mysql:8.0 168000000", "docker.io/library/nginx:latest 68507108",
        "docker.io/library/redis:7 45013665", "docker.io/library/busybox:1.36 2147340"), bySize);
    assertTrue(statusOver(null).path("images").isMissingNode(), "no image pulled: no images");
    ObjectNode seen = (ObjectNode) Json.MAPPER.readTree("{\"status\":{}}");
    var nginx = NodeObjects.builtIn(java.util.List.of("nginx"));
    assertTrue(NodeObjects.imagesBehind(seen, nginx));
    ((ObjectNode) seen.get("status")).set("images", NodeObjects.images(nginx));
    assertFalse(NodeObjects.imagesBehind(seen, nginx));
  }

  @Test
  void aRuntimesImagesAreListedWithItsSizesLargestFirstAndAtMostFiveNames() {
    var held = java.util.List.of(
        new RuntimeImage("sha256:aa", java.util.List.of("localhost/small@sha256:11", "localhost/small:1"), 4_400_000),
        new RuntimeImage("sha256:bb", java.util.List.of("r/big@sha256:22", "r/big:1", "r/big:2", "r/big:3", "r/big:4",
            "r/big:5"), 90_000_000),
        new RuntimeImage("sha256:cc", java.util.List.of("r/tie:1"), 4_400_000),
        new RuntimeImage("sha256:dd", java.util.List.of(), 1_000));
    JsonNode images = NodeObjects.images(held);
    assertEquals("[{\"names\":[\"r/big@sha256:22\",\"r/big:1\",\"r/big:2\",\"r/big:3\",\"r/big:4\"],"
        + "\"sizeBytes\":90000000},{\"names\":[\"r/tie:1\"],\"sizeBytes\":4400000},{\"names\":"
        + "[\"localhost/small@sha256:11\",\"localhost/small:1\"],\"sizeBytes\":4400000},{\"names\":[],"
        + "\"sizeBytes\":1000}]", images.toString()); // ties: the larger id first, as kube's ByImageSize
  }

  @Test
  void atMostFiftyImages() {
    java.util.List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      many.add("nginx:1." + i);
    }
    // the jvm runtime resolves any nginx tag; each tag is its own image
    assertEquals(50, NodeObjects.images(NodeObjects.builtIn(many)).size());
  }
}
