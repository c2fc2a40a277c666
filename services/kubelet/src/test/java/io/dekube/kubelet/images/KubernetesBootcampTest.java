package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "Learn Kubernetes Basics" tutorial's {@code kubernetes-bootcamp} app, as its pages show it. */
class KubernetesBootcampTest {

  @TempDir
  Path dir;

  @Test
  void version1AnswersOn8080AndItsShellShowsServerJsAndCurlsIt() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.8.2")) {
      String pod = "kubernetes-bootcamp-5485cc6795-x2dkf";
      t.start(pod, new ContainerBuilder().withName("kubernetes-bootcamp")
          .withImage("gcr.io/google-samples/kubernetes-bootcamp:v1").build(), Map.of("HOSTNAME", pod));
      HttpResponse<String> r = t.get(8080, "/anything");
      assertEquals(200, r.statusCode());
      assertEquals("Hello Kubernetes bootcamp! | Running on: " + pod + " | v=1\n", r.body());
      assertEquals("text/plain", r.headers().firstValue("Content-Type").orElse(""));
      t.awaitLog("kubernetes-bootcamp", "Total Requests: 1 |");
      String log = t.log("kubernetes-bootcamp");
      String stamp = "\\S+ stdout F ";
      assertTrue(log.matches("(?s)" + stamp + "Kubernetes Bootcamp App Started At: \\d{4}-\\d\\d-\\d\\dT[0-9:]{8}\\.\\d{3}Z"
          + " \\| Running On:  " + pod + " \n" + stamp + "\n" + stamp + "Running On: " + pod + " \\| Total Requests: 1 \\| "
          + "App Uptime: [0-9.]+ seconds \\| Log Time: \\S+Z\n"), log);
      // the tutorial's kubectl exec -ti $POD_NAME -- bash, then cat server.js and curl http://localhost:8080
      String js = t.exec("bash", "-c", "cat server.js");
      assertTrue(js.contains("response.write('Hello Kubernetes bootcamp! | Running on: ');") && js.contains("v=1")
          && js.contains(".listen(8080"), js);
      assertEquals("Hello Kubernetes bootcamp! | Running on: " + pod + " | v=1\n",
          t.exec("bash", "-c", "curl http://localhost:8080"));
    }
  }

  @Test
  void version2AnswersV2() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.8.3")) {
      t.start("b2", new ContainerBuilder().withName("kubernetes-bootcamp")
          .withImage("docker.io/jocatalin/kubernetes-bootcamp:v2").build(), Map.of("HOSTNAME", "b2", "PORT", "9999"));
      assertEquals("Hello Kubernetes bootcamp! | Running on: b2 | v=2\n", t.get(8080, "/").body());
      assertTrue(t.exec("cat", "/server.js").contains("v=2"));
    }
  }

  @Test
  void onlyTheTagsThatWerePushedExist() {
    assertEquals("v1", BuiltInImages.resolve("gcr.io/google-samples/kubernetes-bootcamp:v1").orElseThrow().tag());
    assertEquals("kubernetes-bootcamp", BuiltInImages.resolve("jocatalin/kubernetes-bootcamp:v2").orElseThrow()
        .program());
    assertEquals("kubernetes-bootcamp", BuiltInImages.resolve("docker.io/jocatalin/kubernetes-bootcamp:v1")
        .orElseThrow().program());
    // the rolling-update tutorial's bad update: v10 was never pushed, so it fails to pull as on a real cluster
    assertTrue(BuiltInImages.resolve("gcr.io/google-samples/kubernetes-bootcamp:v10").isEmpty());
    assertTrue(BuiltInImages.resolve("gcr.io/google-samples/kubernetes-bootcamp:v2").isEmpty());
    assertTrue(BuiltInImages.resolve("gcr.io/google-samples/kubernetes-bootcamp").isEmpty(), "no :latest");
    assertTrue(BuiltInImages.pullError("x").contains("jocatalin/kubernetes-bootcamp:v1|v2"));
  }
}
