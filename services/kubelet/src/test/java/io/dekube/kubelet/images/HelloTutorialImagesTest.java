package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The google-samples images of kube's tutorials: {@code node-hello} (the external-IP tutorial) and the hello backend
 * and its nginx frontend ("Connect a Frontend to a Backend Using Services").
 */
class HelloTutorialImagesTest {

  @TempDir
  Path dir;

  @Test
  void nodeHelloSaysHelloKubernetesOn8080() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.10.5")) {
      t.start("hello-world-2895499144-bsbk5", new ContainerBuilder().withName("hello-world")
          .withImage("gcr.io/google-samples/node-hello:1.0").addNewPort().withContainerPort(8080).endPort().build(),
          Map.of());
      HttpResponse<String> r = t.get(8080, "/x?y=1");
      assertEquals(200, r.statusCode());
      assertEquals("Hello Kubernetes!", r.body());
      t.awaitLog("hello-world", "Received request for URL: /x?y=1");
    }
  }

  @Test
  void theFrontendProxiesToTheServiceNamedHelloAndFailsToStartWithoutIt() throws Exception {
    try (ImageUnderTest backend = new ImageUnderTest(dir.resolve("b"), "127.31.10.2");
         ImageUnderTest frontend = new ImageUnderTest(dir.resolve("f"), "127.31.10.3");
         ImageUnderTest lonely = new ImageUnderTest(dir.resolve("l"), "127.31.10.4")) {
      backend.start("backend-1", new ContainerBuilder().withName("hello")
          .withImage("gcr.io/google-samples/hello-go-gke:1.0").addNewPort().withName("http").withContainerPort(80)
          .endPort().build(), Map.of());
      HttpResponse<String> direct = backend.get(80, "/");
      assertEquals("{\"message\":\"Hello\"}\n", direct.body());
      assertEquals("application/json", direct.headers().firstValue("Content-Type").orElse(""));
      // the Service "hello", as the pod's resolver finds it
      frontend.etcHosts = "127.0.0.1\tlocalhost\n127.31.10.2\thello\n";
      frontend.start("frontend-1", new ContainerBuilder().withName("nginx")
          .withImage("gcr.io/google-samples/hello-frontend:1.0").build(), Map.of());
      HttpResponse<String> r = frontend.get(80, "/");
      assertEquals(200, r.statusCode());
      assertEquals("{\"message\":\"Hello\"}\n", r.body());
      assertTrue(r.headers().firstValue("Server").orElse("").startsWith("nginx/"), r.headers().toString());
      frontend.awaitLog("nginx", "\"GET / HTTP/1.1\" 200 20 ");
      assertTrue(frontend.exec("cat", HelloFrontend.CONF_FILE).contains("proxy_pass http://hello;"));
      // nginx resolves its upstream at start: without the Service's name it does not start
      lonely.start("frontend-2", new ContainerBuilder().withName("nginx")
          .withImage("gcr.io/google-samples/hello-frontend:1.0").build(),
          Map.of("DEKUBE_DNS_SERVER", "127.0.0.1", "DEKUBE_DNS_PORT", "1"));
      assertEquals(1, lonely.exitCode());
      // the exit is reported once the log is on disk
      assertTrue(lonely.log("nginx").contains("nginx: [emerg] host not found in upstream \"hello\" in "
          + HelloFrontend.CONF_FILE + ":3"), lonely.log("nginx"));
      // a backend that went: nginx's 502
      backend.container.stop(java.time.Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture().get();
      HttpResponse<String> gone = frontend.get(80, "/");
      assertEquals(502, gone.statusCode());
      assertTrue(gone.body().contains("<title>502 Bad Gateway</title>"), gone.body());
    }
  }
}
