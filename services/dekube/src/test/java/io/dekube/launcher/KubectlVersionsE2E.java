package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, acceptance 4: every versioned kubectl beside the version dispatcher (kubectl.1.27 …
 * kubectl.1.33, as the Cloud SDK installs them), run directly, does create -f, apply, apply
 * --server-side, describe, scale, set image, explain and delete -f against one {@code ./dekube up}.
 * kubectl 1.27 and 1.28 need {@code /openapi/v2} in protobuf for all of these. Each version also
 * runs exec (output, stdin, exit code) and port-forward: up to 1.29 exec speaks SPDY/3.1, up to 1.30
 * port-forward does, the later ones WebSockets. Each version gets its own HOME (no shared HTTP cache)
 * and namespace, so the versions run side by side. Fails when no versioned kubectl is found.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlVersionsE2E {

  @TempDir
  static Path tmp;
  private DekubeProcess dekube;

  @BeforeAll
  void up() throws Exception {
    assertFalse(versions().isEmpty(), "no kubectl.1.NN binaries beside the kubectl on the PATH");
    dekube = DekubeProcess.up(tmp.resolve("state"));
  }

  @AfterAll
  void down() throws Exception {
    if (dekube != null) {
      dekube.close();
    }
  }

  /** The versioned kubectl binaries in the folder of the kubectl on the PATH (symlinks resolved). */
  static List<Path> versions() throws IOException {
    List<Path> found = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path k = Path.of(dir, "kubectl");
      if (Files.isExecutable(k)) {
        try (Stream<Path> files = Files.list(k.toRealPath().getParent())) {
          files.filter(p -> p.getFileName().toString().matches("kubectl\\.1\\.\\d+")).sorted().forEach(found::add);
        }
        break;
      }
    }
    return found;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  @Execution(ExecutionMode.CONCURRENT) // side by side: each version mostly waits on its kubectl processes
  void everyCommandWorks(Path kubectl) throws Exception {
    String v = kubectl.getFileName().toString().substring("kubectl.".length());
    String ns = "v" + v.replace('.', '-');
    Path home = Files.createDirectories(tmp.resolve("home-" + ns));
    Path manifest = Files.writeString(tmp.resolve(ns + ".yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: %s
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: carsonoid/kube-decon:v1
        """.formatted(ns));
    run(kubectl, home, "create", "namespace", ns);
    assertTrue(run(kubectl, home, "create", "-f", manifest.toString()).contains("deployment.apps/web created"));
    assertTrue(run(kubectl, home, "apply", "-f", manifest.toString()).contains("deployment.apps/web configured"));
    assertTrue(run(kubectl, home, "apply", "--server-side", "--force-conflicts", "-f", manifest.toString())
        .contains("deployment.apps/web serverside-applied"));
    assertTrue(run(kubectl, home, "-n", ns, "describe", "deployment", "web").contains("carsonoid/kube-decon:v1"));
    assertTrue(run(kubectl, home, "-n", ns, "scale", "deployment", "web", "--replicas=3").contains("scaled"));
    run(kubectl, home, "-n", ns, "set", "image", "deployment/web", "web=carsonoid/kube-decon:v2");
    assertEquals("3 carsonoid/kube-decon:v2", run(kubectl, home, "-n", ns, "get", "deployment", "web", "-o",
        "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}"));
    assertTrue(run(kubectl, home, "explain", "deployment.spec.replicas").contains("Number of desired pods"));
    run(kubectl, home, "-n", ns, "rollout", "status", "deployment/web", "--timeout=90s");
    podStreamsWork(kubectl, home, ns);
    assertTrue(run(kubectl, home, "delete", "-f", manifest.toString()).contains("deployment.apps \"web\" deleted"));
  }

  /** exec with stdout, stderr, stdin and an exit code, then port-forward to the pod's web server. */
  private void podStreamsWork(Path kubectl, Path home, String ns) throws Exception {
    assertEquals("out", run(kubectl, home, "-n", ns, "exec", "deploy/web", "--", "echo", "out"));
    Path script = Files.writeString(tmp.resolve(ns + "-stdin.sh"), "echo from-stdin\n");
    ProcessBuilder stdin = builder(kubectl, home, "-n", ns, "exec", "-i", "deploy/web", "--", "sh");
    assertEquals("from-stdin", Kubectl.runBounded(stdin.redirectInput(script.toFile()), 120).ok().out().trim());
    Kubectl.Result failed = Kubectl.runBounded(builder(kubectl, home, "-n", ns, "exec", "deploy/web", "--", "sh",
        "-c", "exit 3"), 120);
    assertEquals(3, failed.exit(), failed.err());
    assertTrue(failed.err().contains("command terminated with exit code 3"), failed.err());

    int port = DekubeProcess.freePort();
    Process pf = builder(kubectl, home, "-n", ns, "port-forward", "deploy/web", port + ":2015")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    HttpClient http = HttpClient.newHttpClient();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body().contains("namespace: " + ns));
    } finally {
      Kubectl.destroyTree(pf);
    }
  }

  private String run(Path kubectl, Path home, String... args) throws Exception {
    return Kubectl.runBounded(builder(kubectl, home, args), 120).ok().out().trim();
  }

  private ProcessBuilder builder(Path kubectl, Path home, String... args) {
    List<String> cmd = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", dekube.kubeconfig().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("HOME", home.toString());
    return pb;
  }
}
