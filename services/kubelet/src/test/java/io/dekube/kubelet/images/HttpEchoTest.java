package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hashicorp/http-echo}: its flags, answers and refusals. */
class HttpEchoTest {

  @TempDir
  Path dir;

  @Test
  void theIngressTutorialsBackendsAnswerTheirTextOn5678() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.7")) {
      t.start("apple-app", new ContainerBuilder().withName("apple-app").withImage("hashicorp/http-echo")
          .withArgs("-text=apple").build(), Map.of());
      HttpResponse<String> r = t.get(5678, "/apple");
      assertEquals(200, r.statusCode());
      assertEquals("apple\n", r.body());
      assertEquals("http-echo", r.headers().firstValue("X-App-Name").orElse(""));
      assertEquals("{\"status\":\"ok\"}\n", t.get(5678, "/health").body());
      t.awaitLog("apple-app", "\"GET /apple HTTP/1.1\" 200 6");
      assertTrue(t.log("apple-app").contains("[INFO] server is listening on :5678"), t.log("apple-app"));
      t.container.stop(Duration.ofSeconds(1));
      assertEquals(2, t.exitCode());
    }
  }

  @Test
  void listenAndStatusCodeFlagsInBothSpellings() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.8")) {
      t.start("teapot", new ContainerBuilder().withName("echo").withImage("hashicorp/http-echo:1.0")
          .withArgs("--listen", ":8080", "-status-code=418", "-text", "short and stout").build(), Map.of());
      HttpResponse<String> r = t.get(8080, "/");
      assertEquals(418, r.statusCode());
      assertEquals("short and stout\n", r.body());
      assertEquals("1.0.0", r.headers().firstValue("X-App-Version").orElse(""));
    }
  }

  @Test
  void withoutTextOrWithAnUnknownFlagTheContainerExitsAsTheGoProgram() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.7.9")) {
      t.start("no-text", new ContainerBuilder().withName("echo").withImage("hashicorp/http-echo").build(), Map.of());
      assertEquals(127, t.exitCode());
      t.awaitLog("echo", "stderr F Missing -text option or ECHO_TEXT env var!");
    }
    GoFlags unknown = GoFlags.std(List.of("-txt=a"), Set.of("text"), Set.of());
    assertEquals("flag provided but not defined: -txt", unknown.error());
    assertEquals("Too many arguments!", HttpEcho.check(GoFlags.std(List.of("-text=a", "b"), Set.of("text"), Set.of()),
        null));
    assertEquals(null, HttpEcho.check(GoFlags.std(List.of(), Set.of("text"), Set.of()), "from env"));
    assertEquals("35.2µs", HttpEcho.goDuration(35_200));
    assertEquals("1.5ms", HttpEcho.goDuration(1_500_000));
    assertEquals("1m5.25s", HttpEcho.goDuration(65_250_000_000L));
    assertEquals("1h0m0s", HttpEcho.goDuration(3_600_000_000_000L));
  }
}
