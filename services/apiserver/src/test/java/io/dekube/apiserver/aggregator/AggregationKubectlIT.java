package io.dekube.apiserver.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.ApiServerFixture;
import io.dekube.core.model.Json;
import java.time.Duration;
import java.util.Base64;
import org.awaitility.Awaitility;
import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.kafka.WithKafka;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API aggregation with the real kubectl against a real apiserver: the local APIServices, their
 * table and validation; a real HTTPS server as an aggregated API server behind a Service without a
 * selector (endpoints written by hand): availability with kube's reasons, the proxy with the user's
 * headers, discovery of its group, and a held request that blocks nothing else.
 */
@WithKafka
class AggregationKubectlIT {

  static ApiServerFixture server;
  static Path work;
  static Path admin;

  record Result(int exitCode, String stdout, String stderr) {
  }

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(true);
    work = server.dir.resolve("kubectl");
    Files.createDirectories(work.resolve("home"));
    admin = KubeconfigWriter.writeAdmin(server.pki, server.server(), work.resolve("admin.kubeconfig"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void localApiServicesAreListedAvailable() throws Exception {
    awaitRow("v1.apps", "Local", "True"); // written by the availability controller just after the start
    Result r = kubectl("get", "apiservices");
    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stdout().lines().findFirst().orElse("").matches("NAME\\s+SERVICE\\s+AVAILABLE\\s+AGE"), r.stdout());
    assertRow(r.stdout(), "v1.", "Local", "True");
    assertRow(r.stdout(), "v1.apps", "Local", "True");
    assertRow(r.stdout(), "v1.apiregistration.k8s.io", "Local", "True");
    Result yaml = kubectl("get", "apiservice", "v1.apps", "-o",
        "jsonpath={.spec.groupPriorityMinimum}/{.spec.versionPriority}/{.metadata.labels}/{.status.conditions[0].reason}");
    assertEquals(0, yaml.exitCode(), yaml.stderr());
    assertEquals("17800/15/{\"kube-aggregator.kubernetes.io/automanaged\":\"onstart\"}/Local", yaml.stdout());
  }

  @Test
  void aCrdGroupGetsAnAutomanagedApiServiceThatGoesWithIt() throws Exception {
    apply("gizmo-crd.yaml", """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gizmos.toys.example.com}
        spec:
          group: toys.example.com
          scope: Namespaced
          names: {plural: gizmos, singular: gizmo, kind: Gizmo}
          versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        """);
    awaitRow("v1.toys.example.com", "Local", "True");
    Result labels = kubectl("get", "apiservice", "v1.toys.example.com", "-o",
        "jsonpath={.metadata.labels.kube-aggregator\\.kubernetes\\.io/automanaged} {.spec.groupPriorityMinimum}");
    assertEquals("true 1000", labels.stdout(), labels.stderr());
    assertEquals(0, kubectl("delete", "crd", "gizmos.toys.example.com").exitCode());
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> kubectl("get", "apiservice", "v1.toys.example.com").stderr().contains("NotFound"));
  }

  @Test
  void apiResourcesAndVersionsListApiRegistration() throws Exception {
    Result versions = kubectl("api-versions");
    assertEquals(0, versions.exitCode(), versions.stderr());
    assertTrue(versions.stdout().lines().anyMatch("apiregistration.k8s.io/v1"::equals), versions.stdout());
    Result resources = kubectl("api-resources", "--api-group=apiregistration.k8s.io");
    assertEquals(0, resources.exitCode(), resources.stderr());
    assertRow(resources.stdout(), "apiservices", "apiregistration.k8s.io/v1", "false", "APIService");
  }

  @Test
  void aMisnamedApiServiceIsInvalid() throws Exception {
    Path file = work.resolve("bad-apiservice.yaml");
    Files.writeString(file, """
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata: {name: v1.wardle.example.com}
        spec:
          group: wardle.example.com
          version: v1alpha1
          groupPriorityMinimum: 0
          versionPriority: 15
          service: {namespace: default, name: api}
        """);
    Result r = kubectl("create", "-f", file.toString());
    assertNotEquals(0, r.exitCode(), r.stdout());
    // kubectl prints the causes of a 422 one a line
    assertTrue(r.stderr().contains("The APIService \"v1.wardle.example.com\" is invalid: "), r.stderr());
    assertTrue(r.stderr().contains("* metadata.name: Invalid value: \"v1.wardle.example.com\": must be "
        + "`spec.version+\".\"+spec.group`: \"v1alpha1.wardle.example.com\""), r.stderr());
    assertTrue(r.stderr().contains("* spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than "
        + "20000"), r.stderr());
  }

