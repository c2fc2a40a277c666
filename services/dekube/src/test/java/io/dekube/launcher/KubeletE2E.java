package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * Issue 8's acceptance with the real kubectl against {@code ./dekube up} (3 jvm nodes): a pod bound to
 * kube-node-02 runs on an IP of that node's pod CIDR and answers; {@code logs}, {@code logs -f},
 * {@code exec} (exit codes), {@code port-forward} and {@code delete} work; the built-in metrics server is
 * an available APIService and {@code kubectl top nodes} / {@code top pods} show measured figures; the kubelet
 * API itself refuses callers RBAC does not let at {@code nodes/proxy} and the like.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeletE2E {

  @TempDir
  static Path tmp;
  private DekubeProcess dekube;
  private Kubectl kubectl;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build();

  @BeforeAll
  void up() throws Exception {
    Kubectl.requireOnPath();
    dekube = DekubeProcess.up(tmp.resolve("state"), "--crash-backoff-max", "2s", "--metric-resolution", "2s");
    kubectl = new Kubectl(dekube.kubeconfig());
    Path pod = tmp.resolve("pod.yaml");
    Files.writeString(pod, """
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          nodeName: kube-node-02
          containers:
          - name: web
            image: carsonoid/kube-decon:v1
            ports: [{containerPort: 2015}]
            env: [{name: GREETING, value: hello}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: crash}
        spec:
          nodeName: kube-node-01
          containers:
          - name: crash
            image: dekube/crash
            env: [{name: CRASH_AFTER, value: "0.2"}, {name: EXIT_CODE, value: "3"}]
        """);
    kubectl.run("create", "-f", pod.toString()).ok();
  }

  @AfterAll
  void down() throws Exception {
    if (dekube != null) {
      dekube.close();
    }
  }

  @Test
  @Order(1)
  void threeReadyNodes() throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("get", "nodes", "--no-headers").out()
        .lines().filter(l -> l.contains(" Ready ")).count() == 3);
  }

  @Test
  @Order(2)
  void theBoundPodRunsOnNode02sCidrAndAnswers() throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "Running".equals(kubectl.run("get", "pod", "web",
        "-o", "jsonpath={.status.phase}").out()));
    String ip = kubectl.run("get", "pod", "web", "-o", "jsonpath={.status.podIP}").ok().out();
    String cidr = kubectl.run("get", "node", "kube-node-02", "-o", "jsonpath={.spec.podCIDR}").ok().out();
    String expected = cidr.isEmpty() ? ".2." : cidr.substring(cidr.indexOf('.'), cidr.lastIndexOf('.') + 1);
    assertTrue(ip.contains(expected), ip + " in node 02's CIDR");
    String body = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":2015/")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(body.contains("pod: web") && body.contains("v1"), body);
  }

  @Test
  @Order(3)
  void kubectlTopShowsMeasuredNodesAndPods() throws Exception {
    Awaitility.await("the metrics APIService available").atMost(Duration.ofSeconds(60))
        .until(() -> kubectl.run("get", "apiservices").out().lines()
            .anyMatch(l -> l.matches("v1beta1\\.metrics\\.k8s\\.io\\s+kube-system/metrics-server\\s+True\\s+.*")));
    List<String> versions = kubectl.run("api-versions").ok().out().lines().toList();
    assertTrue(versions.containsAll(List.of("apiregistration.k8s.io/v1", "metrics.k8s.io/v1beta1")), versions.toString());
    String resources = kubectl.run("api-resources").ok().out();
    for (String row : List.of("apiservices\\s+apiregistration\\.k8s\\.io/v1\\s+false\\s+APIService",
        "nodes\\s+metrics\\.k8s\\.io/v1beta1\\s+false\\s+NodeMetrics",
        "pods\\s+metrics\\.k8s\\.io/v1beta1\\s+true\\s+PodMetrics")) {
      assertTrue(resources.lines().anyMatch(l -> l.matches(row)), row + " in\n" + resources);
    }
    // a node is the process its kubelet runs in: some CPU, some memory
    Awaitility.await("kubectl top nodes").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Kubectl.Result top = kubectl.run("top", "nodes");
      assertEquals(0, top.exit(), top.err());
      List<String> rows = top.out().lines()
          .filter(l -> l.matches("kube-node-0[123]\\s+\\d+m\\s+\\d+%\\s+[1-9]\\d*Mi\\s+\\d+%\\s*")).toList();
      assertEquals(3, rows.size(), top.out());
    });
    // the web container's CPU is the time its handlers take: make it answer while the metrics server scrapes
    String ip = kubectl.run("get", "pod", "web", "-o", "jsonpath={.status.podIP}").ok().out();
    Awaitility.await("the web pod's CPU").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      for (int i = 0; i < 50; i++) {
        http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":2015/")).build(),
            HttpResponse.BodyHandlers.discarding());
      }
      String raw = kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web").ok().out();
      assertTrue(raw.matches("(?s).*\"name\":\"web\",\"usage\":\\{\"cpu\":\"[1-9]\\d*n\",\"memory\":\"0Ki\"}.*"), raw);
    });
    Kubectl.Result pods = kubectl.run("top", "pods", "-n", "default", "--containers");
    assertEquals(0, pods.exit(), pods.err());
    assertTrue(pods.out().lines().anyMatch(l -> l.matches("web\\s+web\\s+\\d+m\\s+0Mi\\s*")), pods.out());
    Kubectl.Result all = kubectl.run("top", "pods", "-A");
    assertTrue(all.out().lines().anyMatch(l -> l.matches("default\\s+web\\s+\\d+m\\s+0Mi\\s*")), all.out());
    String table = kubectl.run("get", "pods.metrics.k8s.io", "-n", "default").ok().out();
    assertTrue(table.lines().findFirst().orElse("").matches("NAME\\s+CPU\\s+MEMORY\\s+WINDOW\\s*"), table);
    assertTrue(table.lines().anyMatch(l -> l.matches("web\\s+\\d+n\\s+0Ki\\s+[0-9.]+s\\s*")), table);
    // system:aggregated-metrics-reader is aggregated into view: a viewer of the namespace may top its pods
    kubectl.run("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane", "-n", "default").ok();
    Awaitility.await("top pods as a viewer").atMost(Duration.ofSeconds(30))
        .until(() -> kubectl.run("top", "pods", "-n", "default", "--as", "jane").exit() == 0);
    assertEquals(1, kubectl.run("top", "nodes", "--as", "jane").exit(), "nodes are not the viewer's");
  }

  /**
   * The kubelet API authorizes as kubeadm's kubelets do: a user whose client certificate came from an
   * approved CertificateSigningRequest, with only a namespace's view role, calls the kubelet directly
   * with curl and is refused, as is a caller without a certificate.
   */
  @Test
  @Order(2)
  void aViewersCertificateDoesNotOpenTheKubeletApi() throws Exception {
    Path key = tmp.resolve("dana.key");
    Path csr = tmp.resolve("dana.csr");
    Kubectl.runBounded(new ProcessBuilder("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout",
        key.toString(), "-out", csr.toString(), "-subj", "/CN=dana/O=site-viewers"), 60).ok();
    kubectl.runWithInput("apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata: {name: dana}\n"
        + "spec:\n  request: " + java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(csr)) + "\n"
        + "  signerName: kubernetes.io/kube-apiserver-client\n  usages: [client auth]\n", "create", "-f", "-").ok();
    kubectl.run("certificate", "approve", "dana").ok();
    Awaitility.await("dana's certificate").atMost(Duration.ofSeconds(30)).until(() -> !kubectl.run("get", "csr", "dana",
        "-o", "jsonpath={.status.certificate}").out().isBlank());
    Files.write(tmp.resolve("dana.crt"), java.util.Base64.getDecoder().decode(kubectl.run("get", "csr", "dana", "-o",
        "jsonpath={.status.certificate}").ok().out().trim()));
    kubectl.run("create", "rolebinding", "dana-view", "--clusterrole=view", "--user=dana", "-n", "default").ok();
    assertEquals("401 Unauthorized", curlKubelet("kube-node-02", false, "GET", "/pods"), "no anonymous requests");
    assertEquals("403 Forbidden (user=dana, verb=get, resource=nodes, subresource=proxy)",
        curlKubelet("kube-node-02", true, "GET", "/pods"));
    assertEquals("403 Forbidden (user=dana, verb=create, resource=nodes, subresource=proxy)",
        curlKubelet("kube-node-02", true, "POST", "/exec/default/web/web?command=id&output=1"));
    assertEquals("403 Forbidden (user=dana, verb=get, resource=nodes, subresource=stats)",
        curlKubelet("kube-node-01", true, "GET", "/stats/summary"));
    // what kube's kubelet-api-admin role gives; checked at the end (a denial is remembered 30 s)
    kubectl.run("create", "clusterrolebinding", "dana-kubelet-api", "--clusterrole=system:kubelet-api-admin",
        "--user=dana").ok();
  }

  @Test
  @Order(8)
  void theViewerBoundToKubeletApiAdminGetsThrough() throws Exception {
    Awaitility.await("dana's denial forgotten (30 s)").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> {
          String pods = curlKubelet("kube-node-02", true, "GET", "/pods");
          assertTrue(pods.startsWith("200 ") && pods.contains("\"kind\":\"PodList\""), pods);
        });
    assertTrue(curlKubelet("kube-node-01", true, "GET", "/stats/summary").startsWith("200 {"));
  }

  /**
   * A ServiceAccount token opens the kubelet API as kubeadm's kubelets take one (webhook authentication):
   * the kubelet asks the apiserver in a TokenReview who it is, then authorizes that user as any other; a
   * token the apiserver does not accept is 401.
   */
  @Test
  @Order(2)
  void aServiceAccountTokenIsAuthenticatedByATokenReview() throws Exception {
    kubectl.run("create", "serviceaccount", "scraper", "-n", "default").ok();
    Awaitility.await("a token for scraper").atMost(Duration.ofSeconds(30))
        .until(() -> kubectl.run("create", "token", "scraper", "-n", "default").exit() == 0);
    String token = kubectl.run("create", "token", "scraper", "-n", "default").ok().out().trim();
    assertEquals("401 Unauthorized", curlKubelet("kube-node-01", "Bearer not-a-token", "GET", "/metrics"));
    assertEquals("403 Forbidden (user=system:serviceaccount:default:scraper, verb=get, resource=nodes, "
        + "subresource=metrics)", curlKubelet("kube-node-01", "Bearer " + token, "GET", "/metrics"));
    kubectl.run("create", "clusterrolebinding", "scraper-kubelet", "--clusterrole=system:kubelet-api-admin",
        "--serviceaccount=default:scraper").ok();
    // stats were never denied to it, so no 30 s denial is remembered
    Awaitility.await("scraper reads the Summary API").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> {
          String summary = curlKubelet("kube-node-01", "Bearer " + token, "GET", "/stats/summary");
          assertTrue(summary.startsWith("200 {") && summary.contains("\"nodeName\":\"kube-node-01\""), summary);
        });
  }

  /**
   * A RuntimeClass's handler names a dekube runtime: a class whose handler no node of the pod's kind runs
   * (here {@code simulated}, without dekube's nodeSelector) fails the pod's sandbox on a jvm node, in the
   * words of kube's kubelet and containerd; dekube's own {@code jvm} class runs it.
   */
  @Test
  @Order(2)
  void aPodWhoseRuntimeClassHandlerTheNodeLacksGetsNoSandbox() throws Exception {
    kubectl.runWithInput("apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: elsewhere}\n"
        + "handler: simulated\n", "create", "-f", "-").ok();
    kubectl.run("run", "rc-elsewhere", "--image=dekube/web", "--overrides={\"spec\":{\"runtimeClassName\":\"elsewhere\"}}")
        .ok();
    kubectl.run("run", "rc-jvm", "--image=dekube/web", "--overrides={\"spec\":{\"runtimeClassName\":\"jvm\"}}").ok();
    Awaitility.await("the sandbox event").atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "events",
        "--field-selector", "involvedObject.name=rc-elsewhere,reason=FailedCreatePodSandBox", "-o",
        "jsonpath={.items[0].message}").out().equals("Failed to create pod sandbox: rpc error: code = Unknown desc = "
        + "failed to get sandbox runtime: no runtime for \"simulated\" is configured"));
    assertEquals("Pending", kubectl.run("get", "pod", "rc-elsewhere", "-o", "jsonpath={.status.phase}").ok().out());
    kubectl.run("wait", "--for=condition=Ready", "pod/rc-jvm", "--timeout=60s").ok();
    kubectl.run("delete", "pod", "rc-elsewhere", "rc-jvm", "--wait=false").ok();
  }

  /** {@code method path} on {@code node}'s kubelet API with curl and an Authorization header: "code body". */
  private String curlKubelet(String node, String authorization, String method, String path) throws Exception {
    return curlKubelet(node, false, List.of("-H", "Authorization: " + authorization), method, path);
  }

  /** {@code method path} on {@code node}'s kubelet API with curl (with dana's certificate or none): "code body". */
  private String curlKubelet(String node, boolean asDana, String method, String path) throws Exception {
    return curlKubelet(node, asDana, List.of(), method, path);
  }

  private String curlKubelet(String node, boolean asDana, List<String> extra, String method, String path)
      throws Exception {
    String ip = kubectl.run("get", "node", node, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}")
        .ok().out().trim();
    String port = kubectl.run("get", "node", node, "-o", "jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}")
        .ok().out().trim();
    List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-X", method, "--cacert",
        tmp.resolve("state").resolve("pki").resolve("ca.crt").toString(), "-w", "\n%{http_code}"));
    if (asDana) {
      cmd.addAll(List.of("--cert", tmp.resolve("dana.crt").toString(), "--key", tmp.resolve("dana.key").toString()));
    }
    cmd.addAll(extra);
    cmd.add("https://" + ip + ":" + port + path);
    String out = Kubectl.runBounded(new ProcessBuilder(cmd), 30).ok().out();
    int nl = out.lastIndexOf('\n');
    return out.substring(nl + 1).trim() + " " + out.substring(0, Math.max(0, nl));
  }

  @Test
  @Order(3)
  void logsAndLogsFollow() throws Exception {
    assertTrue(kubectl.run("logs", "web").ok().out().contains("listening on"));
    Process follow = kubectl.start("logs", "-f", "web");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(follow.getInputStream(),
          StandardCharsets.UTF_8))) {
        r.lines().forEach(lines::add);
      } catch (Exception ignored) {
        // the process was destroyed
      }
    });
    reader.start();
    try {
      String ip = kubectl.run("get", "pod", "web", "-o", "jsonpath={.status.podIP}").ok().out();
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
        http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":2015/followed")).build(),
            HttpResponse.BodyHandlers.ofString());
        return lines.stream().anyMatch(l -> l.contains("GET /followed"));
      });
    } finally {
      Kubectl.destroyTree(follow);
    }
  }

  @Test
  @Order(3)
  void logsOptionsAsKubectlSendsThem() throws Exception {
    String all = kubectl.run("logs", "web", "-c", "web").ok().out();
    List<String> stamped = kubectl.run("logs", "web", "--timestamps").ok().out().lines().toList();
    assertTrue(!stamped.isEmpty() && stamped.stream().allMatch(l -> l.matches("20\\d\\d-\\d\\d-\\d\\dT[0-9:.]+Z .*")),
        stamped.toString());
    assertEquals(1, kubectl.run("logs", "web", "--tail=1").ok().out().lines().count());
    assertEquals(all.substring(0, 5), kubectl.run("logs", "web", "--limit-bytes=5").ok().out());
    assertEquals(all, kubectl.run("logs", "web", "--since=1h").ok().out());
    assertEquals("", kubectl.run("logs", "web", "--since-time=2099-01-01T00:00:00Z").ok().out());
    Kubectl.Result previous = kubectl.run("logs", "web", "--previous");
    assertTrue(previous.exit() != 0 && previous.err().contains("previous terminated container \"web\" in pod "
        + "\"web\" not found"), previous.err());
  }

  @Test
  @Order(3)
  void kubeletEventsAndThePreviousContainersLog() throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Integer.parseInt("0" + kubectl.run("get", "pod",
        "crash", "-o", "jsonpath={.status.containerStatuses[0].restartCount}").out().trim()) >= 2);
    assertTrue(kubectl.run("logs", "crash", "--previous").ok().out().contains("crashing in 0.2s with exit code 3"));
    String uid = kubectl.run("get", "pod", "crash", "-o", "jsonpath={.metadata.uid}").ok().out();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("describe", "pod", "crash").out()
        .contains("Back-off restarting failed container crash in pod crash_default(" + uid + ")"));
    String web = kubectl.run("describe", "pod", "web").ok().out();
    for (String line : List.of("Successfully pulled image \"carsonoid/kube-decon:v1\"", "Created container web",
        "Started container web", "kubelet")) {
      assertTrue(web.contains(line), line + " in\n" + web);
    }
    String node = kubectl.run("describe", "node", "kube-node-02").ok().out();
    assertTrue(node.contains("Starting kubelet.") && node.contains("status is now: NodeReady"), node);
  }

  /**
   * {@code nodes/proxy} to the kubelet API, as kube-apiserver proxies it ({@code kubectl get --raw
   * /api/v1/nodes/NODE/proxy/...}): the kubelet's health, its pods, its configuration and the Summary API.
   */
  @Test
  @Order(3)
  void nodesProxyReachesTheKubeletApi() throws Exception {
    String node = kubectl.run("get", "pod", "web", "-o", "jsonpath={.spec.nodeName}").ok().out();
    String base = "/api/v1/nodes/" + node + "/proxy";
    assertEquals("ok", kubectl.run("get", "--raw", base + "/healthz").ok().out().trim());
    JsonNode pods = Json.MAPPER.readTree(kubectl.run("get", "--raw", base + "/pods").ok().out());
    assertEquals("PodList", pods.path("kind").asText());
    assertTrue(pods.path("items").findValuesAsText("name").contains("web"), pods.toString());
    JsonNode configz = Json.MAPPER.readTree(kubectl.run("get", "--raw", base + "/configz").ok().out());
    assertEquals("KubeletConfiguration", configz.path("kubeletconfig").path("kind").asText(), configz.toString());
    assertEquals(110, configz.path("kubeletconfig").path("maxPods").asInt(), configz.toString());
    Awaitility.await("the summary's CPU rate").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode summary = Json.MAPPER.readTree(kubectl.run("get", "--raw", base + "/stats/summary").ok().out());
      assertEquals(node, summary.path("node").path("nodeName").asText());
      assertTrue(summary.path("node").path("memory").path("workingSetBytes").asLong() > 0, summary.toString());
      assertTrue(summary.path("node").path("cpu").path("usageNanoCores").asLong() > 0, summary.toString());
      JsonNode web = null;
      for (JsonNode p : summary.path("pods")) {
        if (p.path("podRef").path("name").asText().equals("web")) {
          web = p;
        }
      }
      assertTrue(web != null && web.path("containers").path(0).path("name").asText().equals("web"), summary.toString());
      assertTrue(web.path("cpu").has("usageCoreNanoSeconds"), summary.toString());
    });
    Kubectl.Result missing = kubectl.run("get", "--raw", "/api/v1/nodes/no-such-node/proxy/healthz");
    assertTrue(missing.exit() != 0 && missing.err().contains("nodes \"no-such-node\" not found"), missing.err());
    Kubectl.Result asJane = kubectl.run("get", "--raw", base + "/pods", "--as", "jane");
    assertTrue(asJane.exit() != 0 && asJane.err().contains("Forbidden"), "nodes/proxy is not a viewer's: " + asJane.err());
  }

  @Test
  @Order(4)
  void execRunsInTheContainersEnvironmentAndPropagatesExitCodes() throws Exception {
    String env = kubectl.run("exec", "web", "--", "env").ok().out();
    assertTrue(env.contains("GREETING=hello") && env.contains("HOSTNAME=web"), env);
    Kubectl.Result failed = kubectl.run("exec", "web", "--", "sh", "-c", "echo $GREETING; exit 3");
    assertEquals(3, failed.exit(), failed.err());
    assertEquals("hello\n", failed.out());
    // the apiserver's request metrics: each exec a CONNECT answered 101, long-running until its socket closed
    String metrics = kubectl.run("get", "--raw", "/metrics").ok().out();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("apiserver_request_total{code=\"101\"")
        && l.contains("subresource=\"exec\"") && l.contains("verb=\"CONNECT\"")), metrics);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("get", "--raw", "/metrics").ok().out()
        .lines().filter(l -> l.startsWith("apiserver_longrunning_requests{") && l.contains("subresource=\"exec\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum() == 0);
  }

  /**
   * An exec or attach to a container that has ended, in a pod still running, answers the kubelet's reason, as
   * kube's proxy passes it on (kubectl run -i of a short command meets it when the container ends first; "Debug
   * Running Pods"' kubectl attach to a debugger that exited too).
   */
  @Test
  @Order(4)
  void execIntoAnEndedContainerAnswersThatItIsNotFound() throws Exception {
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: half-done}
        spec:
          restartPolicy: Never
          containers:
          - {name: once, image: busybox, command: ["true"]}
          - {name: stays, image: busybox, command: [sleep, "3600"]}
        """, "apply", "-f", "-").ok();
    kubectl.run("wait", "--for=jsonpath={.status.containerStatuses[0].state.terminated.reason}=Completed",
        "pod/half-done", "--timeout=60s").ok();
    for (String verb : List.of("exec", "attach")) {
      Kubectl.Result r = verb.equals("exec") ? kubectl.run("exec", "half-done", "-c", "once", "--", "ls")
          : kubectl.run("attach", "half-done", "-c", "once");
      assertNotEquals(0, r.exit(), verb + ": " + r.out());
      // kubectl's WebSocket reaches the kubelet through kube's stream translator: its refusal on the error channel
      assertTrue(r.err().contains("error: Internal error occurred: unable to upgrade connection: container not found "
          + "(\"once\")"), verb + ": " + r.err());
      assertFalse(r.err().contains("cannot reach the kubelet"), verb + ": " + r.err());
    }
    kubectl.run("delete", "pod", "half-done", "--wait=false").ok();
  }

  /** A newcomer's first steps: a busybox pod that sleeps, kubectl exec -i into its shell with commands piped in. */
  @Test
  @Order(4)
  void execIntoABusyboxPodRunsTheCommandsPipedToItsShell() throws Exception {
    kubectl.run("run", "sleeper", "--image=busybox", "--", "sleep", "3600").ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/sleeper", "--timeout=60s").ok();
    Kubectl.Result sh = kubectl.runWithInput("hostname\ncat /etc/resolv.conf | grep search\nnosuch\necho $?\n",
        "exec", "-i", "sleeper", "--", "sh");
    assertEquals(0, sh.exit(), sh.err());
    assertEquals("sleeper\nsearch default.svc.cluster.local svc.cluster.local cluster.local\n127\n", sh.out());
    assertEquals("sh: nosuch: not found\n", sh.err());
    Kubectl.Result exit = kubectl.runWithInput("exit 4\n", "exec", "-i", "sleeper", "--", "sh");
    assertEquals(4, exit.exit(), exit.err());
  }

  /**
   * {@code (echo a; sleep 2; echo xa) | kubectl exec -i POD -- grep x}: the exec's own grep prints each match as
   * its line comes, before stdin ends, and ends at the end of stdin.
   */
  @Test
  @Order(4)
  void execGrepReadsItsStdinAsItComes() throws Exception {
    kubectl.run("run", "streamer", "--image=busybox", "--", "sleep", "3600").ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/streamer", "--timeout=60s").ok();
    Process p = new ProcessBuilder("kubectl", "--kubeconfig", dekube.kubeconfig().toString(), "exec", "-i", "streamer",
        "--", "grep", "x").redirectErrorStream(true).start();
    StringBuffer seen = new StringBuffer();
    Thread reader = readInto(p, seen);
    try (var typed = p.getOutputStream()) {
      typed.write("a\nxa\n".getBytes(StandardCharsets.UTF_8));
      typed.flush();
      Awaitility.await("the first match, stdin still open").atMost(Duration.ofSeconds(30))
          .until(() -> seen.toString().equals("xa\n"));
      assertTrue(p.isAlive(), "grep waits for the end of its stdin");
      typed.write("b\nxb\n".getBytes(StandardCharsets.UTF_8));
    } finally {
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        Kubectl.destroyTree(p);
      }
    }
    reader.join(5000);
    assertEquals(0, p.exitValue(), seen.toString());
    assertEquals("xa\nxb\n", seen.toString());
    kubectl.run("delete", "pod", "streamer", "--wait=false").ok();
  }

  /** Reads what {@code p} writes into {@code seen}, on a thread of its own, until it ends. */
  private static Thread readInto(Process p, StringBuffer seen) {
    Thread reader = new Thread(() -> {
      byte[] b = new byte[4096];
      try (var in = p.getInputStream()) {
        for (int n; (n = in.read(b)) > 0; ) {
          seen.append(new String(b, 0, n, StandardCharsets.UTF_8));
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
    });
    reader.start();
    return reader;
  }

  /** The logging docs' counter pod (its args as the docs write them): the shell's loop counts, kubectl logs shows it. */
  @Test
  @Order(4)
  void theDocsLoggingCounterPodCountsInItsLogs() throws Exception {
    String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: counter\nspec:\n  containers:\n  - name: count\n"
        + "    image: busybox:1.28\n    args: [/bin/sh, -c,\n"
        + "            'i=0; while true; do echo \"$i: $(date)\"; i=$((i+1)); sleep 1; done']\n";
    kubectl.runWithInput(pod, "apply", "-f", "-").ok();
    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> kubectl.run("logs", "counter").out().contains("\n1: "));
    String[] lines = kubectl.run("logs", "counter").ok().out().split("\n");
    String date = " \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d UTC \\d{4}";
    assertTrue(lines[0].matches("0:" + date), lines[0]);
    assertTrue(lines[1].matches("1:" + date), lines[1]);
    // its shell, PID 1 without a trap, takes no SIGTERM (30 s on kube too): not what this test is about
    kubectl.run("delete", "pod", "counter", "--grace-period=0", "--force").ok();
  }

  /** kubectl run -i --rm: the piped commands reach the container's shell, its exit code is kubectl's, the pod goes. */
  @Test
  @Order(4)
  void runInteractiveWithRmGivesTheShellStdinAndDeletesThePod() throws Exception {
    Kubectl.Result run = kubectl.runWithInput("echo hi from $HOSTNAME\nexit 3\n", "run", "-i", "--rm", "once",
        "--image=busybox", "--restart=Never", "--", "sh");
    assertEquals(3, run.exit(), run.out() + run.err());
    assertTrue(run.out().contains("hi from once\n"), run.out());
    assertTrue(run.out().contains("pod \"once\" deleted"), run.out());
    assertTrue(kubectl.run("get", "pod", "once", "--ignore-not-found").ok().out().isBlank());
  }

  /**
   * The first command of every tutorial, on a terminal (util-linux {@code script} gives kubectl one): the
   * prompt, what is typed echoed back, the command's output, and {@code exit 5} ends the session with 5 and
   * deletes the pod.
   */
  @Test
  @Order(4)
  void runItRmGivesAShellPromptOnATerminal() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "")
        .split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "script"))), "util-linux script");
    Process p = new ProcessBuilder("script", "-qfec", "kubectl --kubeconfig " + dekube.kubeconfig()
        + " run -it --rm tty --image=busybox --restart=Never -- sh", "/dev/null").redirectErrorStream(true).start();
    StringBuffer seen = new StringBuffer();
    Thread reader = readInto(p, seen);
    try (var typed = p.getOutputStream()) {
      Awaitility.await("attached").atMost(Duration.ofSeconds(60)).until(() -> seen.toString()
          .contains("If you don't see a command prompt, try pressing enter."));
      typed.write("echo tty ok from $HOSTNAME\r".getBytes(StandardCharsets.UTF_8));
      typed.flush();
      Awaitility.await("the command's output").atMost(Duration.ofSeconds(20)).until(() -> seen.toString()
          .contains("tty ok from tty\r\n/ # "));
      typed.write("exit 5\r".getBytes(StandardCharsets.UTF_8));
      typed.flush();
      assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), seen.toString());
    } finally {
      Kubectl.destroyTree(p);
    }
    reader.join(5000);
    assertEquals(5, p.exitValue(), seen.toString());
    assertTrue(seen.toString().contains("echo tty ok from $HOSTNAME\r\n"), "echoed: " + seen);
    assertTrue(seen.toString().contains("pod \"tty\" deleted"), seen.toString());
  }

  /**
   * kubectl debug adds an ephemeral container (the pods/ephemeralcontainers subresource) that the kubelet
   * runs in the pod; kubectl exec into it reaches the web container through the pod's IP.
   */
  @Test
  @Order(5)
  void kubectlDebugRunsAnEphemeralBusyboxInThePod() throws Exception {
    kubectl.run("debug", "web", "--image=busybox", "-c", "dbg", "--target=web", "--", "sleep", "600").ok();
    Awaitility.await("the ephemeral container runs").atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get",
        "pod", "web", "-o", "jsonpath={.status.ephemeralContainerStatuses[0].state.running.startedAt}").out()
        .startsWith("20"));
    // the pod's loopback reaches its containers (on the jvm runtime: through the pod IP they bind)
    Kubectl.Result sh = kubectl.runWithInput("wget -qO- http://localhost:2015/ | grep pod:\nhostname\n",
        "exec", "-i", "web", "-c", "dbg", "--", "sh");
    assertEquals(0, sh.exit(), sh.err());
    assertEquals("pod: web\nweb\n", sh.out());
    Kubectl.Result taken = kubectl.run("debug", "web", "--image=busybox", "-c", "web", "--", "true");
    assertTrue(taken.exit() != 0 && taken.err().contains("The Pod \"web\" is invalid: "
        + "spec.ephemeralContainers[1].name: Duplicate value: \"web\""), taken.err());
  }

  /**
   * "Debugging Kubernetes Nodes With Kubectl": {@code kubectl debug node/<node> -it --image=ubuntu} starts
   * {@code node-debugger-<node>-xxxxx} on that node whose {@code /host} is the node's root — here the machine's,
   * read-only — and the pod is deleted by its name once done.
   */
  @Test
  @Order(5)
  void kubectlDebugNodeSeesTheNodesRootAtHost() throws Exception {
    Kubectl.Result debug = kubectl.runWithInput("ls /host\ncat /host/etc/passwd | head -1\ntouch /host/x\nexit\n",
        "debug", "node/kube-node-01", "-i", "--image=ubuntu");
    assertTrue(debug.out().contains("Creating debugging pod node-debugger-kube-node-01-")
        || debug.err().contains("Creating debugging pod node-debugger-kube-node-01-"), debug.out() + debug.err());
    String machine;
    try (var names = Files.list(Path.of("/"))) {
      machine = names.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted()
          .collect(java.util.stream.Collectors.joining("\n"));
    }
    assertTrue(debug.out().contains(machine + "\n" + Files.readAllLines(Path.of("/etc/passwd")).get(0) + "\n"),
        debug.out());
    assertTrue(debug.out().contains("touch: /host/x: Read-only file system")
        || debug.err().contains("touch: /host/x: Read-only file system"), debug.out() + debug.err());
    String pod = kubectl.run("get", "pods", "-o", "name").ok().out().lines()
        .filter(n -> n.startsWith("pod/node-debugger-kube-node-01-")).findFirst().orElseThrow();
    kubectl.run("delete", pod, "--now").ok();
  }

  /**
   * A container's own root file system: kubectl cp into an nginx pod and back (a file and a folder), mkdir and
   * writes anywhere not read-only, the writable layer kept under the node's data folder until the pod goes; a
   * restarted container starts from a fresh layer.
   */
  @Test
  @Order(5)
  void kubectlCpBothWaysAndWritesGoToTheContainersOwnLayer() throws Exception {
    kubectl.run("create", "deployment", "files", "--image=nginx").ok();
    kubectl.run("rollout", "status", "deployment/files", "--timeout=60s").ok();
    String pod = kubectl.run("get", "pods", "-l", "app=files", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
    Path hi = tmp.resolve("hi.txt");
    Files.writeString(hi, "hi from the host\n");
    Files.createDirectories(tmp.resolve("site/a"));
    Files.writeString(tmp.resolve("site/a/b.txt"), "bee\n");
    kubectl.run("cp", hi.toString(), pod + ":/tmp/hi.txt").ok();
    kubectl.run("cp", tmp.resolve("site").toString(), pod + ":/srv/site").ok();
    assertEquals("hi from the host\nbee\n", kubectl.run("exec", pod, "--", "cat", "/tmp/hi.txt", "/srv/site/a/b.txt")
        .ok().out());
    kubectl.run("cp", pod + ":/tmp/hi.txt", tmp.resolve("back.txt").toString()).ok();
    assertEquals("hi from the host\n", Files.readString(tmp.resolve("back.txt")));
    kubectl.run("cp", pod + ":/srv/site", tmp.resolve("site-back").toString()).ok();
    assertEquals("bee\n", Files.readString(tmp.resolve("site-back/a/b.txt")));
    // the image's files, as nginx -T names them; a copy into a folder that is not there fails with tar's code
    kubectl.run("cp", pod + ":/etc/nginx/nginx.conf", tmp.resolve("nginx.conf").toString()).ok();
    assertTrue(kubectl.run("exec", pod, "--", "nginx", "-T").ok().out().startsWith("# configuration file "
        + "/etc/nginx/nginx.conf:\n" + Files.readString(tmp.resolve("nginx.conf")) + "\n# configuration file "));
    Kubectl.Result nowhere = kubectl.run("cp", hi.toString(), pod + ":/nosuch/hi.txt");
    assertEquals(1, nowhere.exit(), nowhere.out() + nowhere.err());
    assertEquals("tar: can't change directory to '/nosuch': No such file or directory\n"
        + "command terminated with exit code 1\n", nowhere.err());
    assertEquals("hi\n", kubectl.run("exec", pod, "--", "sh", "-c", "mkdir -p /data/a && echo hi > /data/a/f && cat "
        + "/data/a/f").ok().out());
    String ls = kubectl.run("exec", pod, "--", "ls", "/").ok().out();
    assertTrue(ls.lines().toList().containsAll(List.of("bin", "data", "etc", "root", "srv", "tmp", "usr", "var")), ls);
    // the layer is a folder of the node's data folder, per pod uid and container, gone with the pod
    String uid = kubectl.run("get", "pod", pod, "-o", "jsonpath={.metadata.uid}").ok().out();
    Path layer;
    try (var found = Files.find(tmp.resolve("state"), 8, (f, a) -> f.endsWith(Path.of("nginx", "root", "tmp", "hi.txt"))
        && f.toString().contains(uid))) {
      layer = found.findFirst().orElseThrow().getParent().getParent();
    }
    Awaitility.await("the Summary API counts the layer").atMost(Duration.ofSeconds(20)).until(() ->
        kubectl.run("get", "--raw", "/api/v1/nodes/" + kubectl.run("get", "pod", pod, "-o", "jsonpath={.spec.nodeName}")
            .ok().out() + "/proxy/stats/summary").ok().out().contains("\"rootfs\":{\"time\""));
    kubectl.run("delete", "deployment", "files").ok();
    Awaitility.await("the layer goes with the pod").atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(layer));

    // each run adds a line to /tmp/mark and shows it: one line, as a restart starts from a fresh layer
    kubectl.run("run", "layers", "--image=busybox", "--", "sh", "-c",
        "echo run >> /tmp/mark && cat /tmp/mark; sleep 0.5; exit 1").ok();
    Awaitility.await("restarted").atMost(Duration.ofSeconds(60)).until(() -> Integer.parseInt("0" + kubectl.run("get",
        "pod", "layers", "-o", "jsonpath={.status.containerStatuses[0].restartCount}").out().trim()) >= 2);
    assertEquals("run\n", kubectl.run("logs", "layers", "--previous").ok().out());
    kubectl.run("delete", "pod", "layers", "--wait=false").ok();
  }

  @Test
  @Order(5)
  void portForwardReachesThePod() throws Exception {
    int port = DekubeProcess.freePort();
    Process pf = kubectl.start("port-forward", "pod/web", port + ":2015");
    try {
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body().contains("pod: web"));
    } finally {
      Kubectl.destroyTree(pf);
    }
  }

  /**
   * The HorizontalPodAutoscaler walkthrough as written: {@code php-apache} from {@code registry.k8s.io/hpa-example}
   * (requests 200m), exposed on port 80, {@code kubectl autoscale --cpu-percent=50 --min=1 --max=10}, then a load
   * generator calling the Service in a loop. Each request is index.php's loop of square roots, real CPU time
   * counted for its container, so the HPA controller — reading metrics.k8s.io through the apiserver — scales the
   * Deployment up, and kubectl get hpa shows the measured utilization.
   */
  @Test
  @Order(7)
  void theWalkthroughsPhpApacheIsScaledUpUnderLoad() throws Exception {
    // the walkthrough's manifest (each test cluster has a service range of its own: DekubeProcess.serviceCidrOf)
    Path deployment = tmp.resolve("php-apache.yaml");
    Files.writeString(deployment, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: php-apache}
        spec:
          selector: {matchLabels: {run: php-apache}}
          template:
            metadata: {labels: {run: php-apache}}
            spec:
              containers:
              - name: php-apache
                image: registry.k8s.io/hpa-example
                ports: [{containerPort: 80}]
                resources: {limits: {cpu: 500m}, requests: {cpu: 200m}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: php-apache, labels: {run: php-apache}}
        spec:
          ports: [{port: 80}]
          selector: {run: php-apache}
        """);
    kubectl.run("apply", "-f", deployment.toString()).ok();
    kubectl.run("rollout", "status", "deployment/php-apache", "--timeout=60s").ok();
    String ip = kubectl.run("get", "svc", "php-apache", "-o", "jsonpath={.spec.clusterIP}").ok().out();
    assertEquals("horizontalpodautoscaler.autoscaling/php-apache autoscaled", kubectl.run("autoscale", "deployment",
        "php-apache", "--cpu-percent=50", "--min=1", "--max=10").ok().out().trim());
    // the load generator: wget -q -O- http://php-apache in a loop
    Awaitility.await("the HPA scales php-apache up").atMost(Duration.ofSeconds(120)).ignoreExceptions()
        .untilAsserted(() -> {
          for (int i = 0; i < 50; i++) {
            assertEquals("OK!", http.send(HttpRequest.newBuilder(URI.create("http://" + ip + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
          }
          int replicas = Integer.parseInt(kubectl.run("get", "deployment", "php-apache", "-o",
              "jsonpath={.spec.replicas}").ok().out());
          assertTrue(replicas > 1, replicas + " replicas");
        });
    String hpa = kubectl.run("get", "hpa", "php-apache").ok().out();
    assertTrue(hpa.lines().anyMatch(l -> l.matches("php-apache\\s+Deployment/php-apache\\s+cpu: \\d+%/50%\\s+1\\s+10"
        + "\\s+\\d+\\s+.*")), hpa);
    String events = kubectl.run("get", "events", "--field-selector",
        "involvedObject.name=php-apache,reason=SuccessfulRescale", "-o", "jsonpath={.items[*].message}").ok().out();
    assertTrue(events.contains("reason: cpu resource utilization (percentage of request) above target"), events);
  }

  /**
   * The ingress tutorials' first step:
   * {@code kubectl create deployment hello --image=gcr.io/google-samples/hello-app:1.0}, exposed on 8080; its
   * Service answers with the Go sample's three lines, the serving pod's name among them.
   */
  @Test
  @Order(2)
  void helloAppAnswersThroughItsService() throws Exception {
    kubectl.run("create", "deployment", "hello", "--image=gcr.io/google-samples/hello-app:1.0").ok();
    kubectl.run("expose", "deployment", "hello", "--port=8080").ok();
    kubectl.run("rollout", "status", "deployment/hello", "--timeout=60s").ok();
    String pod = kubectl.run("get", "pods", "-l", "app=hello", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
    String ip = kubectl.run("get", "svc", "hello", "-o", "jsonpath={.spec.clusterIP}").ok().out();
    Awaitility.await("hello's Service answers").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .untilAsserted(() -> assertEquals("Hello, world!\nVersion: 1.0.0\nHostname: " + pod + "\n",
            http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/")).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString()).body()));
    assertTrue(kubectl.run("logs", "deployment/hello").ok().out().contains("Server listening on port 8080"));
  }

  /**
   * "Learn Kubernetes Basics" as written: the bootcamp Deployment, a bash in its pod ({@code cat server.js},
   * {@code curl http://localhost:8080}), the update to jocatalin's v2, the bad update to {@code :v10} that cannot be
   * pulled, and the undo.
   */
  @Test
  @Order(2)
  void theBasicsTutorialsBootcampUpdatesToV2AndItsBadV10FailsToPull() throws Exception {
    kubectl.run("create", "deployment", "kubernetes-bootcamp", "--image=gcr.io/google-samples/kubernetes-bootcamp:v1")
        .ok();
    kubectl.run("rollout", "status", "deployments/kubernetes-bootcamp", "--timeout=60s").ok();
    String pod = kubectl.run("get", "pods", "-l", "app=kubernetes-bootcamp", "-o",
        "jsonpath={.items[0].metadata.name}").ok().out();
    Kubectl.Result bash = kubectl.runWithInput("cat server.js\ncurl http://localhost:8080\nexit\n", "exec", "-i",
        pod, "--", "bash");
    assertEquals(0, bash.exit(), bash.err());
    assertTrue(bash.out().contains("http.createServer(answer).listen(8080") && bash.out().endsWith(
        "Hello Kubernetes bootcamp! | Running on: " + pod + " | v=1\n"), bash.out());
    kubectl.run("set", "image", "deployments/kubernetes-bootcamp",
        "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2").ok();
    kubectl.run("rollout", "status", "deployments/kubernetes-bootcamp", "--timeout=60s").ok();
    // the v1 pod runs on while it terminates (node, PID 1, takes no SIGTERM): the v2 pod is the other Running one
    String v2 = java.util.Arrays.stream(kubectl.run("get", "pods", "-l", "app=kubernetes-bootcamp",
        "--field-selector=status.phase=Running", "-o", "jsonpath={.items[*].metadata.name}").ok().out().split(" "))
        .filter(p -> !p.equals(pod)).findFirst().orElseThrow();
    Awaitility.await("v2 answers").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(
        "Hello Kubernetes bootcamp! | Running on: " + v2 + " | v=2\n",
        kubectl.run("exec", v2, "--", "curl", "-s", "http://localhost:8080").ok().out()));
    kubectl.run("set", "image", "deployments/kubernetes-bootcamp",
        "kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10").ok();
    Awaitility.await("v10 fails to pull").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String reasons = kubectl.run("get", "pods", "-l", "app=kubernetes-bootcamp", "-o",
          "jsonpath={.items[*].status.containerStatuses[0].state.waiting.reason}").ok().out();
      assertTrue(reasons.contains("ErrImagePull") || reasons.contains("ImagePullBackOff"), reasons);
    });
    kubectl.run("rollout", "undo", "deployments/kubernetes-bootcamp").ok();
    kubectl.run("rollout", "status", "deployments/kubernetes-bootcamp", "--timeout=60s").ok();
    kubectl.run("delete", "deployment", "kubernetes-bootcamp").ok();
  }

  /**
   * StatefulSet Basics' "Writing to stable storage", as written: {@code web.yaml}'s two nginx-slim pods with a claim
   * each at {@code /usr/share/nginx/html}, their hostnames written there by {@code kubectl exec}, read back by
   * {@code curl http://localhost/} inside each pod, and still there after the pods are deleted and made again.
   */
  @Test
  @Order(2)
  void theStatefulSetTutorialsPodsServeTheHostnameWrittenToTheirClaims() throws Exception {
    Path web = tmp.resolve("web.yaml");
    Files.writeString(web, """
        apiVersion: v1
        kind: Service
        metadata:
          name: nginx
          labels: {app: nginx}
        spec:
          ports: [{port: 80, name: web}]
          clusterIP: None
          selector: {app: nginx}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: "nginx"
          replicas: 2
          minReadySeconds: 10
          selector: {matchLabels: {app: nginx}}
          template:
            metadata: {labels: {app: nginx}}
            spec:
              containers:
              - name: nginx
                image: registry.k8s.io/nginx-slim:0.21
                ports: [{containerPort: 80, name: web}]
                volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
          volumeClaimTemplates:
          - metadata: {name: www}
            spec:
              accessModes: ["ReadWriteOnce"]
              resources: {requests: {storage: 1Gi}}
        """);
    kubectl.run("apply", "-f", web.toString()).ok();
    kubectl.run("rollout", "status", "statefulset/web", "--timeout=120s").ok();
    for (int i = 0; i < 2; i++) {
      kubectl.run("exec", "web-" + i, "--", "sh", "-c", "echo \"$(hostname)\" > /usr/share/nginx/html/index.html")
          .ok();
    }
    for (int i = 0; i < 2; i++) {
      assertEquals("web-" + i + "\n", kubectl.run("exec", "-i", "web-" + i, "--", "curl", "http://localhost/").ok()
          .out());
    }
    kubectl.run("delete", "pod", "-l", "app=nginx").ok();
    Awaitility.await("web-0 and web-1 again").atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() -> {
      for (int i = 0; i < 2; i++) {
        assertEquals("web-" + i + "\n", kubectl.run("exec", "-i", "web-" + i, "--", "curl", "http://localhost/").ok()
            .out());
      }
    });
    assertEquals("Bound Bound", kubectl.run("get", "pvc", "www-web-0", "www-web-1", "-o",
        "jsonpath={.items[*].status.phase}").ok().out());
  }

  /**
   * "Run a Single-Instance Stateful Application", as written but for the hostPath (a folder of this test, not the
   * machine's {@code /mnt/data}): the PersistentVolume and its claim, the mysql:9 Deployment and its headless Service,
   * {@code kubectl run ... mysql-client -- mysql -h mysql -ppassword} with SQL on stdin writing a row and reading it,
   * the pod deleted, and the Deployment's new pod reading the row from the same volume.
   */
  @Test
  @Order(2)
  void theSingleInstanceMysqlPageKeepsItsRowAcrossPods() throws Exception {
    Path data = tmp.resolve("mnt-data");
    Path manifests = tmp.resolve("mysql.yaml");
    Files.writeString(manifests, """
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: mysql-pv-volume
          labels: {type: local}
        spec:
          storageClassName: manual
          capacity: {storage: 20Gi}
          accessModes: [ReadWriteOnce]
          hostPath: {path: "%s"}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: mysql-pv-claim}
        spec:
          storageClassName: manual
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 20Gi}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: mysql}
        spec:
          ports: [{port: 3306}]
          selector: {app: mysql}
          clusterIP: None
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: mysql}
        spec:
          selector: {matchLabels: {app: mysql}}
          strategy: {type: Recreate}
          template:
            metadata: {labels: {app: mysql}}
            spec:
              containers:
              - image: mysql:9
                name: mysql
                env: [{name: MYSQL_ROOT_PASSWORD, value: password}]
                ports: [{containerPort: 3306, name: mysql}]
                volumeMounts: [{name: mysql-persistent-storage, mountPath: /var/lib/mysql}]
              volumes:
              - name: mysql-persistent-storage
                persistentVolumeClaim: {claimName: mysql-pv-claim}
        """.formatted(data));
    kubectl.run("apply", "-f", manifests.toString()).ok();
    kubectl.run("rollout", "status", "deployment/mysql", "--timeout=120s").ok();
    String first = kubectl.run("get", "pods", "-l", "app=mysql", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
    Awaitility.await("mysql answers through its Service").atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .untilAsserted(() -> assertEquals("1\n", kubectl.run("exec", "deploy/mysql", "--", "mysql", "-h", "mysql",
            "-ppassword", "-N", "-e", "SELECT 1").ok().out()));
    Kubectl.Result written = kubectl.runWithInput("""
        CREATE DATABASE test;
        CREATE TABLE test.messages (message VARCHAR(250));
        INSERT INTO test.messages VALUES ('hello');
        SELECT * FROM test.messages;
        """, "run", "-i", "--rm", "--image=mysql:9", "--restart=Never", "mysql-client", "--", "mysql", "-h", "mysql",
        "-ppassword");
    assertEquals(0, written.exit(), written.out() + written.err());
    assertTrue(written.out().contains("message\nhello\n"), written.out());
    assertTrue(Files.exists(data.resolve("dekube-h2.mv.db")), "the database's file is in the PersistentVolume");

    kubectl.run("delete", "pod", first).ok();
    Awaitility.await("the Deployment's new pod reads the row").atMost(Duration.ofSeconds(120)).ignoreExceptions()
        .untilAsserted(() -> assertEquals("hello\n", kubectl.run("exec", "deploy/mysql", "--", "mysql", "-h", "mysql",
            "-ppassword", "-N", "-e", "SELECT message FROM test.messages").ok().out()));
    assertNotEquals(first, kubectl.run("get", "pods", "-l", "app=mysql", "-o", "jsonpath={.items[0].metadata.name}")
        .ok().out());
    Kubectl.Result read = kubectl.runWithInput("SELECT * FROM test.messages;\n", "run", "-i", "--rm",
        "--image=mysql:9", "--restart=Never", "mysql-client-2", "--", "mysql", "-h", "mysql", "-ppassword");
    assertEquals(0, read.exit(), read.out() + read.err());
    assertTrue(read.out().contains("message\nhello\n"), read.out());
  }

  /**
   * "Connect a Frontend to a Backend Using Services" and "Exposing an External IP Address", as written (in a namespace
   * of their own: this class has a Service {@code hello} already): the hello-go-gke backend behind the Service
   * {@code hello}, the nginx frontend proxying to it behind a LoadBalancer, {@code curl http://EXTERNAL_IP} answering
   * {@code {"message":"Hello"}}; node-hello's {@code Hello Kubernetes!} through {@code kubectl expose --type=LoadBalancer}.
   */
  @Test
  @Order(2)
  void theFrontendAnswersThroughTheHelloServiceAndNodeHelloThroughItsLoadBalancer() throws Exception {
    kubectl.run("create", "namespace", "tutorials").ok();
    Path manifests = tmp.resolve("frontend-backend.yaml");
    Files.writeString(manifests, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          selector: {matchLabels: {app: hello, tier: backend, track: stable}}
          replicas: 3
          template:
            metadata: {labels: {app: hello, tier: backend, track: stable}}
            spec:
              containers:
              - name: hello
                image: "gcr.io/google-samples/hello-go-gke:1.0"
                ports: [{name: http, containerPort: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: hello}
        spec:
          selector: {app: hello, tier: backend}
          ports: [{protocol: TCP, port: 80, targetPort: http}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: frontend}
        spec:
          selector: {app: hello, tier: frontend}
          ports: [{protocol: "TCP", port: 80, targetPort: 80}]
          type: LoadBalancer
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend}
        spec:
          selector: {matchLabels: {app: hello, tier: frontend, track: stable}}
          replicas: 1
          template:
            metadata: {labels: {app: hello, tier: frontend, track: stable}}
            spec:
              containers:
              - name: nginx
                image: "gcr.io/google-samples/hello-frontend:1.0"
                lifecycle: {preStop: {exec: {command: ["/usr/sbin/nginx", "-s", "quit"]}}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels: {app.kubernetes.io/name: load-balancer-example}
          name: hello-world
        spec:
          replicas: 5
          selector: {matchLabels: {app.kubernetes.io/name: load-balancer-example}}
          template:
            metadata: {labels: {app.kubernetes.io/name: load-balancer-example}}
            spec:
              containers:
              - image: gcr.io/google-samples/node-hello:1.0
                name: hello-world
                ports: [{containerPort: 8080}]
        """);
    kubectl.run("apply", "-n", "tutorials", "-f", manifests.toString()).ok();
    kubectl.run("expose", "-n", "tutorials", "deployment", "hello-world", "--type=LoadBalancer", "--name=my-service")
        .ok();
    for (String d : List.of("backend", "frontend", "hello-world")) {
      kubectl.run("rollout", "status", "-n", "tutorials", "deployment/" + d, "--timeout=120s").ok();
    }
    String frontend = externalIp("frontend");
    Awaitility.await("the frontend answers").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .untilAsserted(() -> assertEquals("{\"message\":\"Hello\"}\n", http.send(HttpRequest.newBuilder(
            URI.create("http://" + frontend + "/")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()).body()));
    String service = externalIp("my-service");
    Awaitility.await("my-service answers").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .untilAsserted(() -> assertEquals("Hello Kubernetes!", http.send(HttpRequest.newBuilder(
            URI.create("http://" + service + ":8080/")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()).body()));
    kubectl.run("delete", "namespace", "tutorials", "--wait=false").ok();
  }

  private String externalIp(String service) {
    Awaitility.await(service + "'s EXTERNAL-IP").atMost(Duration.ofSeconds(30)).until(() -> !kubectl.run("get",
        "service", "-n", "tutorials", service, "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}").out().isEmpty());
    try {
      return kubectl.run("get", "service", "-n", "tutorials", service, "-o",
          "jsonpath={.status.loadBalancer.ingress[0].ip}").ok().out();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The memory and CPU resource task pages, as written: polinux/stress holding 150M within a 200Mi limit runs on
   * and {@code kubectl top} shows what it holds; 250M beyond a 100Mi limit ends OOMKilled (exit 137); vish/stress
   * burning two CPUs under a one-CPU limit is held near that limit, as {@code kubectl top} shows.
   */
  @Test
  @Order(3)
  void theResourcePagesStressPodsAreMeasuredOomKilledAndThrottled() throws Exception {
    kubectl.run("create", "namespace", "mem-example").ok();
    Path mem = tmp.resolve("memory-request-limit.yaml");
    Files.writeString(mem, """
        apiVersion: v1
        kind: Pod
        metadata: {name: memory-demo, namespace: mem-example}
        spec:
          containers:
          - name: memory-demo-ctr
            image: polinux/stress
            resources: {requests: {memory: "100Mi"}, limits: {memory: "200Mi"}}
            command: ["stress"]
            args: ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: memory-demo-2, namespace: mem-example}
        spec:
          containers:
          - name: memory-demo-2-ctr
            image: polinux/stress
            resources: {requests: {memory: "50Mi"}, limits: {memory: "100Mi"}}
            command: ["stress"]
            args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]
        """);
    kubectl.run("apply", "-f", mem.toString()).ok();
    Awaitility.await("memory-demo-2 OOMKilled").atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(
        "OOMKilled 137", kubectl.run("get", "pod", "memory-demo-2", "-n", "mem-example", "-o",
            "jsonpath={.status.containerStatuses[0].lastState.terminated.reason} "
                + "{.status.containerStatuses[0].lastState.terminated.exitCode}").ok().out()));
    Awaitility.await("kubectl top pod memory-demo").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Kubectl.Result top = kubectl.run("top", "pod", "memory-demo", "-n", "mem-example");
      assertTrue(top.out().lines().anyMatch(l -> l.matches("memory-demo\\s+\\d+m\\s+150Mi\\s*")), top.out() + top.err());
    });
    assertEquals("Running", kubectl.run("get", "pod", "memory-demo", "-n", "mem-example", "-o",
        "jsonpath={.status.phase}").ok().out());
    kubectl.run("delete", "namespace", "mem-example", "--wait=false").ok();

    kubectl.run("create", "namespace", "cpu-example").ok();
    Path cpu = tmp.resolve("cpu-request-limit.yaml");
    Files.writeString(cpu, """
        apiVersion: v1
        kind: Pod
        metadata: {name: cpu-demo, namespace: cpu-example}
        spec:
          containers:
          - name: cpu-demo-ctr
            image: vish/stress
            resources: {limits: {cpu: "1"}, requests: {cpu: "0.5"}}
            args: ["-cpus", "2"]
        """);
    kubectl.run("apply", "-f", cpu.toString()).ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/cpu-demo", "-n", "cpu-example", "--timeout=60s").ok();
    Awaitility.await("kubectl top pod cpu-demo").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Kubectl.Result top = kubectl.run("top", "pod", "cpu-demo", "-n", "cpu-example");
      String row = top.out().lines().filter(l -> l.startsWith("cpu-demo ")).findFirst().orElse("");
      assertTrue(row.matches("cpu-demo\\s+\\d+m\\s+\\d+Mi\\s*"), top.out() + top.err());
      int millis = Integer.parseInt(row.split("\\s+")[1].replace("m", ""));
      // burning, and never much over its one CPU (the quota allows a slice per hog over it in a period)
      assertTrue(millis > 100 && millis <= 1200, row);
    });
    kubectl.run("delete", "namespace", "cpu-example", "--wait=false").ok();
  }

  /**
   * "Debugging DNS Resolution", as written: the dnsutils pod, {@code nslookup kubernetes.default} and
   * {@code cat /etc/resolv.conf} in it, and {@code dig} asking the cluster DNS.
   */
  @Test
  @Order(2)
  void theDnsDebuggingPagesDnsutilsPodLooksUpTheApiServersService() throws Exception {
    Path pod = tmp.resolve("dnsutils.yaml");
    Files.writeString(pod, """
        apiVersion: v1
        kind: Pod
        metadata: {name: dnsutils, namespace: default}
        spec:
          containers:
          - name: dnsutils
            image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3
            command: [sleep, infinity]
            imagePullPolicy: IfNotPresent
          restartPolicy: Always
        """);
    kubectl.run("apply", "-f", pod.toString()).ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/dnsutils", "--timeout=60s").ok();
    String api = kubectl.run("get", "svc", "kubernetes", "-o", "jsonpath={.spec.clusterIP}").ok().out();
    String lookup = kubectl.run("exec", "-i", "dnsutils", "--", "nslookup", "kubernetes.default").ok().out();
    assertTrue(lookup.contains("Name:\tkubernetes.default.svc.cluster.local\nAddress: " + api + "\n"), lookup);
    assertTrue(kubectl.run("exec", "-i", "dnsutils", "--", "cat", "/etc/resolv.conf").ok().out()
        .contains("search default.svc.cluster.local svc.cluster.local cluster.local\n"));
    String dig = kubectl.run("exec", "-i", "dnsutils", "--", "dig", "kubernetes.default.svc.cluster.local").ok().out();
    assertTrue(dig.contains("status: NOERROR") && dig.contains(";; ANSWER SECTION:\nkubernetes.default.svc.cluster"
        + ".local.\t") && dig.contains("\tIN\tA\t" + api + "\n"), dig);
    assertEquals(api + "\n", kubectl.run("exec", "-i", "dnsutils", "--", "dig", "+search", "+short",
        "kubernetes.default").ok().out());
    kubectl.run("delete", "pod", "dnsutils", "--wait=false").ok();
  }

  /** The Job page's example as written: perl computes pi to 2000 digits, the Job completes, its log shows them. */
  @Test
  @Order(2)
  void theJobPagesPiJobPrintsPiTo2000Digits() throws Exception {
    Path job = tmp.resolve("job.yaml");
    Files.writeString(job, """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: pi}
        spec:
          template:
            spec:
              containers:
              - name: pi
                image: perl:5.34.0
                command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
              restartPolicy: Never
          backoffLimit: 4
        """);
    kubectl.run("apply", "-f", job.toString()).ok();
    kubectl.run("wait", "--for=condition=complete", "job/pi", "--timeout=120s").ok();
    String digits = kubectl.run("logs", "jobs/pi").ok().out();
    assertTrue(digits.startsWith("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899"),
        digits);
    assertEquals(2002, digits.length(), "2000 digits, the point and the newline");
  }

  @Test
  @Order(6)
  void deleteStopsTheContainerAndThePodDisappears() throws Exception {
    String ip = kubectl.run("get", "pod", "web", "-o", "jsonpath={.status.podIP}").ok().out();
    assertTrue(kubectl.run("delete", "pod", "web", "--timeout=60s").ok().out().contains("pod \"web\" deleted"));
    assertTrue(kubectl.run("get", "pod", "web", "--ignore-not-found").ok().out().isBlank());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      try {
        http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":2015/")).build(),
            HttpResponse.BodyHandlers.ofString());
        return false;
      } catch (java.io.IOException e) {
        return true;
      }
    });
  }
}
