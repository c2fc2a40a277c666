package io.dekube.apiserver.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.discovery.DiscoveryHandler;
import io.dekube.apiserver.endpoints.VersionEndpoint;
import io.dekube.apiserver.rest.backend.MemoryBackend;
import io.dekube.apiserver.server.StatusFailureHandler;
import io.dekube.core.model.ResourceRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real kubectl against the REST API (plain HTTP, discovery from the front, an in-memory
 * store): what {@code kubectl get} prints from our Tables, {@code get -w} from our watch,
 * {@code scale}, {@code label} and {@code delete}. Fails (never skips) without kubectl.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiKubectlIT {

  private static final String MANIFEST = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {app: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: web
              image: dekube/web:v1
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        type: ClusterIP
        selector: {app: web}
        ports: [{port: 80, protocol: TCP}]
      """;

  private Vertx vertx;
  private Path kubectl;
  private Path dir;
  private Path config;

  record Result(int code, String out, String err) {
  }

  @BeforeAll
  void start() throws Exception {
    kubectl = findKubectl();
    vertx = Vertx.vertx();
    MemoryBackend backend = new MemoryBackend(1000);
    ResourceRegistry registry = ResourceRegistry.builtIn();
    Router router = Router.router(vertx);
    new StatusFailureHandler(3 * 1024 * 1024).install(router);
    router.route().handler(BodyHandler.create(false).setBodyLimit(3 * 1024 * 1024));
    new VersionEndpoint().mount(router);
    int[] port = new int[1];
    new DiscoveryHandler(registry, () -> "127.0.0.1:" + port[0]).mount(router);
    RestApi.over(vertx, registry, backend, backend::cache, Codecs.jsonOnly()).mount(router);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port[0] = server.actualPort();
    dir = Files.createTempDirectory("rest-kubectl");
    Files.createDirectories(dir.resolve("home"));
    config = dir.resolve("kubeconfig");
    Files.writeString(config, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"http://127.0.0.1:"
        + port[0] + "\"}\ncontexts:\n- name: c\n  context: {cluster: c, user: u, namespace: default}\n"
        + "current-context: c\nusers:\n- name: u\n  user: {}\n");
    Files.writeString(dir.resolve("web.yaml"), MANIFEST);
  }

  private static Path findKubectl() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(d.isEmpty() ? "." : d, "kubectl");
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError("kubectl is not on the PATH: this test drives the real kubectl v1.32");
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Process spawn(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", config.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("KUBECONFIG");
    pb.environment().put("HOME", dir.resolve("home").toString());
    return pb.start();
  }

  private Result run(String... args) throws Exception {
    Process p = spawn(args);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private String ok(String... args) throws Exception {
    Result r = run(args);
    assertEquals(0, r.code(), "kubectl " + String.join(" ", args) + ": " + r.err());
    return r.out();
  }

  @Test
  void createGetScaleLabelWatchDelete() throws Exception {
    String created = ok("create", "-f", dir.resolve("web.yaml").toString(), "--validate=false");
    assertTrue(created.contains("deployment.apps/web created"), created);
    assertTrue(created.contains("service/web created"), created);

    String get = ok("get", "deploy");
    assertTrue(get.matches("(?s)NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s*\\nweb\\s+0/2\\s+0\\s+0\\s+\\d+s\\s*\\n"),
        get);
    String wide = ok("get", "deploy", "-o", "wide");
    assertTrue(wide.contains("CONTAINERS") && wide.contains("dekube/web:v1") && wide.contains("app=web"), wide);
    String svc = ok("get", "svc", "web");
    assertTrue(svc.matches("(?s)NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE\\s*\\nweb\\s+ClusterIP\\s+"
        + "<none>\\s+<none>\\s+80/TCP\\s+\\d+s\\s*\\n"), svc);
    assertTrue(run("get", "pods").err().contains("No resources found in default namespace."));

    Process watch = spawn("get", "deploy", "web", "-w", "--output-watch-events");
    assertTrue(ok("scale", "deploy", "web", "--replicas=4").contains("deployment.apps/web scaled"));
    assertEquals("4", ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"));
    assertTrue(ok("label", "deploy", "web", "tier=front").contains("deployment.apps/web labeled"));
    assertTrue(ok("get", "deploy", "--show-labels").contains("app=web,tier=front"));
    StringBuilder seen = new StringBuilder();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      byte[] chunk = new byte[watch.getInputStream().available()];
      int n = watch.getInputStream().read(chunk);
      seen.append(new String(chunk, 0, Math.max(n, 0), StandardCharsets.UTF_8));
      return seen.toString().matches("(?s).*MODIFIED\\s+web\\s+0/4.*");
    });
    assertTrue(seen.toString().matches("(?s)EVENT\\s+NAME\\s+READY.*ADDED\\s+web\\s+0/[24].*"), seen.toString());
    watch.destroy();

    String notFound = run("get", "deploy", "nope").err();
    assertTrue(notFound.contains("Error from server (NotFound): deployments.apps \"nope\" not found"), notFound);
    assertTrue(ok("delete", "-f", dir.resolve("web.yaml").toString()).contains("deployment.apps \"web\" deleted"));
    assertTrue(run("get", "deploy,svc").err().contains("No resources found"));
  }
}
