package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code registry.k8s.io/hpa-example}: the HPA walkthrough's php-apache, whose requests cost real CPU. */
class HpaExampleTest {

  @TempDir
  Path dir;

  @Test
  void answersOkOnPort80AndEachRequestsLoopIsCpuCountedForTheContainer() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.1")) {
      // the walkthrough's php-apache.yaml: containerPort 80, requests cpu 200m
      t.start("php-apache", new ContainerBuilder().withName("php-apache").withImage("registry.k8s.io/hpa-example")
          .addNewPort().withContainerPort(80).endPort().build(), Map.of());
      long before = t.container.usage().cpuNanos();
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> ok = t.get(80, "/");
        assertEquals(200, ok.statusCode());
        assertEquals("OK!", ok.body());
        assertEquals("PHP/5.6.40", ok.headers().firstValue("X-Powered-By").orElse(""));
      }
      long spent = t.container.usage().cpuNanos() - before;
      // five runs of a million dependent square roots cannot take less than a millisecond of CPU
      assertTrue(spent > 1_000_000, "CPU counted: " + spent + " ns");
      HttpResponse<String> missing = t.get(80, "/nope");
      assertEquals(404, missing.statusCode());
      assertTrue(missing.body().contains("The requested URL /nope was not found on this server."), missing.body());
      t.awaitLog("php-apache", "\"GET /nope HTTP/1.1\" 404");
      String log = t.log("php-apache");
      assertTrue(log.contains("stderr F AH00558: apache2: Could not reliably determine the server's fully qualified "
          + "domain name, using 127.31.7.1."), log);
      assertTrue(log.matches("(?s).*stdout F 127(\\.\\d+){3} - - \\[[^]]+] \"GET / HTTP/1\\.1\" 200 \\d+ \"-\" "
          + "\"Java-http-client/[^\"]+\"\n.*"), log);
    }
  }

  @Test
  void theLoopIsTheIndexPhpOne() {
    assertEquals("OK!", HpaExample.index());
    assertTrue(ImageFiles.of("hpa-example").files().containsKey("/var/www/html/index.php"));
    assertEquals("hpa-example", BuiltInImages.resolve("k8s.gcr.io/hpa-example:latest").orElseThrow().program());
  }
}
