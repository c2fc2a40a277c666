package io.dekube.apiserver.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl against our OpenAPI v3: strict create validation passes, explain prints field docs. */
class OpenApiKubectlIT {

  static StubApiServer server;
  static Kubectl kubectl;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Kubectl.available(), "kubectl not on the PATH");
    server = new StubApiServer();
    kubectl = new Kubectl(server.kubeconfig(dir), dir.resolve("cache"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void createWithDefaultStrictValidation() throws Exception {
    Path file = dir.resolve("web.yaml");
    Files.writeString(file, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: nginx}]
        ---
        apiVersion: extensions/v1beta1
        kind: Ingress
        metadata: {name: web, namespace: default}
        spec:
          backend: {serviceName: web, servicePort: 80}
        """);
    Kubectl.Result r = kubectl.run("create", "-f", file.toString());
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("deployment.apps/web created"), r.out());
    assertTrue(server.recorded().stream().anyMatch(w -> w.uri().contains("fieldValidation=Strict")));
  }

  @Test
  void explainPrintsFieldDocs() throws Exception {
    Kubectl.Result r = kubectl.run("explain", "deployment.spec");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("DeploymentSpec is the specification of the desired behavior"), r.out());
    assertTrue(r.out().contains("replicas\t<integer>"), r.out());
    Kubectl.Result pod = kubectl.run("explain", "pods.spec.containers.imagePullPolicy");
    assertEquals(0, pod.exit(), pod.out());
    assertTrue(pod.out().contains("Image pull policy"), pod.out());
    Kubectl.Result podSpec = kubectl.run("explain", "pod.spec");
    assertTrue(podSpec.out().contains("  affinity\t<Affinity>\n    If specified, the pod's scheduling constraints\n"),
        podSpec.out());
    assertTrue(podSpec.out().contains("  overhead\t<map[string]Quantity>\n"), podSpec.out());
  }
}
