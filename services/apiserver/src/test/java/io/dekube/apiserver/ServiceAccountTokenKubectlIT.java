package io.dekube.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.kafka.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ServiceAccount tokens with the real kubectl against one apiserver on the bus: {@code kubectl
 * create token} (TokenRequest), {@code kubectl --token ... auth whoami}, RBAC's 403 for an account
 * without bindings and access once a RoleBinding names it, tokens bound to a pod, tokens that die
 * with their account, TokenRequest validation, and the issuer discovery documents.
 */
@WithKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceAccountTokenKubectlIT {

  private static ApiServerFixture server;
  private static Path kubectl;
  private static Path work;
  private static Path admin;
  private static Path anonymous;

  record Result(int exit, String out, String err) {
  }

  @BeforeAll
  static void start() throws Exception {
    kubectl = KubectlIT.findKubectl();
    server = ApiServerFixture.start(true);
    work = Files.createDirectories(server.dir.resolve("sa"));
    Files.createDirectories(work.resolve("home"));
    admin = KubeconfigWriter.writeAdmin(server.pki, server.server(), work.resolve("admin.kubeconfig"));
    anonymous = work.resolve("token.kubeconfig");
    KubeconfigWriter.write(anonymous, new KubeconfigWriter(server.server(), server.pki.ca().certificate())
        .withToken("sa", "replaced-by-the-token-flag"));
    ok(admin, "create", "namespace", "x");
    ok(admin, "-n", "x", "create", "serviceaccount", "robot");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static String token(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("-n", "x", "create", "token", "robot"));
    args.addAll(List.of(extra));
    String token = ok(admin, args.toArray(String[]::new)).out().trim();
    assertEquals(3, token.split("\\.").length, token);
    return token;
  }

  @Test
  @Order(1)
  void aRequestedTokenIsTheServiceAccount() throws Exception {
    String token = token();
    Result whoami = kubectl(anonymous, "--token", token, "auth", "whoami", "-o", "json");
    assertEquals(0, whoami.exit(), whoami.err());
    assertTrue(whoami.out().contains("\"username\": \"system:serviceaccount:x:robot\""), whoami.out());
    assertTrue(whoami.out().contains("system:serviceaccounts:x") && whoami.out().contains("system:authenticated"),
        whoami.out());
    String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    assertTrue(payload.contains("\"iss\":\"https://kubernetes.default.svc.cluster.local\""), payload);
    assertTrue(payload.contains("\"sub\":\"system:serviceaccount:x:robot\""), payload);
  }

  @Test
  @Order(2)
  void withoutABindingItIsForbiddenAndARoleBindingOpensIt() throws Exception {
    String token = token();
    Result denied = kubectl(anonymous, "--token", token, "-n", "x", "get", "configmaps");
    assertNotEquals(0, denied.exit());
    assertTrue(denied.err().contains("Error from server (Forbidden): configmaps is forbidden: User "
        + "\"system:serviceaccount:x:robot\" cannot list resource \"configmaps\" in API group \"\" in the namespace "
        + "\"x\""), denied.err());
    ok(admin, "-n", "x", "create", "rolebinding", "robot-view", "--clusterrole=view", "--serviceaccount=x:robot");
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> kubectl(anonymous, "--token", token, "-n", "x", "get", "configmaps").exit() == 0);
    assertEquals("no", kubectl(anonymous, "--token", token, "-n", "x", "auth", "can-i", "delete", "configmaps")
        .out().trim());
  }

  @Test
  @Order(3)
  void badTokensAndBadRequestsAreRefused() throws Exception {
    String token = token();
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
    Result bad = kubectl(anonymous, "--token", forged, "-n", "x", "get", "configmaps");
    assertTrue(bad.err().contains("Unauthorized"), bad.err());
    Result shortLived = kubectl(admin, "-n", "x", "create", "token", "robot", "--duration=5m");
    assertTrue(shortLived.err().contains("may not specify a duration less than 10 minutes"), shortLived.err());
    Result missing = kubectl(admin, "-n", "x", "create", "token", "nobody");
    assertTrue(missing.err().contains("serviceaccounts \"nobody\" not found"), missing.err());
    Result vault = kubectl(anonymous, "--token", token("--audience", "vault"), "auth", "whoami");
    assertTrue(vault.err().contains("Unauthorized"), vault.err());
  }

  @Test
  @Order(4)
  void aPodBoundTokenDiesWithThePod() throws Exception {
    Files.writeString(work.resolve("pod.yaml"), """
        apiVersion: v1
        kind: Pod
        metadata: {name: runner, namespace: x}
        spec:
          serviceAccountName: robot
          containers: [{name: web, image: dekube/web}]
        """);
    ok(admin, "create", "-f", work.resolve("pod.yaml").toString());
    String token = token("--bound-object-kind", "Pod", "--bound-object-name", "runner");
    assertEquals(0, kubectl(anonymous, "--token", token, "auth", "whoami").exit());
    ok(admin, "-n", "x", "delete", "pod", "runner", "--grace-period=0", "--force");
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> kubectl(anonymous, "--token", token, "auth", "whoami").err().contains("Unauthorized"));
    Result other = kubectl(admin, "-n", "x", "create", "token", "robot", "--bound-object-kind", "Pod",
        "--bound-object-name", "runner");
    assertTrue(other.err().contains("pods \"runner\" not found"), other.err());
  }

  @Test
  @Order(5)
  void whoamiShowsKubesExtraForAPodOnANodeAndANodeBindingLivesWithItsNode() throws Exception {
    Files.writeString(work.resolve("node.yaml"), """
        apiVersion: v1
        kind: Node
        metadata: {name: kube-node-07}
        """);
    ok(admin, "create", "-f", work.resolve("node.yaml").toString());
    String nodeUid = ok(admin, "get", "node", "kube-node-07", "-o", "jsonpath={.metadata.uid}").out().trim();
    Files.writeString(work.resolve("placed.yaml"), """
        apiVersion: v1
        kind: Pod
        metadata: {name: placed, namespace: x}
        spec:
          serviceAccountName: robot
          nodeName: kube-node-07
          containers: [{name: web, image: dekube/web}]
        """);
    ok(admin, "create", "-f", work.resolve("placed.yaml").toString());
    String podUid = ok(admin, "-n", "x", "get", "pod", "placed", "-o", "jsonpath={.metadata.uid}").out().trim();
    String token = token("--bound-object-kind", "Pod", "--bound-object-name", "placed");
    String jti = claims(token).replaceAll("(?s).*\"jti\":\"([^\"]+)\".*", "$1");
    assertTrue(claims(token).contains("\"node\":{\"name\":\"kube-node-07\",\"uid\":\"" + nodeUid + "\"}"),
        claims(token));
    String table = ok(anonymous, "--token", token, "auth", "whoami").out();
    assertTrue(table.contains("Extra: authentication.kubernetes.io/credential-id   [JTI=" + jti + "]"), table);
    assertTrue(table.contains("Extra: authentication.kubernetes.io/node-name       [kube-node-07]"), table);
    assertTrue(table.contains("Extra: authentication.kubernetes.io/node-uid        [" + nodeUid + "]"), table);
    assertTrue(table.contains("Extra: authentication.kubernetes.io/pod-name        [placed]"), table);
    assertTrue(table.contains("Extra: authentication.kubernetes.io/pod-uid         [" + podUid + "]"), table);
    String yaml = ok(anonymous, "--token", token, "auth", "whoami", "-o", "yaml").out();
    assertTrue(yaml.contains("    extra:\n      authentication.kubernetes.io/credential-id:\n      - JTI=" + jti + "\n"),
        yaml);

    String nodeToken = token("--bound-object-kind", "Node", "--bound-object-name", "kube-node-07");
    assertTrue(claims(nodeToken).contains("\"node\":{\"name\":\"kube-node-07\",\"uid\":\"" + nodeUid + "\"}")
        && !claims(nodeToken).contains("\"pod\""), claims(nodeToken));
    String nodeTable = ok(anonymous, "--token", nodeToken, "auth", "whoami").out();
    assertTrue(nodeTable.contains("Extra: authentication.kubernetes.io/node-name       [kube-node-07]")
        && !nodeTable.contains("pod-name"), nodeTable);
    Result stale = kubectl(admin, "-n", "x", "create", "token", "robot", "--bound-object-kind", "Node",
        "--bound-object-name", "kube-node-07", "--bound-object-uid", "not-the-uid");
    assertTrue(stale.err().contains("Operation cannot be fulfilled on Node \"kube-node-07\": the UID in the bound "
        + "object reference (not-the-uid) does not match the UID in record. The object might have been deleted and "
        + "then recreated"), stale.exit() + " " + stale.out() + " " + stale.err());
    ok(admin, "delete", "node", "kube-node-07");
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> kubectl(anonymous, "--token", nodeToken, "auth", "whoami").err().contains("Unauthorized"));
    assertEquals(0, kubectl(anonymous, "--token", token, "auth", "whoami").exit(),
        "a pod-bound token's node is not checked");
    Result gone = kubectl(admin, "-n", "x", "create", "token", "robot", "--bound-object-kind", "Node",
        "--bound-object-name", "kube-node-07");
    assertTrue(gone.err().contains("nodes \"kube-node-07\" not found"), gone.err());
  }

  private static String claims(String token) {
    return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
  }

  @Test
  @Order(6)
  void theIssuerPublishesItsKeys() throws Exception {
    String config = ok(admin, "get", "--raw", "/.well-known/openid-configuration").out();
    assertTrue(config.contains("\"issuer\":\"https://kubernetes.default.svc.cluster.local\""), config);
    String jwks = ok(anonymous, "--token", token(), "get", "--raw", "/openid/v1/jwks").out();
    assertTrue(jwks.contains("\"kty\":\"RSA\"") && jwks.contains("\"alg\":\"RS256\""), jwks);
  }

  @Test
  @Order(7)
  void aTokenDiesWithItsServiceAccount() throws Exception {
    String token = token();
    ok(admin, "-n", "x", "delete", "serviceaccount", "robot");
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> kubectl(anonymous, "--token", token, "auth", "whoami").err().contains("Unauthorized"));
    ok(admin, "-n", "x", "create", "serviceaccount", "robot");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> kubectl(admin, "-n", "x", "get", "sa", "robot")
        .exit() == 0);
    assertTrue(kubectl(anonymous, "--token", token, "auth", "whoami").err().contains("Unauthorized"),
        "a recreated account has another uid");
  }

  private static Result ok(Path kubeconfig, String... args) throws Exception {
    Kubectl.Result r = new Kubectl(kubectl, work).ok(kubeconfig, args);
    return new Result(r.exit(), r.out(), r.err());
  }

  private static Result kubectl(Path kubeconfig, String... args) throws Exception {
    Kubectl.Result r = new Kubectl(kubectl, work).run(kubeconfig, args);
    return new Result(r.exit(), r.out(), r.err());
  }
}