  @Test
  void anAggregatedApiIsProxiedToItsServiceOnceItsBackendAnswers() throws Exception {
    try (WardleServer wardle = new WardleServer("wardle-api.wardle.svc", server.pki.ca().certificatePem())) {
      String caBundle = Base64.getEncoder().encodeToString(wardle.ca.certificatePem().getBytes(StandardCharsets.UTF_8));
      apply("wardle.yaml", """
          apiVersion: v1
          kind: Namespace
          metadata: {name: wardle}
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: wardle-api, namespace: wardle}
          spec:
            ports: [{name: https, port: 443, targetPort: %d}]
          """.formatted(wardle.port()) + apiService("wardle.example.com", "v1alpha1", "wardle", "wardle-api", 443,
          "caBundle: " + caBundle));
      awaitRow("v1alpha1.wardle.example.com", "wardle/wardle-api", "False", "(EndpointsNotFound)");
      Result unavailable = kubectl("get", "--raw", "/apis/wardle.example.com/v1alpha1/namespaces/wardle/flunders");
      assertNotEquals(0, unavailable.exitCode(), unavailable.stdout());
      assertTrue(unavailable.stderr().contains("ServiceUnavailable"), unavailable.stderr());

      apply("wardle-endpoints.yaml", """
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: wardle-api-1
            namespace: wardle
            labels: {kubernetes.io/service-name: wardle-api}
          addressType: IPv4
          ports: [{name: https, port: %d, protocol: TCP}]
          endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
          """.formatted(wardle.port()));
      awaitRow("v1alpha1.wardle.example.com", "wardle/wardle-api", "True");

      Result list = kubectl("get", "--raw", "/apis/wardle.example.com/v1alpha1/namespaces/wardle/flunders?limit=5");
      assertEquals(0, list.exitCode(), list.stderr());
      JsonNode seen = Json.MAPPER.readTree(list.stdout()).path("seen");
      assertEquals("admin", seen.path("user").asText(), list.stdout());
      assertTrue(List.of(seen.path("groups").asText().split(",")).contains("system:masters"), list.stdout());
      assertEquals(false, seen.path("authorization").asBoolean(true), list.stdout());
      assertTrue(seen.path("client").asText().contains("CN=front-proxy-client"), list.stdout());
      assertTrue(seen.path("path").asText().startsWith("/apis/wardle.example.com/v1alpha1/namespaces/wardle/flunders"
          + "?limit=5"), list.stdout());

      // its OpenAPI (v2 only, as metrics-server's) converted for /openapi/v3, which kubectl explain reads
      Result explain = kubectl("explain", "flunders.spec");
      assertEquals(0, explain.exitCode(), explain.stderr());
      assertTrue(explain.stdout().contains("A name of another flunder or fischer."), explain.stdout());
      Result resources = kubectl("api-resources", "--api-group=wardle.example.com");
      assertEquals(0, resources.exitCode(), resources.stderr());
      assertRow(resources.stdout(), "flunders", "wardle.example.com/v1alpha1", "true", "Flunder");
      Result group = kubectl("get", "--raw", "/apis/wardle.example.com");
      assertEquals(0, group.exitCode(), group.stderr());
      assertEquals("wardle.example.com/v1alpha1",
          Json.MAPPER.readTree(group.stdout()).at("/preferredVersion/groupVersion").asText(), group.stdout());
    }
  }

  @Test
  void aSlowBackendHoldsOnlyItsOwnRequest() throws Exception {
    try (WardleServer wardle = new WardleServer("slow-api.slow.svc", server.pki.ca().certificatePem())) {
      apply("slow.yaml", """
          apiVersion: v1
          kind: Namespace
          metadata: {name: slow}
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: slow-api, namespace: slow}
          spec:
            ports: [{name: https, port: 8443, targetPort: %d}]
          ---
          apiVersion: v1
          kind: Endpoints
          metadata: {name: slow-api, namespace: slow}
          subsets: [{addresses: [{ip: 127.0.0.1}], ports: [{name: https, port: %d}]}]
          """.formatted(wardle.port(), wardle.port())
          + apiService("wardle.example.com", "v1alpha1", "slow", "slow-api", 8443, INSECURE));
      awaitRow("v1alpha1.wardle.example.com", "slow/slow-api", "True");
      Process slow = start("get", "--raw", "/apis/wardle.example.com/v1alpha1/namespaces/slow/flunders/slow");
      try {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(wardle::holding);
        Result other = kubectl("get", "--raw", "/apis/wardle.example.com/v1alpha1/namespaces/slow/flunders");
        assertEquals(0, other.exitCode(), other.stderr());
        assertEquals(0, kubectl("get", "namespaces", "slow").exitCode());
        assertTrue(slow.isAlive(), "the slow request is still held");
        wardle.release();
        assertTrue(slow.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, slow.exitValue());
      } finally {
        slow.destroyForcibly();
      }
    } finally {
      kubectl("delete", "apiservice", "v1alpha1.wardle.example.com", "--ignore-not-found");
    }
  }

