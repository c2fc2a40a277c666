package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, acceptance 1: the real kubectl on the PATH against a running {@code ./dekube up},
 * through the talk's steps. Asserts on what kubectl prints, not only on exit codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlE2E {

  private static final Path MANIFESTS = DekubeProcess.repoRoot().resolve("k8s-manifests");

  @TempDir
  static Path tmp;
  private DekubeProcess dekube;
  private Kubectl kubectl;

  @BeforeAll
  void up() throws Exception {
    Kubectl.requireOnPath();
    dekube = DekubeProcess.up(tmp.resolve("state"));
    kubectl = new Kubectl(dekube.kubeconfig());
  }

  @AfterAll
  void down() throws Exception {
    if (dekube != null) {
      dekube.close();
    }
  }

  @Test
  @Order(1)
  void createNamespaceAndTheTalksManifests() throws Exception {
    assertEquals("namespace/kube-decon created", kubectl.run("create", "namespace", "kube-decon").ok().out().trim());
    String out = kubectl.run("-n", "kube-decon", "create", "-f", MANIFESTS.resolve("kube-decon.yaml").toString())
        .ok().out();
    assertTrue(out.contains("deployment.apps/kube-decon created"), out);
    assertTrue(out.contains("service/kube-decon created"), out);
    assertTrue(out.contains("ingress.networking.k8s.io/kube-decon created"), out);
  }

  @Test
  @Order(2)
  void the2017ManifestsApplyUnchanged() throws Exception {
    kubectl.run("create", "namespace", "kube-decon-2017").ok();
    String out = kubectl.run("-n", "kube-decon-2017", "create", "-f",
        MANIFESTS.resolve("kube-decon-2017.yaml").toString()).ok().out();
    assertTrue(out.contains("deployment.apps/kube-decon created"), out);
    assertTrue(out.contains("ingress.extensions/kube-decon created")
        || out.contains("ingress.networking.k8s.io/kube-decon created"), out);
    String backend = kubectl.run("-n", "kube-decon-2017", "get", "ingress.networking.k8s.io", "kube-decon", "-o",
        "jsonpath={.spec.rules[0].http.paths[0].backend.service.name}:{.spec.rules[0].http.paths[0].backend.service.port.number}")
        .ok().out();
    assertEquals("kube-decon:80", backend, "the 2017 serviceName/servicePort converted to the stored form");
  }

  @Test
  @Order(3)
  void getWideYamlAndDescribe() throws Exception {
    String table = kubectl.run("-n", "kube-decon", "get", "deployments").ok().out();
    assertTrue(table.startsWith("NAME") && table.contains("READY") && table.contains("UP-TO-DATE"), table);
    assertTrue(table.contains("kube-decon"), table);
    String wide = kubectl.run("-n", "kube-decon", "get", "deployment", "kube-decon", "-o", "wide").ok().out();
    assertTrue(wide.contains("IMAGES") && wide.contains("carsonoid/kube-decon:v1")
        && wide.contains("app=kube-decon,tier=web"), wide);
    String ingress = kubectl.run("-n", "kube-decon", "get", "ingress").ok().out();
    assertTrue(ingress.lines().anyMatch(l -> l.matches("kube-decon\\s+dekube\\s+.*")),
        "the default IngressClass given at create\n" + ingress);
    // the ingress controller writes the address under ingress-nginx's manager
    Awaitility.await("the ingress's status").atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("-n", "kube-decon",
        "get", "ingress", "kube-decon", "--show-managed-fields", "-o",
        "jsonpath={.metadata.managedFields[?(@.subresource==\"status\")].manager}").out().trim()
        .equals("nginx-ingress-controller"));
    String svc = kubectl.run("-n", "kube-decon", "get", "svc").ok().out();
    assertTrue(svc.contains("CLUSTER-IP") && svc.contains("80/TCP"), svc);
    String yaml = kubectl.run("-n", "kube-decon", "get", "deployment", "kube-decon", "-o", "yaml").ok().out();
    assertTrue(yaml.contains("kind: Deployment") && yaml.contains("resourceVersion:") && yaml.contains("uid:"), yaml);
    assertTrue(yaml.contains("containerPort: 2015"), yaml);
    String describe = kubectl.run("-n", "kube-decon", "describe", "deployment", "kube-decon").ok().out();
    assertTrue(describe.contains("Name:") && describe.contains("kube-decon"), describe);
    assertTrue(describe.contains("StrategyType:") && describe.contains("RollingUpdate"), describe);
    assertTrue(describe.contains("carsonoid/kube-decon:v1"), describe);
  }

  @Test
  @Order(4)
  void applyTwiceThenWithAChange() throws Exception {
    kubectl.run("create", "namespace", "applied").ok();
    String file = MANIFESTS.resolve("kube-decon.yaml").toString();
    String first = kubectl.run("-n", "applied", "apply", "-f", file).ok().out();
    assertTrue(first.contains("deployment.apps/kube-decon created"), first);
    String second = kubectl.run("-n", "applied", "apply", "-f", file).ok().out();
    assertTrue(second.contains("deployment.apps/kube-decon unchanged"), second);
    assertTrue(second.contains("service/kube-decon unchanged"), second);
    Path changed = tmp.resolve("changed.yaml");
    Files.writeString(changed, Files.readString(Path.of(file)).replace("replicas: 2", "replicas: 4"));
    String third = kubectl.run("-n", "applied", "apply", "-f", changed.toString()).ok().out();
    assertTrue(third.contains("deployment.apps/kube-decon configured"), third);
    assertEquals("4", kubectl.run("-n", "applied", "get", "deploy", "kube-decon", "-o",
        "jsonpath={.spec.replicas}").ok().out());
  }

  @Test
  @Order(5)
  void applyServerSide() throws Exception {
    kubectl.run("create", "namespace", "ssa").ok();
    String file = MANIFESTS.resolve("kube-decon.yaml").toString();
    String first = kubectl.run("-n", "ssa", "apply", "--server-side", "-f", file).ok().out();
    assertTrue(first.contains("deployment.apps/kube-decon serverside-applied"), first);
    String again = kubectl.run("-n", "ssa", "apply", "--server-side", "-f", file).ok().out();
    assertTrue(again.contains("deployment.apps/kube-decon serverside-applied"), again);
    String managers = kubectl.run("-n", "ssa", "get", "deploy", "kube-decon", "--show-managed-fields", "-o",
        "jsonpath={.metadata.managedFields[*].manager}").ok().out();
    assertTrue(managers.contains("kubectl"), managers);
    // kube's components write under the names their User-Agents give: the deployment controller its status, the
    // replica set controller a pod, the pod's kubelet the pod's status (a binding is not recorded)
    String each = "{range .metadata.managedFields[*]}{.manager}/{.subresource} {end}";
    Awaitility.await("the components' field managers").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String deployment = kubectl.run("-n", "ssa", "get", "deploy", "kube-decon", "--show-managed-fields", "-o",
          "jsonpath=" + each).ok().out();
      assertTrue(deployment.contains("kube-controller-manager/status"), deployment);
      String pod = kubectl.run("-n", "ssa", "get", "pods", "-l", "app=kube-decon", "--show-managed-fields", "-o",
          "jsonpath=" + each.replace(".metadata", ".items[0].metadata")).ok().out();
      assertTrue(pod.contains("kube-controller-manager/ ") && pod.contains("kubelet/status "), pod);
      assertTrue(!pod.contains("kube-scheduler"), pod);
    });
  }

  @Test
  @Order(6)
  void scaleSetImageLabelAnnotate() throws Exception {
    assertEquals("deployment.apps/kube-decon scaled",
        kubectl.run("-n", "kube-decon", "scale", "deployment/kube-decon", "--replicas=3").ok().out().trim());
    assertEquals("3", kubectl.run("-n", "kube-decon", "get", "deploy", "kube-decon", "-o",
        "jsonpath={.spec.replicas}").ok().out());
    assertEquals("deployment.apps/kube-decon image updated", kubectl.run("-n", "kube-decon", "set", "image",
        "deployment/kube-decon", "kube-decon=carsonoid/kube-decon:v2").ok().out().trim());
    assertEquals("carsonoid/kube-decon:v2", kubectl.run("-n", "kube-decon", "get", "deploy", "kube-decon", "-o",
        "jsonpath={.spec.template.spec.containers[0].image}").ok().out());
    assertEquals("deployment.apps/kube-decon labeled",
        kubectl.run("-n", "kube-decon", "label", "deployment", "kube-decon", "stage=talk").ok().out().trim());
    assertEquals("deployment.apps/kube-decon annotated", kubectl.run("-n", "kube-decon", "annotate", "deployment",
        "kube-decon", "talk=kubernetes-deconstructed").ok().out().trim());
    String labels = kubectl.run("-n", "kube-decon", "get", "deploy", "-l", "stage=talk", "-o", "name").ok().out();
    assertEquals("deployment.apps/kube-decon", labels.trim());
  }

  @Test
  @Order(7)
  void watchSeesAnUpdate() throws Exception {
    Process watch = kubectl.start("-n", "kube-decon", "get", "deployment", "kube-decon", "-w",
        "--output-watch-events", "-o", "custom-columns=EVENT:.type,REPLICAS:.object.spec.replicas");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          lines.add(l);
        }
      } catch (Exception e) {
        lines.add("<" + e + ">");
      }
    });
    reader.start();
    try {
      Awaitility.await("the watch's initial event").atMost(Duration.ofSeconds(30))
          .until(() -> lines.stream().anyMatch(l -> l.startsWith("ADDED")));
      kubectl.run("-n", "kube-decon", "scale", "deployment/kube-decon", "--replicas=5").ok();
      Awaitility.await("the watch sees the update").atMost(Duration.ofSeconds(30))
          .until(() -> lines.stream().anyMatch(l -> l.matches("MODIFIED\\s+5")));
    } finally {
      Kubectl.destroyTree(watch);
    }
  }

  @Test
  @Order(8)
  void apiResourcesAndExplain() throws Exception {
    String resources = kubectl.run("api-resources").ok().out();
    assertTrue(resources.lines().anyMatch(l -> l.matches("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment")),
        resources);
    assertTrue(resources.lines().anyMatch(l -> l.matches("pods\\s+po\\s+v1\\s+true\\s+Pod")), resources);
    String explain = kubectl.run("explain", "deployment.spec").ok().out();
    assertTrue(explain.contains("KIND:") && explain.contains("Deployment"), explain);
    assertTrue(explain.contains("replicas") && explain.contains("selector") && explain.contains("template"), explain);
    // kube's words beside each reference (the field's, then its type's) and enum values, as a 1.32 apiserver serves
    String podSpec = kubectl.run("explain", "pod.spec").ok().out();
    assertTrue(podSpec.contains("FIELD: spec <PodSpec>") && podSpec.contains("Specification of the desired behavior "
        + "of the pod. More info:") && podSpec.contains("PodSpec is a description of a pod."), podSpec);
    assertTrue(podSpec.contains("  affinity\t<Affinity>\n    If specified, the pod's scheduling constraints\n"), podSpec);
    assertTrue(podSpec.contains("  dnsPolicy\t<string>\n  enum: ClusterFirst, ClusterFirstWithHostNet, Default, None\n"),
        podSpec);
    String rolling = kubectl.run("explain", "deploy.spec.strategy.rollingUpdate").ok().out();
    assertTrue(rolling.contains("  maxSurge\t<IntOrString>\n    The maximum number of pods that can be scheduled"), rolling);
  }

  @Test
  @Order(9)
  void delete() throws Exception {
    String out = kubectl.run("-n", "kube-decon", "delete", "-f", MANIFESTS.resolve("kube-decon.yaml").toString())
        .ok().out();
    assertTrue(out.contains("deployment.apps \"kube-decon\" deleted"), out);
    Kubectl.Result gone = kubectl.run("-n", "kube-decon", "get", "deployment", "kube-decon");
    assertEquals(1, gone.exit());
    assertTrue(gone.err().contains("NotFound") || gone.err().contains("not found"), gone.err());
  }

  @Test
  @Order(10)
  void metricsShowInformerLagPerResource() throws Exception {
    String body = dekube.opsGet("/metrics");
    assertTrue(body.contains("dekube_informer_lag_records{resource=\"deployments.apps\"}"), body);
    assertTrue(body.contains("dekube_writer_requests_total"), body);
  }

  @Test
  @Order(11)
  void systemNamespacesExistAndAMissingNamespaceIsRefused() throws Exception {
    String namespaces = kubectl.run("get", "namespaces", "-o", "name").ok().out();
    for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      assertTrue(namespaces.contains("namespace/" + ns), namespaces);
    }
    Kubectl.Result refused = kubectl.run("-n", "no-such-namespace", "create", "configmap", "x");
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("namespaces \"no-such-namespace\" not found"), refused.err());
  }

  @Test
  @Order(12)
  void ingestThroughTheBus() throws Exception {
    kubectl.run("create", "namespace", "ingested").ok();
    // the manifest names no namespace (it would go to default): a copy with one
    String text = Files.readString(MANIFESTS.resolve("kube-decon.yaml"))
        .replace("metadata:\n  name: kube-decon\n", "metadata:\n  name: kube-decon\n  namespace: ingested\n");
    Path file = tmp.resolve("ingested.yaml");
    Files.writeString(file, text + "---\napiVersion: v1\nkind: Gadget\nmetadata: {name: g, namespace: ingested}\n");
    Kubectl.Result r = ingest(file);
    assertEquals(1, r.exit(), "a document failed: " + r.out() + r.err());
    assertEquals(List.of("deployment.apps/kube-decon created", "service/kube-decon created",
        "ingress.networking.k8s.io/kube-decon created"), r.out().lines().toList(), r.err());
    assertTrue(r.err().contains("Error from server (NotFound): document 3: no matches for kind \"Gadget\""), r.err());
    assertEquals("kube-decon", kubectl.run("-n", "ingested", "get", "deployment", "kube-decon", "-o",
        "jsonpath={.metadata.name}").ok().out());
    Files.writeString(file, text.replace("replicas: 2", "replicas: 3"));
    Kubectl.Result again = ingest(file);
    assertEquals(0, again.exit(), again.err());
    assertEquals(List.of("deployment.apps/kube-decon configured", "service/kube-decon unchanged",
        "ingress.networking.k8s.io/kube-decon unchanged"), again.out().lines().toList(), again.err());
    assertEquals("3", kubectl.run("-n", "ingested", "get", "deploy", "kube-decon", "-o",
        "jsonpath={.spec.replicas}").ok().out());
  }

  private Kubectl.Result ingest(Path file) throws Exception {
    return Kubectl.runBounded(new ProcessBuilder("./dekube", "ingest", file.toString(), "--kafka", dekube.kafka(),
        "--timeout", "60s").directory(DekubeProcess.repoRoot().toFile()), 120);
  }
}
