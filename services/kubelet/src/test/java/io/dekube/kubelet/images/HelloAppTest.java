package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gcr.io/google-samples/hello-app}: the ingress tutorials' Go server. */
class HelloAppTest {

  @TempDir
  Path dir;

  @Test
  void version1AnswersOn8080WithItsHostnameAndLogsEachRequest() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.2")) {
      t.start("web-79d88c97d6-tx9bm", new ContainerBuilder().withName("hello-app")
          .withImage("gcr.io/google-samples/hello-app:1.0").build(), Map.of("HOSTNAME", "web-79d88c97d6-tx9bm"));
      HttpResponse<String> r = t.get(8080, "/v1");
      assertEquals(200, r.statusCode());
      assertEquals("Hello, world!\nVersion: 1.0.0\nHostname: web-79d88c97d6-tx9bm\n", r.body());
      t.awaitLog("hello-app", "Serving request: /v1");
      String log = t.log("hello-app");
      String stamp = "\\S+ stderr F \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d ";
      assertTrue(log.matches("(?s)" + stamp + "Server listening on port 8080\n" + stamp + "Serving request: /v1\n"),
          log);
    }
  }

  @Test
  void version2FromGkesRegistryListensOnPort() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.3")) {
      t.start("web2", new ContainerBuilder().withName("hello-app")
          .withImage("us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0").build(),
          Map.of("PORT", "9090", "HOSTNAME", "web2"));
      assertEquals("Hello, world!\nVersion: 2.0.0\nHostname: web2\n", t.get(9090, "/").body());
    }
  }
}
