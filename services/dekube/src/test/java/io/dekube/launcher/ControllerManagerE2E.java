package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * Issue 9's acceptance with the real kubectl against {@code ./dekube up} (3 jvm nodes, grace period
 * 5 s, unreachable toleration 5 s): the talk's Deployment deployed, scaled, rolled out, rolled back
 * with endpoints matching the ready pods; a node stopped → NotReady, its pods replaced elsewhere,
 * Events saying why, the node back → Ready; foreground and orphan deletion; the namespace deleted
 * with all in it; a Deployment whose selector does not match its template refused with 422.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerManagerE2E {

  private static final String NS = "kube-decon";
  private String ns = NS;
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  static Path tmp;
  private DekubeProcess dekube;
  private Kubectl kubectl;

  @BeforeAll
  void up() throws Exception {
    Kubectl.requireOnPath();
    dekube = DekubeProcess.up(tmp.resolve("state"), "--node-monitor-grace-period", "5s",
        "--default-unreachable-toleration-seconds", "5");
    kubectl = new Kubectl(dekube.kubeconfig());
    Awaitility.await().atMost(WAIT).until(() -> kubectl.run("get", "nodes", "--no-headers").out()
        .lines().filter(l -> l.contains(" Ready ")).count() == 3);
  }

  @AfterAll
  void down() throws Exception {
    if (dekube != null) {
      dekube.close();
    }
  }

  private String get(String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("-n", ns, "get"));
    all.addAll(List.of(args));
    return kubectl.run(all.toArray(String[]::new)).ok().out().trim();
  }

  private Set<String> words(String s) {
    return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The IPs of the deployment's pods that are Ready and not being deleted. */
  private Set<String> readyPodIps() throws Exception {
    String lines = get("pods", "-l", "app=kube-decon", "-o", "jsonpath={range .items[?(@.status.podIP)]}"
        + "{.metadata.deletionTimestamp}|{.status.podIP}|{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}");
    return lines.lines().filter(l -> l.startsWith("|") && l.endsWith("|True")).map(l -> l.split("\\|")[1])
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private Set<String> endpointIps() throws Exception {
    return words(get("endpoints", "kube-decon", "-o", "jsonpath={.subsets[*].addresses[*].ip}"));
  }

  private void awaitEndpointsAreTheReadyPods(int n) {
    Awaitility.await("endpoints = the ready pod IPs").atMost(WAIT).until(() -> {
      Set<String> ready = readyPodIps();
      return ready.size() == n && ready.equals(endpointIps());
    });
  }

  private void awaitRunning(int n, String image) {
    Awaitility.await(n + " running pods of " + image).atMost(WAIT).until(() -> {
      String out = get("pods", "-l", "app=kube-decon", "-o", "jsonpath={range .items[*]}{.metadata.deletionTimestamp}|"
          + "{.status.phase}|{.spec.containers[0].image}{\"\\n\"}{end}");
      List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
      return lines.size() == n && lines.stream().allMatch(l -> l.equals("|Running|" + image));
    });
  }

  @Test
  @Order(1)
  void theTalksDeploymentScalesRollsOutAndRollsBack() throws Exception {
    kubectl.run("create", "namespace", NS).ok();
    kubectl.run("-n", NS, "create", "-f", DekubeProcess.repoRoot().resolve("k8s-manifests/kube-decon.yaml").toString())
        .ok();
    awaitRunning(2, "carsonoid/kube-decon:v1");
    assertEquals(1, get("rs", "-l", "app=kube-decon", "--no-headers").lines().count());
    awaitEndpointsAreTheReadyPods(2);

    kubectl.run("-n", NS, "scale", "deployment/kube-decon", "--replicas=3").ok();
    awaitRunning(3, "carsonoid/kube-decon:v1");
    awaitEndpointsAreTheReadyPods(3);

    kubectl.run("-n", NS, "set", "image", "deployment/kube-decon", "kube-decon=carsonoid/kube-decon:v2").ok();
    kubectl.run("-n", NS, "rollout", "status", "deployment/kube-decon", "--timeout=120s").ok();
    awaitRunning(3, "carsonoid/kube-decon:v2");
    String sets = get("rs", "-l", "app=kube-decon", "-o", "jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}="
        + "{.spec.replicas}{\"\\n\"}{end}");
    assertEquals(Set.of("carsonoid/kube-decon:v1=0", "carsonoid/kube-decon:v2=3"), Set.copyOf(sets.lines().toList()));
    awaitEndpointsAreTheReadyPods(3);
    String history = kubectl.run("-n", NS, "rollout", "history", "deployment/kube-decon").ok().out();
    assertEquals(2, history.lines().filter(l -> l.matches("^\\d+\\s.*")).count(), history);

    kubectl.run("-n", NS, "rollout", "undo", "deployment/kube-decon").ok();
    kubectl.run("-n", NS, "rollout", "status", "deployment/kube-decon", "--timeout=120s").ok();
    awaitRunning(3, "carsonoid/kube-decon:v1");
    awaitEndpointsAreTheReadyPods(3);
  }

  @Test
  @Order(2)
  void aDeploymentWhoseSelectorDoesNotMatchItsTemplateIsRefused() throws Exception {
    Path f = Files.writeString(tmp.resolve("bad.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: bad}
        spec:
          selector: {matchLabels: {app: one}}
          template:
            metadata: {labels: {app: other}}
            spec: {containers: [{name: web, image: dekube/web}]}
        """);
    Kubectl.Result r = kubectl.run("-n", NS, "create", "-f", f.toString());
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("is invalid") && r.err().contains("`selector` does not match template `labels`"),
        r.err());
  }

  /**
   * The admission webhooks see the writes that do not come through the apiserver, with the users kube's
   * components have: a mutating webhook labels the pods the ReplicaSet controller creates, a validating
   * one's denial is the ReplicaSet's FailedCreate Event, and the scheduler's bindings and the kubelets'
   * status writes reach the webhooks as {@code system:kube-scheduler} and {@code system:node:<name>}.
   */
  @Test
  @Order(6)
  void admissionWebhooksSeeTheControllersSchedulersAndKubeletsWrites() throws Exception {
    try (AdmissionWebhookServer hooks = new AdmissionWebhookServer()) {
      kubectl.run("create", "namespace", "hooks").ok();
      kubectl.run("label", "namespace", "hooks", "webhooks=on").ok();
      kubectl.runWithInput(webhookConfigurations("https://127.0.0.1:" + hooks.port(), hooks.caBundle()),
          "apply", "-f", "-").ok();
      kubectl.run("-n", "hooks", "create", "deployment", "web", "--image=carsonoid/kube-decon:v1", "--replicas=2").ok();
      Awaitility.await("the ReplicaSet's pods, labelled by the webhook, running").atMost(WAIT).until(() ->
          kubectl.run("-n", "hooks", "get", "pods", "-l", "app=web,mutated=yes", "-o",
              "jsonpath={range .items[*]}{.status.phase}{\"\\n\"}{end}").ok().out().lines()
              .filter("Running"::equals).count() == 2);
      assertEquals(Set.of("system:serviceaccount:kube-system:replicaset-controller [system:serviceaccounts "
              + "system:serviceaccounts:kube-system system:authenticated]"), users(hooks, "CREATE", "", "app=web"));
      assertEquals(Set.of("system:kube-scheduler [system:authenticated]"), users(hooks, "CREATE", "binding", ""));
      Set<String> kubelets = users(hooks, "UPDATE", "status", "");
      assertFalse(kubelets.isEmpty());
      assertTrue(kubelets.stream().allMatch(u -> u.matches(
          "system:node:kube-node-0\\d \\[system:nodes system:authenticated]")), kubelets.toString());

      kubectl.runWithInput("""
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: denied}
          spec:
            selector: {matchLabels: {app: denied}}
            template:
              metadata: {labels: {app: denied, deny: "true"}}
              spec: {containers: [{name: web, image: carsonoid/kube-decon:v1}]}
          """, "-n", "hooks", "apply", "-f", "-").ok();
      Awaitility.await("the ReplicaSet's FailedCreate Event with the webhook's message").atMost(WAIT).until(() ->
          failedCreates("hooks").contains("ReplicaSet: Error creating: admission webhook \"deny-labelled.dekube.io\" "
              + "denied the request: pods labelled deny=true are not allowed"));
      assertTrue(kubectl.run("-n", "hooks", "get", "pods", "-l", "app=denied", "-o", "name").ok().out().isBlank());
      aWebhookThatIsDownFailsTheWritesUntilItIsBack("https://127.0.0.1:" + hooks.port(), hooks.caBundle());
    } finally {
      kubectl.run("delete", "mutatingwebhookconfiguration", "late-pods", "--ignore-not-found");
      kubectl.run("delete", "namespace", "hooks-down", "--wait=false");
      kubectl.run("delete", "mutatingwebhookconfiguration", "label-pods", "--ignore-not-found");
      kubectl.run("delete", "validatingwebhookconfiguration", "check-pods", "--ignore-not-found");
      kubectl.run("delete", "namespace", "hooks", "--wait=false");
    }
  }

  /**
   * A webhook nobody answers fails the ReplicaSet's creates (failurePolicy Fail: a FailedCreate Event
   * with kube's message); the controller tries again with its back-off, so once the webhook is reached
   * the pods are created, as the webhook leaves them.
   */
  private void aWebhookThatIsDownFailsTheWritesUntilItIsBack(String url, String ca) throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    kubectl.run("create", "namespace", "hooks-down").ok();
    kubectl.run("label", "namespace", "hooks-down", "webhooks=down").ok();
    kubectl.runWithInput("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: late-pods}
        webhooks:
        - name: down.dekube.io
          clientConfig: {url: "https://127.0.0.1:%d/add-label", caBundle: %s}
          rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
          namespaceSelector: {matchLabels: {webhooks: "down"}}
          timeoutSeconds: 2
          sideEffects: None
          admissionReviewVersions: [v1]
        """.formatted(closed, ca), "apply", "-f", "-").ok();
    kubectl.run("-n", "hooks-down", "create", "deployment", "late", "--image=carsonoid/kube-decon:v1").ok();
    String refused = "ReplicaSet: Error creating: Internal error occurred: failed calling webhook \"down.dekube.io\": "
        + "failed to call webhook: Post \"https://127.0.0.1:" + closed + "/add-label?timeout=2s\": dial tcp 127.0.0.1:"
        + closed + ": connect: connection refused";
    Awaitility.await("the FailedCreate Event of the webhook that is down").atMost(WAIT).until(() ->
        failedCreates("hooks-down").contains(refused));
    kubectl.run("patch", "mutatingwebhookconfiguration", "late-pods", "--type=json", "-p",
        "[{\"op\":\"replace\",\"path\":\"/webhooks/0/clientConfig/url\",\"value\":\"" + url + "/add-label\"}]").ok();
    Awaitility.await("the pod created once the webhook answers").atMost(WAIT).until(() ->
        kubectl.run("-n", "hooks-down", "get", "pods", "-l", "app=late,mutated=yes", "-o", "name").ok().out()
            .lines().count() == 1);
  }

  /** The FailedCreate Events of {@code namespace}, as "Kind: message". */
  private List<String> failedCreates(String namespace) throws Exception {
    return kubectl.run("-n", namespace, "get", "events", "-o", "jsonpath={range .items[?(@.reason==\"FailedCreate\")]}"
        + "{.involvedObject.kind}: {.message}{\"\\n\"}{end}").ok().out().lines().toList();
  }

  /** "user [groups]" of the requests the webhooks got for {@code operation} of pods' {@code subresource}. */
  private static Set<String> users(AdmissionWebhookServer hooks, String operation, String subresource,
                                   String label) {
    return hooks.requests.stream().map(r -> r.path("request"))
        .filter(r -> operation.equals(r.path("operation").asText())
            && subresource.equals(r.path("subResource").asText(""))
            && (label.isEmpty() || label.equals("app=" + r.at("/object/metadata/labels/app").asText())))
        .map(r -> r.at("/userInfo/username").asText() + " " + words(r.at("/userInfo/groups")))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String words(com.fasterxml.jackson.databind.JsonNode array) {
    List<String> all = new java.util.ArrayList<>();
    array.forEach(g -> all.add(g.asText()));
    return all.toString().replace(",", "");
  }

  /**
   * In the namespaces labelled {@code webhooks=on}: a mutating webhook that labels new pods
   * {@code mutated=yes}, a validating one that denies pods labelled {@code deny=true}, and one that
   * sees (and allows) bindings and status writes of pods.
   */
  private static String webhookConfigurations(String url, String ca) {
    String common = """
          namespaceSelector: {matchLabels: {webhooks: "on"}}
          sideEffects: None
          admissionReviewVersions: [v1]
        """;
    return """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: label-pods}
        webhooks:
        - name: add-label.dekube.io
          clientConfig: {url: "%1$s/add-label", caBundle: %2$s}
          rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
        %3$s---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: check-pods}
        webhooks:
        - name: deny-labelled.dekube.io
          clientConfig: {url: "%1$s/deny-labelled", caBundle: %2$s}
          rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
        %3$s- name: observe.dekube.io
          clientConfig: {url: "%1$s/observe", caBundle: %2$s}
          rules: [{operations: [CREATE, UPDATE], apiGroups: [""], apiVersions: [v1], resources: [pods/binding, pods/status]}]
        %3$s""".formatted(url, ca, common);
  }

  @Test
  @Order(7)
  void aStoppedNodesPodsAreReplacedElsewhereAndItComesBack() throws Exception {
    ns = "failure";
    kubectl.run("create", "namespace", ns).ok();
    // the talk's manifest with a pod grace of 5 s, not the default 30 s: the stopped node's pods are
    // force-deleted once it is over
    String manifest = Files.readString(DekubeProcess.repoRoot().resolve("k8s-manifests/kube-decon.yaml"));
    String graced = manifest.replace("    spec:\n      containers:", "    spec:\n      terminationGracePeriodSeconds: 5\n"
        + "      containers:");
    assertNotEquals(manifest, graced, "the pod template of kube-decon.yaml moved");
    kubectl.run("-n", ns, "create", "-f", Files.writeString(tmp.resolve("kube-decon-grace.yaml"), graced).toString())
        .ok();
    kubectl.run("-n", ns, "scale", "deployment/kube-decon", "--replicas=3").ok();
    awaitRunning(3, "carsonoid/kube-decon:v1");
    String victim = victimNode();
    node("stop", victim);
    Awaitility.await(victim + " NotReady").atMost(WAIT).until(() ->
        kubectl.run("get", "node", victim, "--no-headers").out().contains("NotReady"));
    Awaitility.await("3 available pods off " + victim).atMost(WAIT).until(() -> {
      String pods = get("pods", "-l", "app=kube-decon", "-o", "jsonpath={range .items[*]}{.metadata.deletionTimestamp}|"
          + "{.spec.nodeName}|{.status.phase}{\"\\n\"}{end}");
      long live = pods.lines().filter(l -> l.startsWith("|") && !l.contains("|" + victim + "|") && l.endsWith("|Running"))
          .count();
      return live == 3 && "3".equals(get("deploy", "kube-decon", "-o", "jsonpath={.status.availableReplicas}"));
    });
    String events = kubectl.run("get", "events", "-A").ok().out();
    assertTrue(events.contains("NodeNotReady") && events.contains("Node " + victim + " status is now: NodeNotReady"),
        events);
    assertTrue(events.contains("TaintManagerEviction") && events.contains("Marking for deletion Pod " + ns + "/"), events);
    assertTrue(kubectl.run("get", "node", victim, "-o", "jsonpath={.spec.taints}").ok().out()
        .contains("node.kubernetes.io/unreachable"));
    Awaitility.await("the stopped node's pods force-deleted after their grace").atMost(WAIT).until(() ->
        get("pods", "-l", "app=kube-decon", "-o", "jsonpath={.items[*].spec.nodeName}").split("\\s+").length == 3
            && !get("pods", "-l", "app=kube-decon", "-o", "jsonpath={.items[*].spec.nodeName}").contains(victim));

    node("start", victim);
    Awaitility.await(victim + " Ready and untainted").atMost(WAIT).until(() ->
        kubectl.run("get", "node", victim, "--no-headers").out().contains(" Ready ")
            && !kubectl.run("get", "node", victim, "-o", "jsonpath={.spec.taints}").out().contains("unreachable"));
  }

  /** Prints what is left in the namespace (with deletion timestamps and nodes) when a wait is about to fail. */
  private void diagnose(boolean last) {
    if (!last) {
      return;
    }
    try {
      System.err.println("left in " + ns + ":\n" + kubectl.run("-n", ns, "get", "all,endpoints", "-o",
          "custom-columns=KIND:.kind,NAME:.metadata.name,DELETING:.metadata.deletionTimestamp,"
              + "FINALIZERS:.metadata.finalizers,NODE:.spec.nodeName").out()
          + kubectl.run("get", "namespace", ns, "-o", "yaml").out());
    } catch (Exception e) {
      System.err.println("cannot diagnose: " + e);
    }
  }

  /** kube-node-02 when one of the deployment's pods runs there, else the node of the first pod. */
  private String victimNode() throws Exception {
    List<String> nodes = List.of(get("pods", "-l", "app=kube-decon", "-o", "jsonpath={.items[*].spec.nodeName}")
        .split("\\s+"));
    return nodes.contains("kube-node-02") ? "kube-node-02" : nodes.get(0);
  }

  private void node(String action, String name) throws Exception {
    Kubectl.runBounded(new ProcessBuilder("./dekube", "node", action, name, "--ops-port",
        Integer.toString(dekube.opsPort())).directory(DekubeProcess.repoRoot().toFile()), 120).ok();
  }

  @Test
  @Order(3)
  void foregroundDeletionRemovesPodsThenTheReplicaSetThenTheDeployment() throws Exception {
    kubectl.run("-n", NS, "delete", "deployment", "kube-decon", "--cascade=foreground", "--wait=false").ok();
    Awaitility.await("the deployment gone").atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .conditionEvaluationListener(c -> diagnose(c.getRemainingTimeInMS() < 1000)).until(() -> {
      // one kubectl call lists deploy, then rs, then pods: what is gone before stays gone
      List<String> left = kubectl.run("-n", NS, "get", "deploy,rs,pods", "-l", "app=kube-decon", "-o", "name").ok()
          .out().lines().toList();
      boolean deploy = left.stream().anyMatch(l -> l.startsWith("deployment"));
      boolean rs = left.stream().anyMatch(l -> l.startsWith("replicaset"));
      boolean pods = left.stream().anyMatch(l -> l.startsWith("pod/"));
      assertFalse(!deploy && (rs || pods), "the deployment went before its dependents: " + left);
      assertFalse(!rs && pods, "the ReplicaSet went before its pods: " + left);
      return !deploy && !rs && !pods;
    });
  }

  @Test
  @Order(4)
  void orphanDeletionLeavesDependentsWithoutOwnerReferences() throws Exception {
    Path f = Files.writeString(tmp.resolve("orphan.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: orphan, labels: {app: orphan}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: orphan}}
          template:
            metadata: {labels: {app: orphan}}
            spec: {containers: [{name: web, image: carsonoid/kube-decon:v1}]}
        """);
    kubectl.run("-n", NS, "create", "-f", f.toString()).ok();
    Awaitility.await("2 orphan pods").atMost(WAIT).until(() ->
        get("pods", "-l", "app=orphan", "--no-headers").lines().count() == 2);
    kubectl.run("-n", NS, "delete", "deployment", "orphan", "--cascade=orphan").ok();
    Awaitility.await("the ReplicaSet without owner").atMost(WAIT).until(() ->
        get("rs", "-l", "app=orphan", "-o", "jsonpath={.items[*].metadata.ownerReferences}").isEmpty()
            && !get("rs", "-l", "app=orphan", "-o", "name").isEmpty());
    kubectl.run("-n", NS, "delete", "rs", "-l", "app=orphan", "--cascade=orphan").ok();
    Awaitility.await("the pods without owner").atMost(WAIT).until(() ->
        get("pods", "-l", "app=orphan", "-o", "jsonpath={.items[*].metadata.ownerReferences}").isEmpty()
            && get("pods", "-l", "app=orphan", "--no-headers").lines().count() == 2);
    assertTrue(get("deploy,rs", "-l", "app=orphan", "-o", "name").isEmpty());
  }

  @Test
  @Order(5)
  void deletingTheNamespaceRemovesEverythingInItThenTheNamespace() throws Exception {
    kubectl.run("delete", "namespace", NS, "--wait=false").ok();
    Awaitility.await("the namespace gone").atMost(WAIT)
        .conditionEvaluationListener(c -> diagnose(c.getRemainingTimeInMS() < 1000)).until(() ->
        kubectl.run("get", "namespace", NS).exit() != 0);
    assertTrue(kubectl.run("get", "pods,svc,ingress,endpoints", "-n", NS, "-o", "name").out().isBlank());
  }
}
