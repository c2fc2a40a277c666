package io.dekube.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.kafka.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API priority and fairness seen by the real kubectl and a raw HTTPS client: kube's response headers
 * naming the matched FlowSchema and level, the {@code Dangling} condition of a FlowSchema whose level is
 * missing, a one-seat {@code Reject} level answering 429 to a second request while its first runs, the
 * {@code apiserver_flowcontrol_*} metrics and the debug dumps.
 */
@WithKafka
class FlowControlKubectlIT {

  private static ApiServerFixture server;
  private static Path kubectl;
  private static Path work;
  private static Path adminConfig;
  private static Path tokenConfig;

  record Result(int exitCode, String stdout, String stderr) {
  }

  @BeforeAll
  static void start() throws Exception {
    kubectl = KubectlIT.findKubectl();
    server = ApiServerFixture.start(true);
    work = server.dir.resolve("kubectl");
    Files.createDirectories(work.resolve("home"));
    adminConfig = KubeconfigWriter.writeAdmin(server.pki, server.server(), work.resolve("admin.kubeconfig"));
    tokenConfig = work.resolve("token.kubeconfig");
    KubeconfigWriter.write(tokenConfig, new KubeconfigWriter(server.server(), server.pki.ca().certificate())
        .withToken("token-user", ApiServerFixture.TOKEN));
  }

