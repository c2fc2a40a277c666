package io.dekube.apiserver;

import io.dekube.kafka.WithKafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.core.model.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real kubectl on the PATH against the HTTPS front: version, discovery, health and every kind
 * of credential, right and wrong. Fails (never skips) when kubectl is missing.
 */
@WithKafka
class KubectlIT {

  private static ApiServerFixture server;
  private static Path kubectl;
  private static Path work;
  private static Path adminConfig;
  private static KubeconfigWriter writer;

  record Result(int exitCode, String stdout, String stderr) {
  }

  @BeforeAll
  static void start() throws Exception {
    kubectl = findKubectl();
    server = ApiServerFixture.start(true);
    work = server.dir.resolve("kubectl");
    Files.createDirectories(work.resolve("home"));
    adminConfig = KubeconfigWriter.writeAdmin(server.pki, server.server(), work.resolve("admin.kubeconfig"));
    writer = new KubeconfigWriter(server.server(), server.pki.ca().certificate());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void versionReportsServerMinor32() throws Exception {
    Result r = kubectl(adminConfig, "version", "-o", "json");
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode version = Json.MAPPER.readTree(r.stdout());
    assertEquals("1", version.path("serverVersion").path("major").asText(), r.stdout());
    assertEquals("32", version.path("serverVersion").path("minor").asText(), r.stdout());
  }

  @Test
  void apiResourcesListsPodsAndDeploymentsWithShortNames() throws Exception {
    Result r = kubectl(adminConfig, "api-resources");
    assertEquals(0, r.exitCode(), r.stderr());
    assertRow(r.stdout(), "pods", "po", "v1", "true", "Pod");
    assertRow(r.stdout(), "deployments", "deploy", "apps/v1", "true", "Deployment");
    assertRow(r.stdout(), "namespaces", "ns", "v1", "false", "Namespace");
  }

  /** The kinds kube-apiserver 1.32 serves by default that Helm charts and tools create. */
  @Test
  void apiResourcesListsTheOtherBuiltInKindsOfA132Cluster() throws Exception {
    Result r = kubectl(adminConfig, "api-resources");
    assertEquals(0, r.exitCode(), r.stderr());
    assertRow(r.stdout(), "bindings", "v1", "true", "Binding");
    assertRow(r.stdout(), "podtemplates", "v1", "true", "PodTemplate");
    assertRow(r.stdout(), "tokenreviews", "authentication.k8s.io/v1", "false", "TokenReview");
    assertRow(r.stdout(), "flowschemas", "flowcontrol.apiserver.k8s.io/v1", "false", "FlowSchema");
    assertRow(r.stdout(), "prioritylevelconfigurations", "flowcontrol.apiserver.k8s.io/v1", "false",
        "PriorityLevelConfiguration");
    assertRow(r.stdout(), "runtimeclasses", "node.k8s.io/v1", "false", "RuntimeClass");
    assertRow(r.stdout(), "csidrivers", "storage.k8s.io/v1", "false", "CSIDriver");
    assertRow(r.stdout(), "csinodes", "storage.k8s.io/v1", "false", "CSINode");
    assertRow(r.stdout(), "csistoragecapacities", "storage.k8s.io/v1", "true", "CSIStorageCapacity");
    assertRow(r.stdout(), "volumeattachments", "storage.k8s.io/v1", "false", "VolumeAttachment");
    Result explain = kubectl(adminConfig, "explain", "runtimeclass.overhead");
    assertEquals(0, explain.exitCode(), explain.stderr());
    assertTrue(explain.stdout().contains("podFixed"), explain.stdout());
  }

  /** kube-apiserver's bootstrap FlowSchemas and priority levels, in kubectl's columns (age left out). */
  @Test
  void flowSchemasAndPriorityLevelsAreKubesBootstrapOnes() throws Exception {
    Result schemas = kubectl(adminConfig, "get", "flowschemas");
    assertEquals(0, schemas.exitCode(), schemas.stderr());
    assertRowWithoutAge(schemas.stdout(), 4, "exempt", "exempt", "1", "<none>", "False");
    assertRowWithoutAge(schemas.stdout(), 4, "kube-scheduler", "workload-high", "800", "ByNamespace", "False");
    assertRowWithoutAge(schemas.stdout(), 4, "catch-all", "catch-all", "10000", "ByUser", "False");
    // kube's printer lists FlowSchemas by matching precedence, then name (FlowControlKubectlIT's own schemas may
    // be listed among them: the ITs of this module share one broker)
    List<String> bootstrap = List.of("NAME", "exempt", "probes", "system-leader-election", "endpoint-controller",
        "workload-leader-election", "system-node-high", "system-nodes", "kube-controller-manager", "kube-scheduler",
        "kube-system-service-accounts", "service-accounts", "global-default", "catch-all");
    assertEquals(bootstrap, schemas.stdout().lines().map(l -> l.split("\\s+")[0]).filter(bootstrap::contains).toList());
    Result levels = kubectl(adminConfig, "get", "prioritylevelconfigurations");
    assertEquals(0, levels.exitCode(), levels.stderr());
    assertTrue(levels.stdout().startsWith("NAME              TYPE      NOMINALCONCURRENCYSHARES   QUEUES   HANDSIZE"),
        levels.stdout());
    assertRowWithoutAge(levels.stdout(), 6, "exempt", "Exempt", "<none>", "<none>", "<none>", "<none>");
    assertRowWithoutAge(levels.stdout(), 6, "catch-all", "Limited", "5", "<none>", "<none>", "<none>");
    assertRowWithoutAge(levels.stdout(), 6, "workload-low", "Limited", "100", "128", "6", "50");
  }

  /**
   * The RuntimeClass admission: an unknown class is refused, a class's overhead and scheduling go into
   * the pod, a pod selecting another value than its class is refused; dekube's own classes name its runtimes.
   */
  @Test
  void podsGetTheOverheadAndSchedulingOfTheirRuntimeClass() throws Exception {
    Files.writeString(work.resolve("rc.yaml"), """
        apiVersion: node.k8s.io/v1
        kind: RuntimeClass
        metadata: {name: sandboxed}
        handler: simulated
        overhead: {podFixed: {cpu: 250m, memory: 120Mi}}
        scheduling:
          nodeSelector: {kubernetes.io/os: linux}
          tolerations: [{key: sandbox, operator: Exists, effect: NoSchedule}]
        """);
    Result created = kubectl(adminConfig, "apply", "-f", work.resolve("rc.yaml").toString());
    assertEquals(0, created.exitCode(), created.stderr());
    Result classes = kubectl(adminConfig, "get", "runtimeclasses");
    assertTrue(classes.stdout().startsWith("NAME        HANDLER     AGE"), classes.stdout());
    assertTrue(classes.stdout().lines().anyMatch(l -> l.startsWith("sandboxed   simulated   ")), classes.stdout());
    assertTrue(classes.stdout().lines().anyMatch(l -> l.startsWith("jvm         jvm         ")), classes.stdout());
    assertTrue(classes.stdout().lines().anyMatch(l -> l.startsWith("docker      docker      ")), classes.stdout());
    assertFailsWith(kubectl(adminConfig, "run", "rc-nope", "-n", "default", "--image=nginx",
        "--overrides={\"spec\":{\"runtimeClassName\":\"nope\"}}"),
        "pods \"rc-nope\" is forbidden: pod rejected: RuntimeClass \"nope\" not found");
    assertFailsWith(kubectl(adminConfig, "run", "rc-conflict", "-n", "default", "--image=nginx",
        "--overrides={\"spec\":{\"runtimeClassName\":\"sandboxed\",\"nodeSelector\":{\"kubernetes.io/os\":\"windows\"}}}"),
        "conflict: runtimeClass.scheduling.nodeSelector[kubernetes.io/os] = linux; "
            + "pod.spec.nodeSelector[kubernetes.io/os] = windows");
    Result run = kubectl(adminConfig, "run", "rc-pod", "-n", "default", "--image=nginx",
        "--overrides={\"spec\":{\"runtimeClassName\":\"sandboxed\"}}");
    assertEquals(0, run.exitCode(), run.stderr());
    Result pod = kubectl(adminConfig, "get", "pod", "rc-pod", "-n", "default", "-o",
        "jsonpath={.spec.overhead} {.spec.nodeSelector} {.spec.tolerations[*].key}");
    assertEquals("{\"cpu\":\"250m\",\"memory\":\"120Mi\"} {\"kubernetes.io/os\":\"linux\"} "
        + "node.kubernetes.io/not-ready node.kubernetes.io/unreachable sandbox", pod.stdout(), pod.stderr());
  }

  /**
   * TokenReview authenticates a ServiceAccount token as requests are, for the review's audiences; creating
   * reviews takes {@code create tokenreviews}, which kube's {@code system:auth-delegator} grants.
   */
  @Test
  void tokenReviewsAuthenticateTokensForWhomKubesAuthDelegatorAllows() throws Exception {
    assertEquals(0, kubectl(adminConfig, "create", "serviceaccount", "reviewed", "-n", "default").exitCode());
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> kubectl(adminConfig, "create", "token", "reviewed", "-n", "default").exitCode() == 0);
    Result token = kubectl(adminConfig, "create", "token", "reviewed", "-n", "default");
    assertEquals(0, token.exitCode(), token.stderr());
    Path review = work.resolve("review.yaml");
    Files.writeString(review, "apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec: {token: \""
        + token.stdout().trim() + "\"}\n");
    Result ok = kubectl(adminConfig, "create", "-f", review.toString(), "-o", "json");
    assertEquals(0, ok.exitCode(), ok.stderr());
    JsonNode status = Json.MAPPER.readTree(ok.stdout()).path("status");
    assertTrue(status.path("authenticated").asBoolean(), ok.stdout());
    assertEquals("system:serviceaccount:default:reviewed", status.path("user").path("username").asText());
    assertEquals("[\"system:serviceaccounts\",\"system:serviceaccounts:default\",\"system:authenticated\"]",
        status.path("user").path("groups").toString());
    assertEquals("[\"https://kubernetes.default.svc.cluster.local\"]", status.path("audiences").toString());
    Path other = work.resolve("review-other.yaml");
    Files.writeString(other, Files.readString(review).replace("spec: {", "spec: {audiences: [vault], "));
    JsonNode refused = Json.MAPPER.readTree(kubectl(adminConfig, "create", "-f", other.toString(), "-o", "json")
        .stdout()).path("status");
    assertEquals("{\"error\":\"[invalid bearer token, token audiences [\\\"https://kubernetes.default.svc."
        + "cluster.local\\\"] is invalid for the target audiences [\\\"vault\\\"]]\",\"user\":{}}", refused.toString());

    Path tokenConfig = write("review-token.kubeconfig", writer.withToken("token-user", ApiServerFixture.TOKEN));
    assertFailsWith(kubectl(tokenConfig, "create", "-f", review.toString()), "tokenreviews.authentication.k8s.io is "
        + "forbidden: User \"token-user\" cannot create resource \"tokenreviews\" in API group \"authentication.k8s.io\" "
        + "at the cluster scope");
    assertEquals(0, kubectl(adminConfig, "create", "clusterrolebinding", "token-user-delegator",
        "--clusterrole=system:auth-delegator", "--user=token-user").exitCode());
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> kubectl(tokenConfig, "create", "-f", review.toString()).exitCode() == 0);
  }

  /**
   * A CSR names who created it, whatever its author wrote in {@code spec.username} and {@code groups}, and
   * {@code kubectl get csr} shows kube 1.32's columns through approval and issuance.
   */
  @Test
  void aCertificateSigningRequestNamesItsRequestorAndShowsItsCondition() throws Exception {
    java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("EC");
    gen.initialize(256);
    java.security.KeyPair kp = gen.generateKeyPair();
    byte[] der = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
        new javax.security.auth.x500.X500Principal("CN=erin"), kp.getPublic())
        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()))
        .getEncoded();
    String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n";
    Path csr = write("erin-csr.yaml", "apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\n"
        + "metadata: {name: erin}\nspec:\n  request: " + java.util.Base64.getEncoder().encodeToString(
        pem.getBytes(StandardCharsets.US_ASCII)) + "\n  signerName: kubernetes.io/kube-apiserver-client\n"
        + "  expirationSeconds: 86400\n  usages: [client auth]\n  username: mallory\n  groups: [system:masters]\n");
    Result created = kubectl(adminConfig, "create", "-f", csr.toString());
    assertEquals(0, created.exitCode(), created.stderr());
    String admin = kubectl(adminConfig, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").stdout().trim();
    JsonNode spec = Json.MAPPER.readTree(kubectl(adminConfig, "get", "csr", "erin", "-o", "json").stdout()).path("spec");
    assertEquals(admin, spec.path("username").asText(), "the creator, not what the author wrote: " + spec);
    assertTrue(spec.path("groups").toString().contains("system:authenticated"), spec.toString());
    Result table = kubectl(adminConfig, "get", "csr", "erin");
    assertTrue(table.stdout().matches("(?s)NAME +AGE +SIGNERNAME +REQUESTOR +REQUESTEDDURATION +CONDITION\n"
        + "erin +\\S+ +kubernetes\\.io/kube-apiserver-client +" + java.util.regex.Pattern.quote(admin)
        + " +24h +Pending\n"), table.stdout());
    assertEquals(0, kubectl(adminConfig, "certificate", "approve", "erin").exitCode());
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(() -> {
          String row = kubectl(adminConfig, "get", "csr", "erin", "--no-headers").stdout().trim();
          String conditions = kubectl(adminConfig, "get", "csr", "erin", "-o", "jsonpath={.status.conditions}").stdout();
          assertTrue(row.endsWith(" Approved,Issued"), row + " " + conditions);
        });
  }

  @Test
  void oldApiVersionsAreServedButNotPreferred() throws Exception {
    Result r = kubectl(adminConfig, "api-versions");
    assertEquals(0, r.exitCode(), r.stderr());
    List<String> versions = Arrays.asList(r.stdout().split("\\R"));
    assertTrue(versions.containsAll(List.of("apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1", "v1")),
        r.stdout());
    Result explain = kubectl(adminConfig, "get", "deployments", "-v=6");
    assertTrue(explain.stderr().contains("/apis/apps/v1/"), "deployments resolve to apps/v1: " + explain.stderr());
  }

  /** kube's bootstrap controller writes the default/kubernetes Service again after a delete. */
  @Test
  void theKubernetesServiceComesBackAfterADelete() throws Exception {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> kubectl(adminConfig, "-n", "default", "get", "endpoints", "kubernetes").exitCode() == 0);
    Result deleted = kubectl(adminConfig, "-n", "default", "delete", "svc,endpoints", "kubernetes");
    assertEquals(0, deleted.exitCode(), deleted.stderr());
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
        kubectl(adminConfig, "-n", "default", "get", "svc,endpoints", "kubernetes").exitCode() == 0);
    Result svc = kubectl(adminConfig, "-n", "default", "get", "svc", "kubernetes", "-o",
        "jsonpath={.spec.ports[0].port} {.spec.ports[0].targetPort}");
    String apiPort = server.server().substring(server.server().lastIndexOf(':') + 1);
    assertEquals("443 " + apiPort, svc.stdout(), svc.stderr());
  }

  @Test
  void rawHealthz() throws Exception {
    Result r = kubectl(adminConfig, "get", "--raw", "/healthz");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("ok", r.stdout().trim());
  }

  /**
   * {@code kubectl get cs}: this fixture runs no scheduler and no controller-manager, so their
   * leader Leases are missing (Unhealthy with the reason) while the store answers; a scheduler's
   * freshly renewed Lease makes it Healthy.
   */
  @Test
  void componentStatusesReportTheLeadersAndTheStore() throws Exception {
    Result r = kubectl(adminConfig, "get", "componentstatuses");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("Warning: v1 ComponentStatus is deprecated in v1.19+"), r.stderr());
    assertRow(r.stdout(), "NAME", "STATUS", "MESSAGE", "ERROR");
    assertRow(r.stdout(), "store-0", "Healthy", "ok");
    assertTrue(r.stdout().lines().anyMatch(l -> l.matches("scheduler\\s+Unhealthy\\s+no scheduler holds the "
        + "kube-system/kube-scheduler Lease\\s*")), r.stdout());

    Path lease = work.resolve("scheduler-lease.yaml");
    Files.writeString(lease, """
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata: {name: kube-scheduler, namespace: kube-system}
        spec: {holderIdentity: test-scheduler, leaseDurationSeconds: 3600, renewTime: "%s"}
        """.formatted(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
    Result applied = kubectl(adminConfig, "apply", "-f", lease.toString());
    assertEquals(0, applied.exitCode(), applied.stderr());
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
      Result one = kubectl(adminConfig, "get", "cs", "scheduler", "-o", "jsonpath={.conditions[0].status}");
      assertEquals("True", one.stdout(), one.stderr());
    });

    Result missing = kubectl(adminConfig, "get", "cs", "etcd-0");
    assertNotEquals(0, missing.exitCode());
    assertTrue(missing.stderr().contains("componentstatuses \"etcd-0\" not found"), missing.stderr());
  }

  /**
   * {@code kubectl autoscale} posts an {@code autoscaling/v1} HPA: it is stored as v2 (CPU metric,
   * minReplicas defaulted), listed with kube's columns, and read back in either version; an HPA whose
   * maxReplicas is below minReplicas is refused with kube's field error.
   */
  @Test
  void autoscaleMakesAnHpaServedAsV2AndV1() throws Exception {
    Result created = kubectl(adminConfig, "create", "deployment", "web", "--image=dekube/web");
    assertEquals(0, created.exitCode(), created.stderr());
    Result autoscale = kubectl(adminConfig, "autoscale", "deployment", "web", "--max=5", "--cpu-percent=50");
    assertEquals(0, autoscale.exitCode(), autoscale.stderr());
    assertEquals("horizontalpodautoscaler.autoscaling/web autoscaled", autoscale.stdout().trim());

    Result table = kubectl(adminConfig, "get", "hpa");
    assertEquals(0, table.exitCode(), table.stderr());
    assertTrue(table.stdout().lines().anyMatch(l -> l.matches(
        "web\\s+Deployment/web\\s+cpu: <unknown>/50%\\s+1\\s+5\\s+0\\s+\\S+")), table.stdout());
    assertTrue(table.stdout().startsWith("NAME"), table.stdout());
    assertEquals("Resource cpu 50 1", kubectl(adminConfig, "get", "hpa", "web", "-o",
        "jsonpath={.spec.metrics[0].type} {.spec.metrics[0].resource.name} "
            + "{.spec.metrics[0].resource.target.averageUtilization} {.spec.minReplicas}").stdout());
    assertEquals("autoscaling/v1 50", kubectl(adminConfig, "get", "horizontalpodautoscalers.v1.autoscaling", "web",
        "-o", "jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage}").stdout());

    Path bad = work.resolve("bad-hpa.yaml");
    Files.writeString(bad, """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: bad}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 3
          maxReplicas: 2
        """);
    Result refused = kubectl(adminConfig, "create", "-f", bad.toString());
    assertNotEquals(0, refused.exitCode());
    assertTrue(refused.stderr().contains(
        "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"), refused.stderr());
  }

  /**
   * events.k8s.io/v1 Events, which client-go's newer event recorder writes: one Event stored as core/v1,
   * served under both groups with kube's field names ({@code regarding}/{@code note} against
   * {@code involvedObject}/{@code message}), listed by either and printed with the same columns.
   */
  @Test
  void eventsOfEventsK8sIoAreTheCoreEventsUnderTheirNewNames() throws Exception {
    Path event = work.resolve("event-v1.yaml");
    Files.writeString(event, """
        apiVersion: events.k8s.io/v1
        kind: Event
        metadata: {name: probe.1, namespace: default}
        eventTime: "2026-12-06T04:00:00.000000Z"
        reportingController: example.com/prober
        reportingInstance: prober-1
        action: Probing
        reason: ProbeFailed
        type: Warning
        note: the probe failed twice
        regarding: {kind: Pod, namespace: default, name: web-0, apiVersion: v1}
        """);
    Result created = kubectl(adminConfig, "create", "-f", event.toString());
    assertEquals(0, created.exitCode(), created.stderr());
    assertEquals("event.events.k8s.io/probe.1 created", created.stdout().trim());
    assertEquals("v1 the probe failed twice Pod/web-0 example.com/prober", kubectl(adminConfig, "get", "events",
        "probe.1", "-o", "jsonpath={.apiVersion} {.message} {.involvedObject.kind}/{.involvedObject.name} "
            + "{.reportingComponent}").stdout());
    assertEquals("events.k8s.io/v1 the probe failed twice web-0", kubectl(adminConfig, "get",
        "events.v1.events.k8s.io", "probe.1", "-o", "jsonpath={.apiVersion} {.note} {.regarding.name}").stdout());
    Result table = kubectl(adminConfig, "get", "events.events.k8s.io", "--field-selector", "reason=ProbeFailed");
    assertEquals(0, table.exitCode(), table.stderr());
    assertTrue(table.stdout().lines().anyMatch(l -> l.matches(
        "\\S+\\s+Warning\\s+ProbeFailed\\s+pod/web-0\\s+the probe failed twice")), table.stdout());
    assertTrue(kubectl(adminConfig, "api-resources", "--api-group=events.k8s.io").stdout().lines()
        .anyMatch(l -> l.matches("events\\s+ev\\s+events\\.k8s\\.io/v1\\s+true\\s+Event")),
        () -> "events.k8s.io/v1 is discovered: " + kubectlOut("api-resources", "--api-group=events.k8s.io"));
    String explained = kubectlOut("explain", "events.regarding", "--api-version=events.k8s.io/v1");
    assertTrue(explained.contains("FIELD: regarding <ObjectReference>"), explained);
    assertTrue(explained.contains("regarding contains the object this Event is about."), explained);
  }

  @Test
  void badTokenIsUnauthorized() throws Exception {
    Path tokenConfig = write("token.kubeconfig", writer.withToken("token-user", ApiServerFixture.TOKEN));
    Result ok = kubectl(tokenConfig, "get", "--raw", "/api");
    assertEquals(0, ok.exitCode(), ok.stderr());
    assertUnauthorized(kubectl(tokenConfig, "--token=bad", "get", "--raw", "/api"));
  }

  @Test
  void badPasswordIsUnauthorized() throws Exception {
    Path good = write("basic.kubeconfig", writer.withBasicAuth("basic", "basic-user", ApiServerFixture.PASSWORD));
    assertEquals(0, kubectl(good, "get", "--raw", "/api").exitCode());
    Path bad = write("badbasic.kubeconfig", writer.withBasicAuth("basic", "basic-user", "wrong"));
    assertUnauthorized(kubectl(bad, "get", "--raw", "/api"));
  }

  @Test
  void certificateOfAnotherCaIsUnauthorized() throws Exception {
    CertificateIssuer issuer = new CertificateIssuer();
    CertificateBundle foreign = issuer.newClient(issuer.newCa("other-ca"), "admin", List.of("system:masters"));
    Path config = write("foreign.kubeconfig", writer.withClientCertificate("admin", foreign));
    assertUnauthorized(kubectl(config, "get", "--raw", "/api"));
  }

  /**
   * kubectl prompts for a username and password when a kubeconfig has no credentials at all, so
   * the request without credentials is made with a blank token: kubectl sends "Bearer " and
   * nothing else, which kube-apiserver (and dekube) treat as no credentials at all.
   */
  @Test
  void noCredentialsIsTheAnonymousUserForbiddenAllButThePublicPaths() throws Exception {
    Path config = write("anonymous.kubeconfig", writer.withToken("nobody", " "));
    assertFailsWith(kubectl(config, "get", "--raw", "/api"), "forbidden: User \"system:anonymous\" cannot get path \"/api\"");
    assertFailsWith(kubectl(config, "get", "pods"), "Error from server (Forbidden)"); // discovery is not public
    Result healthz = kubectl(config, "get", "--raw", "/healthz");
    assertEquals(0, healthz.exitCode(), healthz.stderr());
    assertEquals("ok", healthz.stdout().trim());
  }

  /**
   * kube-apiserver's request metrics on its own /metrics, read with {@code kubectl get --raw}: the
   * requests kubectl just made, by kube's verb, scope and code (201, 409, 404, 422, APPLY), a watch
   * in the long-running gauge while it is open; RBAC lets the admin read /metrics, not a plain user.
   */
  @Test
  void rawMetricsCountTheRequestsKubectlJustMade() throws Exception {
    assertEquals(0, kubectl(adminConfig, "create", "namespace", "metrics-it").exitCode());
    Result created = kubectl(adminConfig, "-n", "metrics-it", "create", "configmap", "counted", "--from-literal=a=b");
    assertEquals(0, created.exitCode(), created.stderr());
    assertFailsWith(kubectl(adminConfig, "-n", "metrics-it", "create", "configmap", "counted"), "already exists");
    assertFailsWith(kubectl(adminConfig, "-n", "metrics-it", "get", "configmap", "missing"), "not found");
    assertFailsWith(kubectl(adminConfig, "-n", "metrics-it", "create", "configmap", "Bad_Name"), "is invalid");
    Path applied = work.resolve("metrics-it-cm.yaml");
    Files.writeString(applied, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied, namespace: metrics-it}\n"
        + "data: {k: v}\n");
    Result apply = kubectl(adminConfig, "apply", "--server-side", "-f", applied.toString());
    assertEquals(0, apply.exitCode(), apply.stderr());

    Result raw = kubectl(adminConfig, "get", "--raw", "/metrics");
    assertEquals(0, raw.exitCode(), raw.stderr());
    String page = raw.stdout();
    assertCounted(page, "201", "POST", "namespace");
    assertCounted(page, "409", "POST", "namespace");
    assertCounted(page, "422", "POST", "namespace");
    assertCounted(page, "404", "GET", "resource");
    assertCounted(page, "201", "APPLY", "resource");
    String configmaps = "dry_run=\"\",group=\"\",resource=\"configmaps\",";
    assertTrue(page.contains("apiserver_request_duration_seconds_bucket{component=\"apiserver\"," + configmaps
        + "scope=\"namespace\",subresource=\"\",verb=\"POST\",version=\"v1\",le=\"0.005\"}"), page);
    assertTrue(page.contains("apiserver_current_inflight_requests{request_kind=\"readOnly\"}"), page);

    // a watch is long-running while kubectl keeps it open, and no longer once kubectl is gone
    double before = watchers(kubectl(adminConfig, "get", "--raw", "/metrics").stdout());
    ProcessBuilder watching = new ProcessBuilder(kubectl.toString(), "--kubeconfig", adminConfig.toString(),
        "--cache-dir", work.resolve("cache").toString(), "-n", "metrics-it", "get", "configmaps", "--watch-only")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
    watching.environment().put("HOME", work.resolve("home").toString());
    Process watch = watching.start();
    try {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> watchers(kubectl(adminConfig, "get", "--raw", "/metrics").stdout()) == before + 1);
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> watchers(kubectl(adminConfig, "get", "--raw", "/metrics").stdout()) == before);

    Path tokenConfig = write("metrics-token.kubeconfig", writer.withToken("token-user", ApiServerFixture.TOKEN));
    Result denied = kubectl(tokenConfig, "get", "--raw", "/metrics");
    assertNotEquals(0, denied.exitCode(), denied.stdout());
    assertTrue(denied.stderr().contains("User \"token-user\" cannot get path \"/metrics\""), denied.stderr());
  }

  /** The page counts requests for namespaced v1 ConfigMaps with this code, verb and scope. */
  /**
   * kubectl apply --server-side --subresource=status: the status merges under the manager's entry with
   * {@code subresource: status}, the spec of the file is reset, another manager's different value conflicts until
   * forced; a Deployment's file applied to the scale is kube's 400 (the endpoint applies autoscaling/v1 Scales).
   */
  @Test
  void serverSideApplyOfTheStatusSubresource() throws Exception {
    assertEquals(0, kubectl(adminConfig, "create", "namespace", "ssa-status").exitCode());
    Result created = kubectl(adminConfig, "-n", "ssa-status", "create", "deployment", "web", "--image=dekube/web:v1",
        "--replicas=2");
    assertEquals(0, created.exitCode(), created.stderr());
    Path file = work.resolve("ssa-status.yaml");
    String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ssa-status}\n"
        + "spec: {replicas: 9}\n";
    Files.writeString(file, deployment + "status: {replicas: 2, readyReplicas: 1}\n");
    Result applied = kubectl(adminConfig, "apply", "--server-side", "--subresource=status", "-f", file.toString());
    assertEquals(0, applied.exitCode(), applied.stderr());
    assertTrue(applied.stdout().contains("deployment.apps/web serverside-applied"), applied.stdout());
    String jsonpath = "jsonpath={.spec.replicas} {.status.readyReplicas} "
        + "{.metadata.managedFields[?(@.subresource==\"status\")].manager}";
    assertEquals("2 1 kubectl", kubectl(adminConfig, "-n", "ssa-status", "get", "deployment", "web",
        "--show-managed-fields", "-o", jsonpath).stdout());
    Files.writeString(file, deployment + "status: {replicas: 2, readyReplicas: 2}\n");
    assertFailsWith(kubectl(adminConfig, "apply", "--server-side", "--subresource=status", "--field-manager=other",
        "-f", file.toString()), "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"status\": "
        + ".status.readyReplicas");
    Result forced = kubectl(adminConfig, "apply", "--server-side", "--subresource=status", "--field-manager=other",
        "--force-conflicts", "-f", file.toString());
    assertEquals(0, forced.exitCode(), forced.stderr());
    assertEquals("2 2 kubectl other", kubectl(adminConfig, "-n", "ssa-status", "get", "deployment", "web",
        "--show-managed-fields", "-o", jsonpath).stdout());
    assertFailsWith(kubectl(adminConfig, "apply", "--server-side", "--subresource=scale", "-f", file.toString()),
        "invalid object type: apps/v1, Kind=Deployment");
  }

  /**
   * kubectl patch --subresource=status of metadata: each kind's status strategy decides what comes through, as kube
   * 1.32's (a Deployment's labels stay, its annotations change; a Service takes both; an APIService neither).
   */
  @Test
  void aStatusWriteChangesTheMetadataItsKindsStrategyLetsThrough() throws Exception {
    assertEquals(0, kubectl(adminConfig, "create", "namespace", "status-meta").exitCode());
    assertEquals(0, kubectl(adminConfig, "-n", "status-meta", "create", "deployment", "web", "--image=dekube/web:v1")
        .exitCode());
    assertEquals(0, kubectl(adminConfig, "-n", "status-meta", "create", "service", "clusterip", "web", "--tcp=80")
        .exitCode());
    String meta = "{\"metadata\":{\"labels\":{\"via\":\"status\"},\"annotations\":{\"via\":\"status\"}}}";
    String jsonpath = "jsonpath={.metadata.labels.via}/{.metadata.annotations.via}";
    for (String target : List.of("deployment/web", "service/web")) {
      Result patched = kubectl(adminConfig, "-n", "status-meta", "patch", target, "--subresource=status",
          "--type=merge", "-p", meta);
      assertEquals(0, patched.exitCode(), patched.stderr());
    }
    assertEquals("/status", kubectl(adminConfig, "-n", "status-meta", "get", "deployment", "web", "-o", jsonpath)
        .stdout());
    assertEquals("status/status", kubectl(adminConfig, "-n", "status-meta", "get", "service", "web", "-o", jsonpath)
        .stdout());
    Result api = kubectl(adminConfig, "patch", "apiservice", "v1.apps", "--subresource=status", "--type=merge",
        "-p", meta);
    assertEquals(0, api.exitCode(), api.stderr());
    assertEquals("/", kubectl(adminConfig, "get", "apiservice", "v1.apps", "-o", jsonpath).stdout());
  }

  /** The docs' tutorial "Apply Pod Security Standards at the Namespace Level", then its enforce step. */
  @Test
  void podSecurityLabelsWarnThenRefuseAsTheTutorialShows() throws Exception {
    Path pod = work.resolve("baseline-pod.yaml");
    Files.writeString(pod, """
        apiVersion: v1
        kind: Pod
        metadata: {name: nginx}
        spec:
          containers:
          - name: nginx
            image: nginx
            ports: [{containerPort: 80}]
            securityContext: {privileged: true}
        """);
    kubectl(adminConfig, "create", "ns", "psa-example");
    Result labelled = kubectl(adminConfig, "label", "--overwrite", "ns", "psa-example",
        "pod-security.kubernetes.io/warn=baseline", "pod-security.kubernetes.io/warn-version=latest");
    assertEquals(0, labelled.exitCode(), labelled.stderr());
    Result warned = kubectl(adminConfig, "apply", "-n", "psa-example", "-f", pod.toString());
    assertEquals(0, warned.exitCode(), warned.stderr());
    assertEquals("pod/nginx created", warned.stdout().trim());
    assertEquals("Warning: would violate PodSecurity \"baseline:latest\": privileged (container \"nginx\" must not set"
        + " securityContext.privileged=true)", warned.stderr().trim());
    assertEquals("", kubectl(adminConfig, "apply", "-n", "default", "-f", pod.toString()).stderr().trim());

    Result enforced = kubectl(adminConfig, "label", "--overwrite", "ns", "psa-example",
        "pod-security.kubernetes.io/enforce=baseline");
    assertEquals(0, enforced.exitCode(), enforced.stderr());
    assertEquals("Warning: existing pods in namespace \"psa-example\" violate the new PodSecurity enforce level"
        + " \"baseline:latest\"\nWarning: nginx: privileged", enforced.stderr().trim());
    // the writer reads the namespace's labels from its informer: wait until it has the new ones
    org.awaitility.Awaitility.await("the writer enforces baseline").atMost(java.time.Duration.ofSeconds(30)).until(
        () -> kubectl(adminConfig, "run", "probe", "-n", "psa-example", "--image=nginx", "--privileged",
            "--dry-run=server").exitCode() != 0);
    Files.writeString(pod, Files.readString(pod).replace("name: nginx}", "name: nginx2}"));
    assertFailsWith(kubectl(adminConfig, "apply", "-n", "psa-example", "-f", pod.toString()),
        "Error from server (Forbidden): error when creating \"" + pod + "\": pods \"nginx2\" is forbidden: violates"
            + " PodSecurity \"baseline:latest\": privileged (container \"nginx\" must not set"
            + " securityContext.privileged=true)");

    assertFailsWith(kubectl(adminConfig, "label", "--overwrite", "ns", "psa-example",
            "pod-security.kubernetes.io/enforce=bogus"),
        "The Namespace \"psa-example\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value:"
            + " \"bogus\": must be one of privileged, baseline, restricted");

    kubectl(adminConfig, "label", "--overwrite", "ns", "psa-example", "pod-security.kubernetes.io/warn=restricted");
    Result deployment = kubectl(adminConfig, "create", "deployment", "web", "-n", "psa-example", "--image=nginx");
    assertEquals(0, deployment.exitCode(), deployment.stderr());
    assertEquals("Warning: would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false"
        + " (container \"nginx\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities"
        + " (container \"nginx\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or"
        + " container \"nginx\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container"
        + " \"nginx\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
        deployment.stderr().trim());
  }

  private static void assertCounted(String page, String code, String verb, String scope) {
    assertTrue(page.contains("apiserver_request_total{code=\"" + code + "\",component=\"apiserver\",dry_run=\"\","
        + "group=\"\",resource=\"configmaps\",scope=\"" + scope + "\",subresource=\"\",verb=\"" + verb + "\",version=\"v1\"}"),
        code + " " + verb + " " + scope + " in\n" + page);
  }

  private static void assertFailsWith(Result r, String message) {
    assertNotEquals(0, r.exitCode(), r.stdout());
    assertTrue(r.stderr().contains(message), r.stderr());
  }

  /** The open namespaced watches of ConfigMaps in a /metrics page. */
  private static double watchers(String page) {
    return page.lines().filter(l -> l.startsWith("apiserver_longrunning_requests{")
            && l.contains("resource=\"configmaps\"") && l.contains("scope=\"namespace\"") && l.contains("verb=\"WATCH\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static void assertUnauthorized(Result r) {
    assertNotEquals(0, r.exitCode(), r.stdout());
    assertTrue(r.stderr().contains("Unauthorized"), r.stderr());
  }

  private static void assertRow(String table, String... columns) {
    boolean found = table.lines().map(l -> List.of(l.trim().split("\\s+"))).anyMatch(cells -> cells.equals(List.of(columns)));
    assertTrue(found, "no row " + List.of(columns) + " in\n" + table);
  }

  /** A table row with these cells once the Age cell (at {@code ageIndex}) is left out. */
  private static void assertRowWithoutAge(String table, int ageIndex, String... columns) {
    boolean found = table.lines().map(l -> new ArrayList<>(List.of(l.trim().split("\\s+")))).anyMatch(cells -> {
      if (cells.size() <= ageIndex) {
        return false;
      }
      cells.remove(ageIndex);
      return cells.equals(List.of(columns));
    });
    assertTrue(found, "no row " + List.of(columns) + " in\n" + table);
  }

  private static String kubectlOut(String... args) {
    try {
      return kubectl(adminConfig, args).stdout();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static Path write(String name, String kubeconfig) {
    Path file = work.resolve(name);
    KubeconfigWriter.write(file, kubeconfig);
    return file;
  }

  private static Result kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", work.resolve("cache").toString(), "--request-timeout=30s"));
    command.addAll(List.of(args));
    Kubectl.Result r = Kubectl.exec(work, command);
    return new Result(r.exit(), r.out(), r.err());
  }

  /** kubectl from the PATH; fails with a clear message when absent (CI installs it). */
  static Path findKubectl() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail("kubectl is not on the PATH (" + path + "): this test drives the real kubectl v1.32; "
        + "install it (CI does) instead of skipping the test");
  }
}
