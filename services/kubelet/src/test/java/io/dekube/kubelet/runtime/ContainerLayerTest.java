package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jvm container's writable layer: what exec writes stays while it runs, nginx serves it, a restart starts fresh. */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class ContainerLayerTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  private RunningContainer nginx(int port, String log) throws Exception {
    ContainerSpec spec = new ContainerSpec("d", "web", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("nginx").withImage("nginx:1.27").build(), Map.of("PORT", Integer.toString(port)),
        dir.resolve("pod/nginx/" + log), dir.resolve("pod/nginx/root"), Map.of(), "id");
    return new JvmRuntime(vertx).start(spec).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code sh -c script} in {@code c}: its exit code must be {@code code}; its stdout and stderr. */
  private static CapturedOutput exec(RunningContainer c, String script, int code) throws Exception {
    CapturedOutput out = new CapturedOutput();
    ExecSession s = c.exec(List.of("sh", "-c", script), out);
    assertEquals(code, s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS), out.err.toString());
    return out;
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void nginxServesWhatExecWroteAndARestartedContainerStartsFromAFreshLayer() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RunningContainer first = nginx(port, "0.log");
    assertTrue(get(port, "/").body().contains("Welcome to nginx!"));
    exec(first, "echo '<h1>mine</h1>' > /usr/share/nginx/html/index.html; mkdir /usr/share/nginx/html/docs; "
        + "echo notes > /usr/share/nginx/html/docs/a.txt; echo kept > /tmp/f", 0);
    assertEquals("<h1>mine</h1>\n", get(port, "/").body());
    HttpResponse<String> notes = get(port, "/docs/../docs/a.txt");
    assertEquals("notes\n", notes.body());
    assertEquals("text/plain", notes.headers().firstValue("Content-Type").orElse(""));
    assertEquals(404, get(port, "/../../etc/passwd").statusCode());
    assertEquals("kept\n", exec(first, "cat /tmp/f", 0).out.toString());
    first.stop(Duration.ZERO).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    RunningContainer second = nginx(port, "1.log");
    assertTrue(get(port, "/").body().contains("Welcome to nginx!"));
    assertEquals("cat: can't open '/tmp/f': No such file or directory\n", exec(second, "cat /tmp/f", 1).err.toString());
    second.stop(Duration.ZERO).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
