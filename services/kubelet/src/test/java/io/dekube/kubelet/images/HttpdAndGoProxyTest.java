package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code httpd}'s page and log, and {@code registry.k8s.io/goproxy} as an HTTP proxy in front of it. */
class HttpdAndGoProxyTest {

  @TempDir
  Path dir;

  @Test
  void httpdSaysItWorksOnPort80AndLogsInCommonFormat() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.15")) {
      t.start("httpd", new ContainerBuilder().withName("httpd").withImage("httpd:2.4").build(), Map.of());
      HttpResponse<String> r = t.get(80, "/");
      assertEquals(200, r.statusCode());
      assertEquals("<html><body><h1>It works!</h1></body></html>\n", r.body());
      assertEquals("Apache/2.4.62 (Unix)", r.headers().firstValue("Server").orElse(""));
      assertEquals(404, t.get(80, "/missing.html").statusCode());
      t.awaitLog("httpd", "\"GET /missing.html HTTP/1.1\" 404");
      String log = t.log("httpd");
      assertTrue(log.matches("(?s).*stdout F 127[.\\d]+ - - \\[[^]]+] \"GET / HTTP/1\\.1\" 200 45\n.*"), log);
      assertTrue(log.contains("stderr F AH00558: httpd: Could not reliably determine the server's fully"), log);
    }
  }

  @Test
  void goproxyListensOn8080AndProxiesAbsoluteUris() throws Exception {
    try (ImageUnderTest web = new ImageUnderTest(dir.resolve("web"), "127.31.7.16");
         ImageUnderTest proxy = new ImageUnderTest(dir.resolve("proxy"), "127.31.7.17")) {
      web.start("web", new ContainerBuilder().withName("httpd").withImage("httpd").build(), Map.of());
      proxy.start("goproxy", new ContainerBuilder().withName("goproxy").withImage("registry.k8s.io/goproxy:0.1")
          .build(), Map.of());
      HttpResponse<String> direct = proxy.get(8080, "/");
      assertEquals(500, direct.statusCode());
      assertEquals(GoProxy.NOT_A_PROXY_REQUEST, direct.body());
      HttpClient viaProxy = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.31.7.17", 8080)))
          .build();
      HttpResponse<String> proxied = viaProxy.send(HttpRequest.newBuilder(URI.create("http://127.31.7.16/"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals("<html><body><h1>It works!</h1></body></html>\n", proxied.body());
    }
  }
}
