package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BuiltInImagesTest {

  /** Docker's ubuntu, debian and bash images run bash without a command ({@code kubectl debug node/... --image=ubuntu}). */
  @Test
  void ubuntuDebianAndBashImagesRunBashByDefault() {
    assertTrue(BuiltInImages.cmdIsBash("ubuntu"));
    assertTrue(BuiltInImages.cmdIsBash("docker.io/library/debian:bookworm"));
    assertTrue(BuiltInImages.cmdIsBash("bash:5"));
    assertTrue(!BuiltInImages.cmdIsBash("busybox:1.28") && !BuiltInImages.cmdIsBash("alpine"));
  }

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
        "library/busybox", "dekube/busybox", "busybox@sha256:abc", "radial/busyboxplus:curl"}) {
      assertEquals("busybox", BuiltInImages.resolve(image).orElseThrow().program(), image);
    }
    assertEquals("1.28", BuiltInImages.resolve("docker.io/library/busybox:1.28").orElseThrow().tag());
    assertTrue(BuiltInImages.resolve("busybox-extras").isEmpty());
    for (String image : new String[] {"alpine", "alpine:latest", "debian", "ubuntu:22.04", "bash"}) {
      assertEquals("busybox", BuiltInImages.resolve(image).orElseThrow().program(), image + ": the docs' shell images");
    }
  }

  @Test
  void anUnknownImageIsNotThereAndItsErrorListsTheBuiltIns() {
    assertTrue(BuiltInImages.resolve("example.com/no-such/app:7").isEmpty());
    String m = BuiltInImages.pullError("example.com/no-such/app:7");
    assertTrue(m.startsWith("Failed to pull image \"example.com/no-such/app:7\""), m);
    assertTrue(m.contains("carsonoid/kube-decon:<tag>") && m.contains("dekube/echo") && m.contains("busybox"), m);
  }

  /** The images of "Configuring Redis using a ConfigMap" and of the PHP guestbook tutorial. */
  @Test
  void redisAndTheGuestbookImagesResolve() {
    String[][] cases = {{"redis:5.0.4", "redis"}, {"docker.io/redis:6.0.5", "redis"}, {"redis", "redis"},
        {"us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2", "gb-redis-follower"},
        {"us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5", "gb-frontend"},
        {"gcr.io/google_samples/gb-frontend:v4", "gb-frontend"}, {"gcr.io/google_samples/gb-redisslave:v3",
        "gb-redisslave"}};
    for (String[] c : cases) {
      assertEquals(c[1], BuiltInImages.resolve(c[0]).orElseThrow().program(), c[0]);
    }
    assertEquals("5.0.4", BuiltInImages.resolve("redis:5.0.4").orElseThrow().tag());
    String m = BuiltInImages.pullError("quay.io/example/nothing");
    assertTrue(m.contains("redis[:<tag>]") && m.contains("gke/gb-frontend:v5") && m.contains("gb-redis-follower:v2"),
        m);
  }

  /** {@code kubectl create deployment nginx --image=nginx}: the first Deployment of most tutorials. */
  @Test
  void nginxByTheNamesTutorialsUseServesItsWelcomePage() {
    for (String image : new String[] {"nginx", "nginx:1.25", "nginx:alpine", "docker.io/library/nginx:1.27.3",
        "registry.k8s.io/nginx"}) {
      assertEquals("nginx", BuiltInImages.resolve(image).orElseThrow().program(), image);
    }
    assertTrue(BuiltInImages.pullError("example.com/no-such/app").contains("nginx[:<tag>]"));
    assertEquals("1.25", NginxPages.version("1.25"));
    assertEquals("1.25.3", NginxPages.version("1.25.3-alpine"));
    assertEquals(NginxPages.DEFAULT_VERSION, NginxPages.version("latest"));
    assertTrue(NginxPages.WELCOME.contains("<title>Welcome to nginx!</title>"));
    assertEquals("127.134.1.1 - - [06/Dec/2026:01:12:13 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.5.0\"",
        NginxPages.accessLog("127.134.1.1", java.time.ZonedDateTime.parse("2026-12-06T01:12:13Z"), "GET", "/",
            "HTTP/1.1", 200, 615, null, "curl/8.5.0"));
  }

  /** The images of kube's docs and the usual tutorials, by the names they give them. */
  @Test
  void theDocsImagesResolveAndThePullErrorListsThem() {
    String[][] cases = {
        {"registry.k8s.io/hpa-example", "hpa-example"}, {"gcr.io/google-samples/hello-app:2.0", "hello-app"},
        {"registry.k8s.io/echoserver:1.4", "echoserver"}, {"k8s.gcr.io/echoserver:1.10", "echoserver"},
        {"kicbase/echo-server:1.0", "kicbase-echo-server"}, {"hashicorp/http-echo:1.0", "http-echo"},
        {"registry.k8s.io/e2e-test-images/agnhost:2.40", "agnhost"}, {"httpd:2.4", "httpd"},
        {"docker.io/library/httpd", "httpd"}, {"registry.k8s.io/pause:3.10", "pause"},
        {"registry.k8s.io/busybox:1.27.2", "busybox"}, {"registry.k8s.io/goproxy:0.1", "goproxy"},
        {"registry.k8s.io/liveness", "liveness"}, {"registry.k8s.io/serve_hostname", "serve_hostname"}};
    for (String[] c : cases) {
      assertEquals(c[1], BuiltInImages.resolve(c[0]).orElseThrow().program(), c[0]);
    }
    String m = BuiltInImages.pullError("httpbin");
    for (String name : new String[] {"httpd[:<tag>]", "registry.k8s.io/hpa-example", "hashicorp/http-echo",
        "registry.k8s.io/e2e-test-images/agnhost:<tag>", "kicbase/echo-server", "registry.k8s.io/goproxy"}) {
      assertTrue(m.contains(name), name + " in " + m);
    }
  }
}
