package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Image references as containerd names the pulled image: the status's {@code image} and {@code imageID}'s name. */
class ImageRefTest {

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource({
      "nginx, docker.io/library/nginx:latest, docker.io/library/nginx",
      "debian, docker.io/library/debian:latest, docker.io/library/debian",
      "busybox:1.28, docker.io/library/busybox:1.28, docker.io/library/busybox",
      "library/busybox, docker.io/library/busybox:latest, docker.io/library/busybox",
      "docker.io/nginx:1.27, docker.io/library/nginx:1.27, docker.io/library/nginx",
      "index.docker.io/bitnami/redis:7, docker.io/bitnami/redis:7, docker.io/bitnami/redis",
      "bitnami/redis, docker.io/bitnami/redis:latest, docker.io/bitnami/redis",
      "registry.k8s.io/busybox, registry.k8s.io/busybox:latest, registry.k8s.io/busybox",
      "registry.k8s.io/etcd:3.5.1-0, registry.k8s.io/etcd:3.5.1-0, registry.k8s.io/etcd",
      "localhost/app:v1, localhost/app:v1, localhost/app",
      "myregistry:5000/team/app, myregistry:5000/team/app:latest, myregistry:5000/team/app",
      "nginx@sha256:abc, docker.io/library/nginx@sha256:abc, docker.io/library/nginx"})
  void containerdsNames(String image, String normalized, String repository) {
    assertEquals(normalized, ImageRef.normalized(image));
    assertEquals(repository, ImageRef.repository(image));
  }

  @Test
  void oneImageNamedTwoWaysHasOneImageId() {
    assertEquals(JvmRuntime.imageId("nginx"), JvmRuntime.imageId("docker.io/library/nginx:latest"));
    assertEquals(JvmRuntime.imageId("busybox:1.36"), JvmRuntime.imageId("docker.io/busybox:1.36"));
    assertTrue(JvmRuntime.imageId("nginx").startsWith("docker.io/library/nginx@sha256:"));
    assertNotEquals(JvmRuntime.imageId("nginx:1.27"), JvmRuntime.imageId("nginx"));
  }
}
