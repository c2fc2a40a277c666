package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BuiltInImagesTest {

  @Test
  void theTalksImageIsTheWebProgramWithItsTag() {
    BuiltInImages.Resolved r = BuiltInImages.resolve("carsonoid/kube-decon:v2").orElseThrow();
    assertEquals("web", r.program());
    assertEquals("v2", r.tag());
    assertEquals("latest", BuiltInImages.resolve("docker.io/dekube/web").orElseThrow().tag());
    assertEquals("crash", BuiltInImages.resolve("dekube/crash:1").orElseThrow().program());
    assertEquals("pause", BuiltInImages.resolve("registry.k8s.io/pause:3.10").orElseThrow().program());
  }

  @Test
  void busyboxByEveryNameATutorialUses() {
    for (String image : new String[] {"busybox", "busybox:1.36", "docker.io/library/busybox:1.28",
        "library/busybox", "dekube/busybox", "busybox@sha256:abc"}) {
      assertEquals("busybox", BuiltInImages.resolve(image).orElseThrow().program(), image);
    }
    assertEquals("1.28", BuiltInImages.resolve("docker.io/library/busybox:1.28").orElseThrow().tag());
    assertTrue(BuiltInImages.resolve("busybox-extras").isEmpty());
  }

  @Test
  void anUnknownImageIsNotThereAndItsErrorListsTheBuiltIns() {
    assertTrue(BuiltInImages.resolve("nginx:1.27").isEmpty());
    String m = BuiltInImages.pullError("nginx:1.27");
    assertTrue(m.startsWith("Failed to pull image \"nginx:1.27\""), m);
    assertTrue(m.contains("carsonoid/kube-decon:<tag>") && m.contains("dekube/echo") && m.contains("busybox"), m);
  }
}
