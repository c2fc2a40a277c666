package io.dekube.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.kafka.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 12 with the real kubectl against one apiserver on the bus: a client certificate for
 * {@code CN=jane} issued with {@code openssl} from the cluster CA, RBAC decisions and kube's 403
 * wording, {@code auth can-i [--list]}, {@code auth whoami}, escalation prevention, a malformed
 * SubjectAccessReview, impersonation, and a ServiceAccount user (from the token file, until
 * ServiceAccount tokens are issued) authorized through its bindings. The apiserver audits with a
 * policy ({@code --audit-policy-file}): the last test reads the audit log of its own requests.
 */
@WithKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RbacKubectlIT {

  private static ApiServerFixture server;
  private static Path kubectl;
  private static Path work;
  private static Path admin;
  private static Path jane;
  private static Path robot;
  private static Path auditLog;

  @BeforeAll
  static void start() throws Exception {
    kubectl = KubectlIT.findKubectl();
    Path audit = Files.createTempDirectory("dekube-audit");
    auditLog = audit.resolve("audit.log");
    server = ApiServerFixture.start(true, Files.writeString(audit.resolve("policy.yaml"), """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: RequestResponse
          resources: [{group: "", resources: [configmaps]}]
        - level: Metadata
          resources: [{group: "", resources: [secrets, pods]}, {group: apps, resources: [deployments]}]
        - level: None
        """), auditLog);
    work = Files.createDirectories(server.dir.resolve("rbac"));
    Files.createDirectories(work.resolve("home"));
    admin = KubeconfigWriter.writeAdmin(server.pki, server.server(), work.resolve("admin.kubeconfig"));
    jane = janeKubeconfig();
    robot = work.resolve("robot.kubeconfig");
    KubeconfigWriter.write(robot, new KubeconfigWriter(server.server(), server.pki.ca().certificate())
        .withToken("robot", ApiServerFixture.SA_TOKEN));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** openssl: a key, a CSR for CN=jane, and a certificate signed by the cluster CA. */
  private static Path janeKubeconfig() throws Exception {
    Path pki = server.dir.resolve("pki");
    Path key = work.resolve("jane.key");
    Path csr = work.resolve("jane.csr");
    Path crt = work.resolve("jane.crt");
    exec("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-subj", "/CN=jane",
        "-out", csr.toString());
    exec("openssl", "x509", "-req", "-in", csr.toString(), "-CA", pki.resolve("ca.crt").toString(), "-CAkey",
        pki.resolve("ca.key").toString(), "-CAcreateserial", "-days", "1", "-out", crt.toString());
    Path config = work.resolve("jane.kubeconfig");
    Files.writeString(config, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: dekube
          cluster: {server: "%s", certificate-authority: "%s"}
        users:
        - name: jane
          user: {client-certificate: "%s", client-key: "%s"}
        contexts:
        - name: jane
          context: {cluster: dekube, user: jane}
        current-context: jane
        """.formatted(server.server(), pki.resolve("ca.crt"), crt, key));
    return config;
  }

  @Test
  @Order(1)
  void janeIsForbiddenWithKubesMessage() throws Exception {
    Kubectl.Result r = kubectl(jane, "get", "pods", "-n", "default");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("Error from server (Forbidden): pods is forbidden: User \"jane\" cannot list "
        + "resource \"pods\" in API group \"\" in the namespace \"default\""), r.err());
    Kubectl.Result watch = kubectl(jane, "get", "nodes", "--watch", "--request-timeout=5s");
    assertTrue(watch.err().contains("User \"jane\" cannot watch resource \"nodes\" in API group \"\" at the cluster "
        + "scope") || watch.err().contains("cannot list resource \"nodes\""), watch.err());
    assertEquals("jane", kubectl(jane, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").out());
  }

  @Test
  @Order(2)
  void viewBindingOpensOneNamespaceForReadingOnly() throws Exception {
    ok(admin, "create", "namespace", "kube-decon");
    ok(admin, "-n", "kube-decon", "create", "configmap", "settings", "--from-literal=a=b");
    ok(admin, "create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane", "-n", "kube-decon");
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> kubectl(jane, "get", "configmaps", "-n", "kube-decon").exit() == 0);
    assertTrue(ok(jane, "get", "configmaps", "-n", "kube-decon").out().contains("settings"));
    assertTrue(kubectl(jane, "get", "pods", "-n", "default").err().contains("in the namespace \"default\""));
    Kubectl.Result delete = kubectl(jane, "-n", "kube-decon", "delete", "configmap", "settings");
    assertTrue(delete.err().contains("configmaps \"settings\" is forbidden: User \"jane\" cannot delete resource "
        + "\"configmaps\" in API group \"\" in the namespace \"kube-decon\""), delete.err());
    String list = ok(admin, "auth", "can-i", "--list", "--as", "jane", "-n", "kube-decon").out();
    assertTrue(list.lines().anyMatch(l -> l.startsWith("pods ") && l.contains("[get list watch]")), list);
    assertTrue(list.contains("selfsubjectaccessreviews.authorization.k8s.io"), list);
    assertEquals("yes", kubectl(jane, "auth", "can-i", "list", "pods", "-n", "kube-decon").out().trim());
    assertEquals("no", kubectl(jane, "auth", "can-i", "delete", "pods", "-n", "kube-decon").out().trim());
  }

  @Test
  @Order(3)
  void adminMayDoEverything() throws Exception {
    assertEquals("yes", ok(admin, "auth", "can-i", "create", "pods").out().trim());
    assertEquals("yes", ok(admin, "auth", "can-i", "*", "*").out().trim());
    String whoami = ok(admin, "auth", "whoami").out();
    assertTrue(whoami.contains("admin") && whoami.contains("system:masters"), whoami);
    // the rules of the cluster-admin binding, once: system:masters' own shortcut lists no rules (as kube's)
    String list = ok(admin, "auth", "can-i", "--list").out();
    assertEquals(1, list.lines().filter(l -> l.startsWith("*.* ")).count(), list);
    assertEquals(1, list.lines().filter(l -> l.matches("\\s+\\[\\*]\\s+\\[]\\s+\\[\\*]\\s*")).count(), list);
  }

  @Test
  @Order(4)
  void escalatingRoleIsForbiddenNamingTheRights() throws Exception {
    ok(admin, "-n", "kube-decon", "create", "role", "role-writer", "--verb=create,get,patch", "--resource=roles");
    ok(admin, "-n", "kube-decon", "create", "rolebinding", "jane-roles", "--role=role-writer", "--user=jane");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> kubectl(jane, "-n", "kube-decon", "create", "role",
        "reader", "--verb=get", "--resource=pods").exit() == 0);
    Kubectl.Result r = kubectl(jane, "-n", "kube-decon", "create", "role", "deleter", "--verb=delete", "--resource=pods");
    assertNotEquals(0, r.exit());
    assertTrue(r.err().contains("roles.rbac.authorization.k8s.io \"deleter\" is forbidden: user \"jane\" "
        + "(groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:"), r.err());
    assertTrue(r.err().contains("{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}"), r.err());
    ok(jane, "-n", "kube-decon", "label", "role", "reader", "team=a");
    Kubectl.Result patch = kubectl(jane, "-n", "kube-decon", "patch", "role", "reader", "--type=json", "-p",
        "[{\"op\":\"add\",\"path\":\"/rules/0/verbs/-\",\"value\":\"delete\"}]");
    assertTrue(patch.err().contains("is attempting to grant RBAC permissions not currently held"), patch.err());
  }

  @Test
  @Order(5)
  void malformedSubjectAccessReviewIs400() throws Exception {
    Path bad = Files.writeString(work.resolve("bad-sar.json"),
        "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":");
    Kubectl.Result r = kubectl(admin, "create", "--raw", "/apis/authorization.k8s.io/v1/subjectaccessreviews", "-f",
        bad.toString());
    assertTrue(r.err().contains("BadRequest"), r.err());
    Path noAttributes = Files.writeString(work.resolve("empty-sar.json"),
        "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"user\":\"jane\"}}");
    Kubectl.Result invalid = kubectl(admin, "create", "--raw", "/apis/authorization.k8s.io/v1/subjectaccessreviews", "-f",
        noAttributes.toString());
    assertTrue(invalid.err().contains("exactly one of nonResourceAttributes or resourceAttributes"), invalid.err());
    Path good = Files.writeString(work.resolve("sar.json"), "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":"
        + "\"SubjectAccessReview\",\"spec\":{\"user\":\"jane\",\"resourceAttributes\":{\"namespace\":\"kube-decon\","
        + "\"verb\":\"list\",\"resource\":\"pods\"}}}");
    assertTrue(ok(admin, "create", "--raw", "/apis/authorization.k8s.io/v1/subjectaccessreviews", "-f",
        good.toString()).out().contains("\"allowed\":true"));
  }

  @Test
  @Order(6)
  void impersonationNeedsTheImpersonateVerb() throws Exception {
    Kubectl.Result r = kubectl(jane, "get", "pods", "-n", "kube-decon", "--as", "admin");
    assertTrue(r.err().contains("users \"admin\" is forbidden: User \"jane\" cannot impersonate resource \"users\" "
        + "in API group \"\" at the cluster scope"), r.err());
    Kubectl.Result asJane = kubectl(admin, "get", "pods", "-n", "default", "--as", "jane", "--as-group", "devs");
    assertTrue(asJane.err().contains("User \"jane\" cannot list resource \"pods\""), asJane.err());
    assertTrue(ok(admin, "auth", "whoami", "--as", "jane", "--as-group", "devs").out().contains("devs"));
  }

  @Test
  @Order(7)
  void serviceAccountIsAuthorizedThroughItsBindings() throws Exception {
    Kubectl.Result denied = kubectl(robot, "-n", "kube-decon", "create", "configmap", "robot-made");
    assertTrue(denied.err().contains("User \"system:serviceaccount:kube-decon:robot\" cannot create resource "
        + "\"configmaps\""), denied.err() + kubectl(robot, "auth", "whoami"));
    ok(admin, "-n", "kube-decon", "create", "rolebinding", "robot-edit", "--clusterrole=edit",
        "--serviceaccount=kube-decon:robot");
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> kubectl(robot, "-n", "kube-decon", "create", "configmap", "robot-made").exit() == 0);
    Kubectl.Result elsewhere = kubectl(robot, "-n", "default", "create", "configmap", "robot-made");
    assertTrue(elsewhere.err().contains("configmaps is forbidden: User \"system:serviceaccount:kube-decon:robot\" "
        + "cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\""), elsewhere.toString());
  }

  /**
   * The audit log holds the events of the policy's levels: a created ConfigMap with its decoded
   * (protobuf) request and its response, a forbidden list with kube's Status and decision, an
   * impersonated request with both users; no RequestReceived stage (omitted) and nothing at None.
   */
  @Test
  @Order(8)
  void theAuditLogRecordsRequestsAtThePolicysLevels() throws Exception {
    Kubectl.Result verbose = ok(admin, "-v=8", "-n", "default", "create", "configmap", "audited", "--from-literal=a=1");
    assertTrue(verbose.err().contains("Audit-Id:"), verbose.err());
    // PodSecurity's audit mode: the violations of the namespace's audit level annotate the request's event
    ok(admin, "create", "namespace", "psa-audit");
    ok(admin, "label", "namespace", "psa-audit", "pod-security.kubernetes.io/audit=restricted");
    ok(admin, "-n", "psa-audit", "create", "deployment", "audited", "--image=nginx");
    // a pod the writer refuses keeps the level it was refused at and its audit violations
    ok(admin, "label", "namespace", "psa-audit", "pod-security.kubernetes.io/enforce=baseline");
    ok(admin, "-n", "psa-audit", "create", "serviceaccount", "default");
    Kubectl.Result refused = kubectl(admin, "-n", "psa-audit", "run", "refused", "--image=nginx",
        "--overrides={\"spec\":{\"hostNetwork\":true}}");
    assertTrue(refused.err().contains("violates PodSecurity \"baseline:latest\": host namespaces"), refused.err());
    kubectl(jane, "-n", "default", "get", "secrets");
    kubectl(admin, "--as=jane", "auth", "can-i", "get", "secrets", "-n", "default");
    kubectl(admin, "--as=jane", "-n", "default", "get", "secrets");
    List<JsonNode> events = new ArrayList<>();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
      events.clear();
      for (String line : Files.readAllLines(auditLog)) {
        events.add(Json.MAPPER.readTree(line));
      }
      return events.stream().filter(e -> e.path("objectRef").path("resource").asText().equals("secrets")).count() >= 2;
    });
    assertTrue(events.stream().allMatch(e -> e.path("stage").asText().equals("ResponseComplete")
        && e.path("apiVersion").asText().equals("audit.k8s.io/v1")), events.toString());
    JsonNode created = events.stream().filter(e -> e.path("verb").asText().equals("create")
        && e.path("responseObject").path("metadata").path("name").asText().equals("audited")).findFirst()
        .orElseThrow();
    assertEquals("RequestResponse", created.path("level").asText());
    assertEquals("1", created.path("requestObject").path("data").path("a").asText(), created.toString());
    assertEquals("audited", created.path("responseObject").path("metadata").path("name").asText());
    // the objectRef completed from kubectl's (protobuf) object, as kube's LogRequestObject
    assertEquals("audited", created.path("objectRef").path("name").asText(), created.toString());
    assertEquals(201, created.path("responseStatus").path("code").asInt());
    assertEquals("allow", created.path("annotations").path("authorization.k8s.io/decision").asText());
    JsonNode deployment = events.stream().filter(e -> e.path("verb").asText().equals("create")
        && e.path("objectRef").path("resource").asText().equals("deployments")).findFirst().orElseThrow();
    assertTrue(deployment.path("annotations").path("pod-security.kubernetes.io/audit-violations").asText()
        .startsWith("would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false"),
        deployment.toString());
    assertEquals(List.of("authorization.k8s.io/decision", "authorization.k8s.io/reason",
        "pod-security.kubernetes.io/audit-violations"), iterableToList(deployment.path("annotations").fieldNames()));
    JsonNode refusedPod = events.stream().filter(e -> e.path("verb").asText().equals("create")
        && e.path("objectRef").path("resource").asText().equals("pods")).findFirst().orElseThrow();
    assertEquals(403, refusedPod.path("responseStatus").path("code").asInt(), refusedPod.toString());
    assertEquals("baseline:latest", refusedPod.path("annotations").path("pod-security.kubernetes.io/enforce-policy")
        .asText(), refusedPod.toString());
    assertTrue(refusedPod.path("annotations").path("pod-security.kubernetes.io/audit-violations").asText()
        .startsWith("would violate PodSecurity \"restricted:latest\": host namespaces (hostNetwork=true)"),
        refusedPod.toString());
    JsonNode forbidden = events.stream().filter(e -> e.path("user").path("username").asText().equals("jane")
        && e.path("objectRef").path("resource").asText().equals("secrets")).findFirst().orElseThrow();
    assertEquals("Metadata", forbidden.path("level").asText());
    assertEquals(403, forbidden.path("responseStatus").path("code").asInt());
    assertEquals("Forbidden", forbidden.path("responseStatus").path("reason").asText());
    assertEquals("forbid", forbidden.path("annotations").path("authorization.k8s.io/decision").asText());
    assertTrue(forbidden.path("requestObject").isMissingNode() && forbidden.path("responseObject").isMissingNode());
    JsonNode impersonated = events.stream().filter(e -> e.path("impersonatedUser").path("username").asText()
        .equals("jane")).findFirst().orElseThrow();
    assertNotEquals("jane", impersonated.path("user").path("username").asText());
    assertTrue(events.stream().noneMatch(e -> e.path("objectRef").path("resource").asText()
        .equals("selfsubjectaccessreviews")), "the None level writes nothing");
  }

  private static List<String> iterableToList(java.util.Iterator<String> names) {
    List<String> out = new ArrayList<>();
    names.forEachRemaining(out::add);
    return out;
  }

  private static Kubectl.Result ok(Path kubeconfig, String... args) throws Exception {
    Kubectl.Result r = kubectl(kubeconfig, args);
    if (r.exit() != 0) {
      fail("kubectl " + String.join(" ", args) + " exited " + r.exit() + ": " + r.err());
    }
    return r;
  }

  private static Kubectl.Result kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", work.resolve("cache").toString()));
    command.addAll(List.of(args));
    return run(command);
  }

  private static void exec(String... command) throws Exception {
    Kubectl.Result r = run(List.of(command));
    if (r.exit() != 0) {
      fail(String.join(" ", command) + " exited " + r.exit() + ": " + r.err());
    }
  }

  private static Kubectl.Result run(List<String> command) throws Exception {
    return Kubectl.exec(work, command);
  }
}
