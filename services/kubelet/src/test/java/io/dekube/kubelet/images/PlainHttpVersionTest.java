package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' plain-text HTTP servers answer HTTP/1.1 to a client that offers an upgrade to HTTP/2 (Java's client
 * does by default, as {@code curl --http2}): nginx without {@code http2}, Apache without mod_http2 and Go's net/http
 * ignore {@code Upgrade: h2c}, and their access logs show {@code HTTP/1.1}.
 */
class PlainHttpVersionTest {

  private static final HttpClient PREFERS_HTTP2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  @Test
  void nginxIgnoresAnUpgradeToH2c() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.9.12")) {
      t.start("web", new ContainerBuilder().withName("nginx").withImage("nginx:1.27").build(), Map.of());
      t.get(80, "/"); // listening
      HttpResponse<String> r = get("127.31.9.12", 80);
      assertEquals(HttpClient.Version.HTTP_1_1, r.version());
      assertEquals(200, r.statusCode());
      t.awaitLog("nginx", "\"GET / HTTP/1.1\" 200");
      assertTrue(!t.log("nginx").contains("HTTP/2"), t.log("nginx"));
    }
  }

  @Test
  void aGoServerIgnoresAnUpgradeToH2c() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.9.13")) {
      t.start("hello", new ContainerBuilder().withName("hello-app")
          .withImage("gcr.io/google-samples/hello-app:1.0").build(), Map.of("HOSTNAME", "hello"));
      t.get(8080, "/"); // listening
      HttpResponse<String> r = get("127.31.9.13", 8080);
      assertEquals(HttpClient.Version.HTTP_1_1, r.version());
      assertEquals(200, r.statusCode());
    }
  }

  private static HttpResponse<String> get(String ip, int port) throws Exception {
    return PREFERS_HTTP2.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + "/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
