package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.JvmRuntime;
import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * One built-in image started by the real {@link JvmRuntime} on its own loopback pod IP, with an HTTP client to
 * call it and its log to read. Close it after the test.
 */
final class ImageUnderTest implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final String ip;
  final Path dir;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  RunningContainer container;
  /** The pod's /etc/hosts (null: the runtime's own), for names a program resolves without a cluster DNS. */
  String etcHosts;

  ImageUnderTest(Path dir, String ip) {
    this.dir = dir;
    this.ip = ip;
  }

  /** Starts {@code c} in pod {@code pod} with that environment; the container may have exited already. */
  RunningContainer start(String pod, Container c, Map<String, String> env) throws Exception {
    return start(pod, c, env, Map.of());
  }

  /** Starts {@code c} with volumes: the node folders mounted at those paths. */
  RunningContainer start(String pod, Container c, Map<String, String> env, Map<String, Path> mounts) throws Exception {
    ContainerSpec spec = new ContainerSpec("default", pod, "uid-" + pod, "node-1", ip, c, env,
        dir.resolve(c.getName() + "/0.log"), dir, mounts, pod + "-" + c.getName(), etcHosts);
    container = new JvmRuntime(vertx).start(spec).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return container;
  }

  HttpResponse<String> get(int port, String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + path)).timeout(Duration.ofSeconds(20))
        .build());
  }

  HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Runs {@code argv} in the container as {@code kubectl exec} does; its stdout, then its stderr after a NUL. */
  String exec(String... argv) throws Exception {
    StringBuffer out = new StringBuffer();
    StringBuffer err = new StringBuffer();
    var session = container.exec(java.util.List.of(argv), new io.dekube.kubelet.runtime.ExecSession.Output() {
      @Override
      public void stdout(io.vertx.core.buffer.Buffer data) {
        out.append(data);
      }

      @Override
      public void stderr(io.vertx.core.buffer.Buffer data) {
        err.append(data);
      }
    });
    session.exitCode().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return err.length() == 0 ? out.toString() : out + "\u0000" + err;
  }

  /** The container's log so far (CRI lines). */
  String log(String container) throws Exception {
    Path f = dir.resolve(container + "/0.log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  /** Waits until the container's log has {@code text}. */
  void awaitLog(String container, String text) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> log(container).contains(text));
  }

  int exitCode() throws Exception {
    return container.exited().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (container != null && !container.exited().isComplete()) {
      container.stop(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
