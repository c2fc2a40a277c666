package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code registry.k8s.io/nginx-slim}: the StatefulSet tutorial's nginx, serving its volume claim's folder. */
class NginxSlimTest {

  @TempDir
  Path dir;

  @Test
  void theTutorialWritesItsHostnameIntoTheClaimAndCurlReadsItBack() throws Exception {
    Path claim = Files.createDirectories(dir.resolve("pvc-www-web-0"));
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.9.2")) {
      t.start("web-0", new ContainerBuilder().withName("nginx").withImage("registry.k8s.io/nginx-slim:0.21")
          .addNewPort().withContainerPort(80).withName("web").endPort()
          .addNewVolumeMount().withName("www").withMountPath("/usr/share/nginx/html").endVolumeMount().build(),
          Map.of("HOSTNAME", "web-0"), Map.of("/usr/share/nginx/html", claim));
      // kubectl exec "web-$i" -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'
      assertEquals("", t.exec("sh", "-c", "echo \"$(hostname)\" > /usr/share/nginx/html/index.html"));
      assertEquals("web-0\n", Files.readString(claim.resolve("index.html")), "written to the claim's folder");
      // kubectl exec -i -t "web-$i" -- curl http://localhost/
      assertEquals("web-0\n", t.exec("curl", "http://localhost/"));
      assertEquals("web-0\n", t.get(80, "/").body());
      assertEquals("nginx/" + NginxPages.DEFAULT_VERSION, t.get(80, "/").headers().firstValue("Server").orElse(""),
          "nginx-slim's tag is not nginx's version");
      // stopped (a pod's deletion): nginx's master shuts down and exits 0, the container Completed
      assertEquals(0, t.container.stop(java.time.Duration.ofSeconds(5)).toCompletionStage().toCompletableFuture()
          .get(20, java.util.concurrent.TimeUnit.SECONDS));
    }
  }
}