  /** The ITs of this module share one broker: what this class made or changed goes away or back. */
  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      kubectl(adminConfig, "delete", "flowschema", "orphan", "one-seat", "--ignore-not-found");
      kubectl(adminConfig, "delete", "prioritylevelconfiguration", "not-yet", "one-seat", "--ignore-not-found");
      kubectl(adminConfig, "delete", "rolebinding", "token-user-view", "-n", "default", "--ignore-not-found");
      kubectl(adminConfig, "annotate", "--overwrite", "prioritylevelconfiguration", "workload-high",
          "apf.kubernetes.io/autoupdate-spec=true");
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> kubectl(adminConfig, "get",
          "prioritylevelconfiguration", "workload-high", "-o", "jsonpath={.spec.limited.nominalConcurrencyShares}")
          .stdout().equals("40"));
      server.close();
    }
  }

  @Test
  void responsesNameTheMatchedFlowSchemaAndPriorityLevel() throws Exception {
    String exempt = uid("flowschema", "exempt");
    String exemptLevel = uid("prioritylevelconfiguration", "exempt");
    Result admin = kubectl(adminConfig, "get", "pods", "-n", "default", "-v=8");
    assertEquals(0, admin.exitCode(), admin.stderr());
    assertTrue(admin.stderr().contains("X-Kubernetes-Pf-Flowschema-Uid: " + exempt), admin.stderr());
    assertTrue(admin.stderr().contains("X-Kubernetes-Pf-Prioritylevel-Uid: " + exemptLevel), admin.stderr());
    // an ordinary user is global-default's, even when RBAC then refuses the request
    Path basic = work.resolve("basic.kubeconfig");
    KubeconfigWriter.write(basic, new KubeconfigWriter(server.server(), server.pki.ca().certificate())
        .withBasicAuth("basic", "basic-user", ApiServerFixture.PASSWORD));
    Result user = kubectl(basic, "get", "secrets", "-n", "default", "-v=8");
    assertTrue(user.stderr().contains("X-Kubernetes-Pf-Flowschema-Uid: " + uid("flowschema", "global-default")),
        user.stderr());
    assertTrue(user.stderr().contains("X-Kubernetes-Pf-Prioritylevel-Uid: "
        + uid("prioritylevelconfiguration", "global-default")), user.stderr());
  }

  @Test
  void aFlowSchemaWithoutItsPriorityLevelIsDangling() throws Exception {
    apply("dangling.yaml", """
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: FlowSchema
        metadata: {name: orphan}
        spec:
          priorityLevelConfiguration: {name: not-yet}
          matchingPrecedence: 5000
          rules:
          - subjects: [{kind: User, user: {name: nobody}}]
            nonResourceRules: [{verbs: [get], nonResourceURLs: [/nothing]}]
        """);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> row("orphan").trim().endsWith(" True"));
    assertEquals("True NotFound This FlowSchema references the PriorityLevelConfiguration object named \"not-yet\" "
        + "but there is no such object", kubectl(adminConfig, "get", "flowschema", "orphan", "-o",
        "jsonpath={.status.conditions[?(@.type==\"Dangling\")].status} "
            + "{.status.conditions[?(@.type==\"Dangling\")].reason} "
            + "{.status.conditions[?(@.type==\"Dangling\")].message}").stdout());
    apply("not-yet.yaml", """
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: PriorityLevelConfiguration
        metadata: {name: not-yet}
        spec: {type: Limited, limited: {nominalConcurrencyShares: 1, limitResponse: {type: Reject}}}
        """);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> row("orphan").trim().endsWith(" False"));
  }

  @Test
  void aDeletedOrEditedMandatoryObjectComesBack() throws Exception {
    String before = uid("flowschema", "catch-all");
    assertEquals(0, kubectl(adminConfig, "delete", "flowschema", "catch-all").exitCode());
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
      Result r = kubectl(adminConfig, "get", "flowschema", "catch-all", "-o", "jsonpath={.metadata.uid}");
      return r.exitCode() == 0 && !r.stdout().isEmpty() && !r.stdout().equals(before);
    });
    assertEquals(0, kubectl(adminConfig, "patch", "prioritylevelconfiguration", "catch-all", "--type=merge", "-p",
        "{\"spec\":{\"limited\":{\"nominalConcurrencyShares\":77}}}").exitCode());
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> kubectl(adminConfig, "get",
        "prioritylevelconfiguration", "catch-all", "-o", "jsonpath={.spec.limited.nominalConcurrencyShares}")
        .stdout().equals("5"));
    // a suggested object whose autoupdate is off keeps its users' edit
    assertEquals(0, kubectl(adminConfig, "annotate", "--overwrite", "prioritylevelconfiguration", "workload-high",
        "apf.kubernetes.io/autoupdate-spec=false").exitCode());
    assertEquals(0, kubectl(adminConfig, "patch", "prioritylevelconfiguration", "workload-high", "--type=merge", "-p",
        "{\"spec\":{\"limited\":{\"nominalConcurrencyShares\":41}}}").exitCode());
    assertEquals(0, kubectl(adminConfig, "delete", "flowschema", "probes").exitCode());
    // the deleted suggested one comes back; by then the edit has been seen and kept
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> kubectl(adminConfig, "get", "flowschema",
        "probes").exitCode() == 0);
    assertEquals("41", kubectl(adminConfig, "get", "prioritylevelconfiguration", "workload-high", "-o",
        "jsonpath={.spec.limited.nominalConcurrencyShares}").stdout());
  }

  @Test
  void aOneSeatRejectLevelAnswers429WhileItsRequestRuns() throws Exception {
    apply("one-seat.yaml", """
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: PriorityLevelConfiguration
        metadata: {name: one-seat}
        spec: {type: Limited, limited: {nominalConcurrencyShares: 0, limitResponse: {type: Reject}}}
        ---
        apiVersion: flowcontrol.apiserver.k8s.io/v1
        kind: FlowSchema
        metadata: {name: one-seat}
        spec:
          priorityLevelConfiguration: {name: one-seat}
          matchingPrecedence: 300
          distinguisherMethod: {type: ByUser}
          rules:
          - subjects: [{kind: User, user: {name: token-user}}]
            resourceRules: [{verbs: [list], apiGroups: [''], resources: [configmaps], namespaces: [default]}]
        """);
    assertEquals(0, kubectl(adminConfig, "create", "rolebinding", "token-user-view", "-n", "default",
        "--clusterrole=view", "--user=token-user").exitCode());
    String oneSeat = uid("flowschema", "one-seat");
    HttpClient client = server.client(null);
    // the first request holds the level's seat: a list at a resource version the cache has not reached
    // waits (kube's 3 s) before its 504
    String holding = "/api/v1/namespaces/default/configmaps?resourceVersion=999999999&resourceVersionMatch=NotOlderThan";
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
      CompletableFuture<HttpResponse<String>> first = client.sendAsync(request(holding),
          HttpResponse.BodyHandlers.ofString());
      while (!first.isDone() && !dump("dump_requests").contains("token-user")) {
        Thread.onSpinWait();
      }
      HttpResponse<String> second = client.send(request("/api/v1/namespaces/default/configmaps"),
          HttpResponse.BodyHandlers.ofString());
      boolean overlapped = !first.isDone();
      first.get(30, TimeUnit.SECONDS);
      if (!overlapped) {
        return false; // the machine was too slow to overlap them: again
      }
      assertEquals(429, second.statusCode(), second.body());
      assertEquals("Too many requests, please try again later.\n", second.body());
      assertEquals("1", second.headers().firstValue("Retry-After").orElse(""));
      assertEquals(oneSeat, second.headers().firstValue("X-Kubernetes-PF-FlowSchema-UID").orElse(""));
      return true;
    });
    // once the seat is free the level answers again
    assertEquals(200, client.send(request("/api/v1/namespaces/default/configmaps"),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    String metrics = kubectl(adminConfig, "get", "--raw", "/metrics").stdout();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("apiserver_flowcontrol_rejected_requests_total{")
        && l.contains("flow_schema=\"one-seat\"") && l.contains("priority_level=\"one-seat\"")
        && l.contains("reason=\"concurrency-limit\"")), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("apiserver_flowcontrol_dispatched_requests_total{")
        && l.contains("flow_schema=\"exempt\"") && l.contains("priority_level=\"exempt\"")), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("apiserver_flowcontrol_current_executing_requests{")
        && l.contains("flow_schema=\"one-seat\"")), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("apiserver_flowcontrol_current_inqueue_requests{")
        && l.contains("flow_schema=\"one-seat\"")), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("apiserver_flowcontrol_request_wait_duration_seconds_bucket{")
        && l.contains("execute=\"false\"") && l.contains("flow_schema=\"one-seat\"")), metrics);
    // the request metrics count the 429 with its resource, as kube's do
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("apiserver_request_total{") && l.contains("code=\"429\"")
        && l.contains("resource=\"configmaps\"") && l.contains("verb=\"LIST\"")), metrics);
    assertTrue(metrics.contains("apiserver_flowcontrol_nominal_limit_seats{priority_level=\"global-default\"} 49\n"),
        metrics);
    String levels = dump("dump_priority_levels");
    assertTrue(levels.startsWith("PriorityLevelName, ActiveQueues, IsIdle, IsQuiescing, WaitingRequests, "
        + "ExecutingRequests, DispatchedRequests, RejectedRequests, TimedoutRequests, CancelledRequests\n"), levels);
    assertTrue(levels.lines().anyMatch(l -> l.matches("one-seat,\\s+0,\\s+true,\\s+false,\\s+0,\\s+0,\\s+\\d+,\\s+[1-9]\\d*,"
        + "\\s+0,\\s+0")), levels);
    String queues = dump("dump_queues");
    assertTrue(queues.lines().anyMatch(l -> l.matches("global-default,\\s+127,\\s+0,.*")), queues);
    // an ordinary user may not read the dumps
    Result denied = kubectl(tokenConfig, "get", "--raw", "/debug/api_priority_and_fairness/dump_queues");
    assertTrue(denied.stderr().contains("forbidden"), denied.stderr());
  }

  private static HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create(server.server() + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + ApiServerFixture.TOKEN).GET().build();
  }

  private static String dump(String which) throws Exception {
    Result r = kubectl(adminConfig, "get", "--raw", "/debug/api_priority_and_fairness/" + which);
    assertEquals(0, r.exitCode(), r.stderr());
    return r.stdout();
  }

  private static String row(String flowSchema) throws Exception {
    return kubectl(adminConfig, "get", "flowschema", flowSchema, "--no-headers").stdout();
  }

  private static String uid(String kind, String name) throws Exception {
    Result r = kubectl(adminConfig, "get", kind, name, "-o", "jsonpath={.metadata.uid}");
    assertEquals(0, r.exitCode(), r.stderr());
    return r.stdout();
  }

  private static void apply(String name, String yaml) throws Exception {
    Path file = Files.writeString(work.resolve(name), yaml);
    Result r = kubectl(adminConfig, "apply", "-f", file.toString());
    assertEquals(0, r.exitCode(), r.stderr());
  }

  private static Result kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", work.resolve("cache").toString(), "--request-timeout=30s"));
    command.addAll(List.of(args));
    Kubectl.Result r = Kubectl.exec(work, command);
    return new Result(r.exit(), r.out(), r.err());
  }
}
