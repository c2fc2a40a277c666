package io.dekube.kubelet.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.JvmRuntime;
import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Configure Liveness, Readiness and Startup Probes"' gRPC liveness probe: the page's etcd-with-grpc container, its
 * health service checked by the kubelet's own gRPC probe.
 */
class EtcdProbeTest {

  private static final String IP = "127.31.9.21";
  private final Vertx vertx = Vertx.vertx();

  @TempDir
  Path dir;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String check(String service) throws Exception {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    return io.vertx.core.Future.<String>future(p -> context.runOnContext(v -> GrpcHealthCheck.check(vertx, IP, 2379,
        service, 1000).onComplete(p))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void thePagesEtcdPassesTheGrpcLivenessProbe() throws Exception {
    Container c = new ContainerBuilder().withName("etcd").withImage("registry.k8s.io/etcd:3.5.1-0")
        .withCommand("/usr/local/bin/etcd", "--data-dir", "/var/lib/etcd", "--listen-client-urls",
            "http://0.0.0.0:2379", "--advertise-client-urls", "http://127.0.0.1:2379", "--log-level", "debug")
        .addNewPort().withContainerPort(2379).endPort().build();
    ContainerSpec spec = new ContainerSpec("default", "etcd-with-grpc", "uid-etcd", "node-1", IP, c, Map.of(),
        dir.resolve("etcd/0.log"), dir, Map.of(), "etcd-with-grpc-etcd", null);
    RunningContainer etcd = new JvmRuntime(vertx).start(spec).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);

    // the first check may meet a cold JVM on a loaded machine: the probe is made again each period, as kube's
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> check("") == null);
    assertNull(check(""), "kube's default service \"\" is SERVING");
    assertEquals("error: health rpc probe failed: rpc error: code = NotFound desc = unknown service",
        check("liveness"));

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertEquals("{\"health\":\"true\",\"reason\":\"\"}", http.send(HttpRequest.newBuilder(
        URI.create("http://" + IP + ":2379/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
    assertEquals("{\"etcdserver\":\"3.5.1\",\"etcdcluster\":\"3.5.0\"}", http.send(HttpRequest.newBuilder(
        URI.create("http://" + IP + ":2379/version")).build(), HttpResponse.BodyHandlers.ofString()).body());

    Path log = dir.resolve("etcd/0.log");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log)
        .contains("ready to serve client requests"));
    String lines = Files.readString(log);
    assertTrue(lines.contains("stderr F {\"level\":\"info\",\"ts\":\""), lines);
    assertTrue(lines.contains("\"caller\":\"etcdmain/etcd.go:72\",\"msg\":\"Running: \",\"args\":"
        + "[\"/usr/local/bin/etcd\",\"--data-dir\",\"/var/lib/etcd\","), lines);
    // etcd's ids of a single member with the default peer URL and token
    assertTrue(lines.contains("\"local-member-id\":\"8e9e05c52164694d\",\"cluster-id\":\"cdf818194e3a8c32\""), lines);
    assertTrue(lines.contains("\"local-member-attributes\":\"{Name:default ClientURLs:[http://127.0.0.1:2379]}\""),
        lines);

    assertEquals(0, etcd.stop(Duration.ofSeconds(30)).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS), "etcd as PID 1 exits 0 on SIGTERM");
    assertTrue(Files.readString(log).contains("\"msg\":\"received signal; shutting down\",\"signal\":\"terminated\""));
  }
}
