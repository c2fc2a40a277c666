package io.dekube.apiserver.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against this package's pieces wired over an in-memory store: client-side apply
 * (strategic merge patches), server-side apply (managedFields, conflicts), scale, set image, label,
 * the defaults kube would show, and the 2017 manifests through the legacy versions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlSemanticsIT {

  static StubApiServer server;
  static Kubectl kubectl;
  @TempDir
  static Path dir;

  static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: default
        labels: {app: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: web
              image: carsonoid/kube-decon:v1
              ports: [{containerPort: 2015}]
              env: [{name: A, value: "1"}]
      """;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Kubectl.available(), "kubectl not on the PATH");
    server = new StubApiServer().withStore();
    kubectl = new Kubectl(server.kubeconfig(dir), dir.resolve("cache"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  static Kubectl.Result ok(String... args) throws Exception {
    Kubectl.Result r = kubectl.run(args);
    assertEquals(0, r.exit(), String.join(" ", args) + ":\n" + r.out());
    return r;
  }

  static JsonNode getJson(String... what) throws Exception {
    String[] args = new String[what.length + 4];
    args[0] = "get";
    System.arraycopy(what, 0, args, 1, what.length);
    args[what.length + 1] = "-o";
    args[what.length + 2] = "json";
    args[what.length + 3] = "--show-managed-fields";
    return Json.MAPPER.readTree(ok(args).out());
  }

  static Path file(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  @Order(1)
  void clientSideApplyTwiceThenWithAChange() throws Exception {
    Path f = file("web.yaml", DEPLOYMENT);
    assertTrue(ok("apply", "-f", f.toString()).out().contains("deployment.apps/web created"));
    assertTrue(ok("apply", "-f", f.toString()).out().contains("deployment.apps/web unchanged"));
    JsonNode d = getJson("deployment", "web");
    assertEquals(600, d.at("/spec/progressDeadlineSeconds").asInt());
    assertEquals("25%", d.at("/spec/strategy/rollingUpdate/maxSurge").asText());
    assertEquals("TCP", d.at("/spec/template/spec/containers/0/ports/0/protocol").asText());
    assertEquals("kubectl-client-side-apply", d.at("/metadata/managedFields/0/manager").asText());

    Path changed = file("web2.yaml", DEPLOYMENT.replace("kube-decon:v1", "kube-decon:v2")
        .replace("env: [{name: A, value: \"1\"}]", "env: [{name: B, value: \"2\"}]"));
    assertTrue(ok("apply", "-f", changed.toString()).out().contains("deployment.apps/web configured"));
    d = getJson("deployment", "web");
    assertEquals("carsonoid/kube-decon:v2", d.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("[{\"name\":\"B\",\"value\":\"2\"}]", d.at("/spec/template/spec/containers/0/env").toString());
    assertEquals(2, d.at("/spec/replicas").asInt());
    assertTrue(server.recorded().stream().anyMatch(r -> "application/strategic-merge-patch+json".equals(r.contentType())));
  }

  @Test
  @Order(2)
  void scaleSetImageLabelAnnotate() throws Exception {
    ok("scale", "deployment", "web", "--replicas=3");
    ok("set", "image", "deployment/web", "web=carsonoid/kube-decon:v3");
    ok("label", "deployment", "web", "tier=frontend");
    ok("annotate", "deployment", "web", "note=hello");
    JsonNode d = getJson("deployment", "web");
    assertEquals(3, d.at("/spec/replicas").asInt());
    assertEquals("carsonoid/kube-decon:v3", d.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("frontend", d.at("/metadata/labels/tier").asText());
    assertEquals("hello", d.at("/metadata/annotations/note").asText());
    assertEquals(2015, d.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt());
  }

  @Test
  @Order(3)
  void serverSideApplyConflictsThenForces() throws Exception {
    Path f = file("web-ssa.yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 5"));
    Kubectl.Result conflict = kubectl.run("apply", "--server-side", "-f", f.toString());
    assertNotEquals(0, conflict.exit(), conflict.out());
    assertTrue(conflict.out().contains("error: Apply failed with 2 conflicts: conflicts with \"kubectl\" "
        + "with subresource \"scale\" using apps/v1:\n- .spec.replicas"), conflict.out());
    assertTrue(conflict.out().contains("conflicts with \"kubectl-set\" using apps/v1:\n"
        + "- .spec.template.spec.containers[name=\"web\"].image"), conflict.out());
    ok("apply", "--server-side", "--force-conflicts", "-f", f.toString());
    JsonNode d = getJson("deployment", "web");
    assertEquals(5, d.at("/spec/replicas").asInt());
    String rv = d.at("/metadata/resourceVersion").asText();
    assertTrue(ok("apply", "--server-side", "-f", f.toString()).out().contains("serverside-applied"));
    assertEquals(rv, getJson("deployment", "web").at("/metadata/resourceVersion").asText(), "second apply is a no-op");
  }

  @Test
  @Order(4)
  void serverSideApplyCreates() throws Exception {
    Path f = file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\ndata: {a: b}\n");
    assertTrue(ok("apply", "--server-side", "-f", f.toString()).out().contains("configmap/cfg serverside-applied"));
    JsonNode cm = getJson("configmap", "cfg");
    assertEquals("kubectl", cm.at("/metadata/managedFields/0/manager").asText());
    assertEquals("Apply", cm.at("/metadata/managedFields/0/operation").asText());
  }

  @Test
  @Order(4)
  void clientSideApplyUpgradesToServerSideAndBack() throws Exception {
    String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: csa, namespace: default, labels: {a: b}}\n";
    ok("apply", "-f", file("csa.yaml", cm + "data: {k: '1'}\n").toString());
    ok("label", "configmap", "csa", "extra=x");
    Path changed = file("csa.yaml", cm.replace(", labels: {a: b}", "") + "data: {k: '2'}\n");
    assertTrue(ok("apply", "--server-side", "-f", changed.toString()).out().contains("configmap/csa serverside-applied"));
    JsonNode live = getJson("configmap", "csa");
    assertEquals("2", live.at("/data/k").asText());
    assertEquals("{\"extra\":\"x\"}", live.at("/metadata/labels").toString(), "kubectl-label's label stays");
    assertTrue(live.at("/metadata/annotations").path("kubectl.kubernetes.io/last-applied-configuration").asText()
        .contains("\"k\":\"2\""), live.toString());
    Path again = file("csa.yaml", cm.replace(", labels: {a: b}", "") + "data: {k: '3'}\n");
    assertTrue(ok("apply", "-f", again.toString()).out().contains("configmap/csa configured"));
    assertEquals("3", getJson("configmap", "csa").at("/data/k").asText());
  }

  @Test
  @Order(5)
  void the2017ManifestsApply() throws Exception {
    Path manifests = Path.of("../../k8s-manifests/kube-decon-2017.yaml");
    assumeTrue(Files.exists(manifests));
    ok("create", "namespace", "kube-decon");
    Kubectl.Result r = ok("-n", "kube-decon", "create", "-f", manifests.toString());
    assertTrue(r.out().contains("deployment.apps/kube-decon created"), r.out());
    assertTrue(r.out().contains("ingress.extensions/kube-decon created") || r.out().contains("ingress.networking.k8s.io/kube-decon created"), r.out());
    JsonNode d = getJson("-n", "kube-decon", "deployments.v1.apps", "kube-decon");
    assertEquals("apps/v1", d.path("apiVersion").asText());
    assertEquals(10, d.at("/spec/revisionHistoryLimit").asInt());
    JsonNode ing = getJson("-n", "kube-decon", "ingresses.v1.networking.k8s.io", "kube-decon");
    assertEquals("kube-decon", ing.at("/spec/rules/0/http/paths/0/backend/service/name").asText());
    assertEquals(80, ing.at("/spec/rules/0/http/paths/0/backend/service/port/number").asInt());
    Kubectl.Result again = ok("-n", "kube-decon", "apply", "-f", manifests.toString());
    assertTrue(again.out().contains("deployment.apps/kube-decon configured"), again.out());
    Kubectl.Result third = ok("-n", "kube-decon", "apply", "-f", manifests.toString());
    assertTrue(third.out().contains("deployment.apps/kube-decon unchanged"), third.out());
    assertTrue(third.out().contains("kube-decon unchanged"), third.out());
    JsonNode svc = getJson("-n", "kube-decon", "service", "kube-decon");
    assertEquals("ClusterIP", svc.at("/spec/type").asText());
    assertEquals("None", svc.at("/spec/sessionAffinity").asText());
  }

  @Test
  @Order(6)
  void invalidObjectsGetKubesMessages() throws Exception {
    Path f = file("bad.yaml", DEPLOYMENT.replace("name: web\n  namespace", "name: bad\n  namespace")
        .replace("selector: {matchLabels: {app: web}}", "selector: {matchLabels: {app: other}}"));
    Kubectl.Result r = kubectl.run("create", "-f", f.toString());
    assertNotEquals(0, r.exit());
    assertTrue(r.out().contains("The Deployment \"bad\" is invalid: spec.template.metadata.labels: Invalid value: "
        + "map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"), r.out());
  }
}