  @Test
  void unreachableBackendsAreUnavailableWithKubesReasons() throws Exception {
    try (WardleServer wardle = new WardleServer("broken-api.broken.svc", server.pki.ca().certificatePem())) {
      apply("broken.yaml", """
          apiVersion: v1
          kind: Namespace
          metadata: {name: broken}
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: broken-api, namespace: broken}
          spec:
            ports: [{port: 443, targetPort: %d}]
          ---
          apiVersion: v1
          kind: Endpoints
          metadata: {name: broken-api, namespace: broken}
          subsets: [{addresses: [{ip: 127.0.0.1}], ports: [{port: %d}]}]
          """.formatted(wardle.port(), wardle.port())
          + apiService("broken.example.com", "v1", "broken", "broken-api", 443, INSECURE)
          + apiService("missing.example.com", "v1", "broken", "nothing-here", 443, INSECURE));
      awaitRow("v1.broken.example.com", "broken/broken-api", "False", "(FailedDiscoveryCheck)");
      awaitRow("v1.missing.example.com", "broken/nothing-here", "False", "(ServiceNotFound)");
      Result message = kubectl("get", "apiservice", "v1.missing.example.com", "-o",
          "jsonpath={.status.conditions[?(@.type==\"Available\")].message}");
      assertEquals("service/nothing-here in \"broken\" is not present", message.stdout(), message.stderr());
      Result raw = kubectl("get", "--raw", "/apis/missing.example.com/v1");
      assertTrue(raw.stderr().contains("ServiceUnavailable"), raw.stderr());
    }
  }

  private static final String INSECURE = "insecureSkipTLSVerify: true";

  /** A YAML document (after a {@code ---}) of an APIService for a service, with {@code tls} as its trust line. */
  static String apiService(String group, String version, String namespace, String service, int port, String tls) {
    return """
        ---
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata: {name: %s.%s}
        spec:
          group: %s
          version: %s
          service: {namespace: %s, name: %s, port: %d}
          %s
          groupPriorityMinimum: 1000
          versionPriority: 15
        """.formatted(version, group, group, version, namespace, service, port, tls);
  }

  static void awaitRow(String... prefix) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Result r = kubectl("get", "apiservices");
      assertRow(r.stdout(), prefix);
    });
  }

  static void apply(String name, String yaml) throws Exception {
    Path file = work.resolve(name);
    Files.writeString(file, yaml);
    Result r = kubectl("apply", "-f", file.toString());
    assertEquals(0, r.exitCode(), r.stderr());
  }

  static void assertRow(String table, String... prefix) {
    boolean found = table.lines().map(l -> List.of(l.trim().split("\\s+")))
        .anyMatch(cells -> cells.size() >= prefix.length && cells.subList(0, prefix.length).equals(List.of(prefix)));
    assertTrue(found, "no row starting " + List.of(prefix) + " in\n" + table);
  }

  /** kubectl with the admin kubeconfig, its output into files of {@code work}, no stdin. */
  private static ProcessBuilder command(String timeout, Path out, Path err, String... args) {
    List<String> command = new ArrayList<>(List.of(findKubectl().toString(), "--kubeconfig", admin.toString(),
        "--cache-dir", work.resolve("cache").toString(), "--request-timeout=" + timeout));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("KUBECONFIG");
    pb.environment().put("HOME", work.resolve("home").toString());
    return pb;
  }

  static Process start(String... args) throws Exception {
    Process p = command("60s", Files.createTempFile(work, "out", ".txt"), Files.createTempFile(work, "err", ".txt"),
        args).start();
    p.getOutputStream().close();
    return p;
  }

  static Result kubectl(String... args) throws Exception {
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process p = command("30s", out, err, args).start();
    p.getOutputStream().close(); // kubectl must never wait for a prompt
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("kubectl " + String.join(" ", args) + " did not finish in 90s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  static Path findKubectl() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail("kubectl is not on the PATH: this test drives the real kubectl v1.32");
  }
}
