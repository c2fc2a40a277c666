package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code curl} applet, as the tutorials run it inside a pod ({@code curl http://localhost:8080}). */
class CurlTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private HttpServer server;
  private int port;
  private final CapturedOutput output = new CapturedOutput();
  private final StringBuffer out = output.out;
  private final StringBuffer err = output.err;

  @BeforeEach
  void serve() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      switch (req.path()) {
        case "/" -> req.response().putHeader("Content-Type", "text/plain").end("hello " + req.method() + " "
            + req.getHeader("Host") + " " + req.getHeader("User-Agent") + " " + body + "\n");
        case "/moved" -> req.response().setStatusCode(301).putHeader("Location", "/").end();
        default -> req.response().setStatusCode(404).end("no such page\n");
      }
    }));
    port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int curl(String... args) throws Exception {
    output.clear();
    ContainerSpec spec = new ContainerSpec("d", "web", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox").build(), Map.of("HOSTNAME", "web"),
        dir.resolve("c/0.log"), dir, Map.of(), "id");
    List<String> argv = new java.util.ArrayList<>(List.of("curl"));
    argv.addAll(List.of(args));
    ExecSession s = ShellSession.start(vertx, spec, argv, output, false);
    return s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void getsThePageFromLocalhostAsTheTutorialsDo() throws Exception {
    String base = "http://localhost:" + port;
    assertEquals(0, curl(base));
    assertEquals("hello GET localhost:" + port + " curl/7.88.1 \n", out.toString());
    assertEquals("", err.toString());
    assertEquals(0, curl("-s", "-X", "PUT", "-d", "a=1", "-A", "me", "127.0.0.1:" + port + "/"));
    assertEquals("hello PUT 127.0.0.1:" + port + " me a=1\n", out.toString());
    assertEquals(0, curl("-i", base + "/"));
    assertTrue(out.toString().startsWith("HTTP/1.1 200 OK\r\n"), out.toString());
    assertTrue(out.toString().contains("Content-Type: text/plain\r\n") && out.toString().endsWith("\r\n\r\nhello GET "
        + "localhost:" + port + " curl/7.88.1 \n"), out.toString());
    assertEquals(0, curl("-sL", "-w", "%{http_code}\\n", base + "/moved"));
    assertEquals("hello GET localhost:" + port + " curl/7.88.1 \n200\n", out.toString());
    assertEquals(0, curl("-s", "-o", "/tmp/page", base + "/missing"));
    assertEquals("", out.toString());
    assertEquals(0, curl("-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/missing"));
    assertEquals("404", out.toString());
  }

  @Test
  void failuresEndWithCurlsExitCodesAndWords() throws Exception {
    assertEquals(22, curl("-f", "http://localhost:" + port + "/missing"));
    assertEquals("curl: (22) The requested URL returned error: 404\n", err.toString());
    assertEquals(22, curl("-fs", "http://localhost:" + port + "/missing"));
    assertEquals("", err.toString());
    assertEquals(6, curl("-sS", "http://no-such-host.invalid./"));
    assertEquals("curl: (6) Could not resolve host: no-such-host.invalid.\n", err.toString());
    assertEquals(2, curl("-s"));
    assertTrue(err.toString().startsWith("curl: no URL specified!"), err.toString());
    assertEquals(1, curl("ftp://localhost/"));
    assertEquals("curl: (1) Protocol \"ftp\" not supported or disabled in libcurl\n", err.toString());
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(7, curl("http://localhost:" + port + "/"));
    assertEquals("curl: (7) Failed to connect to localhost port " + port + ": Connection refused\n", err.toString());
  }

  /**
   * A server that takes the connection and closes it unanswered (kube-proxy's userspace proxy when the Service's
   * targetPort is wrong) is curl's {@code (52) Empty reply from server}: the connect succeeded, the answer is empty.
   */
  @Test
  void aConnectionClosedUnansweredIsAnEmptyReply() throws Exception {
    var closer = vertx.createNetServer().connectHandler(io.vertx.core.net.NetSocket::close);
    int closing = closer.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    assertEquals(52, curl("http://127.0.0.1:" + closing + "/"));
    assertEquals("curl: (52) Empty reply from server\n", err.toString());
  }

  @Test
  void optionsParseAsCurlReadsThem() {
    CurlArgs a = CurlArgs.parse(List.of("-fsSL", "-H", "X-A: 1", "--max-time=5", "-oout", "web:8080"));
    assertTrue(a.fail() && a.silent() && a.showError() && a.follow());
    assertEquals(List.of("X-A: 1"), a.headers());
    assertEquals(5, a.maxTimeSeconds());
    assertEquals("out", a.output());
    assertEquals("web:8080", a.url());
    assertEquals("HEAD", CurlArgs.parse(List.of("-I", "x")).effectiveMethod());
    assertEquals(2, assertThrows(CurlArgs.Refused.class, () -> CurlArgs.parse(List.of("--nope", "x"))).code);
    assertEquals("a\t1\n", Curl.writeOut("a\\t%{x}\\n", Map.of("x", "1")));
    assertTrue(Files.notExists(dir.resolve("nothing")));
  }
}
