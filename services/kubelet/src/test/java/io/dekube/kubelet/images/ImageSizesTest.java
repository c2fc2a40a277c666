package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each built-in image weighs what the real image it stands for does on a containerd node. */
class ImageSizesTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "nginx, 68507108", "docker.io/library/nginx:1.27, 68507108", "nginx:1.27-alpine, 20984244",
      "registry.k8s.io/nginx-slim:0.8, 22000000",
      "busybox, 2147340", "busybox:1.28, 727869", "registry.k8s.io/busybox, 1144547", "dekube/busybox, 2147340",
      "alpine:3.20, 3600000", "ubuntu, 29700000", "registry.k8s.io/pause:3.10, 320368",
      "redis:7, 45013665", "mysql:8.0, 168000000", "carsonoid/kube-decon:v7, 4200000",
      "registry.k8s.io/e2e-test-images/agnhost:2.39, 52000000",
      // not an image of the jvm runtime: no size
      "no-such/image:1, 0", "bprashanth/nginxhttps:2.0, 0"})
  void imagesWeighTheirRealImagesCompressedSize(String image, long bytes) {
    assertEquals(bytes, ImageSizes.of(image));
  }
}
