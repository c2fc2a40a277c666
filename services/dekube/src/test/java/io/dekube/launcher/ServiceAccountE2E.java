package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.core.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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
 * ServiceAccounts and their tokens with the real kubectl against {@code ./dekube up} (one jvm
 * node): a new namespace gets its {@code default} ServiceAccount and {@code kube-root-ca.crt};
 * {@code kubectl create token default} authenticates ({@code auth whoami}), is forbidden until a
 * RoleBinding allows it; a pod's projected token, read with {@code kubectl exec ... cat}, is
 * accepted by {@code kubectl --token}; a legacy token Secret is filled; a deleted {@code default}
 * comes back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceAccountE2E {

  private static final String MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

  @TempDir
  static Path tmp;
  private DekubeProcess dekube;
  private Kubectl kubectl;

  @BeforeAll
  void up() throws Exception {
    Kubectl.requireOnPath();
    dekube = DekubeProcess.up(tmp.resolve("state"), "--nodes", "1");
    kubectl = new Kubectl(dekube.kubeconfig());
  }

  @AfterAll
  void down() throws Exception {
    if (dekube != null) {
      dekube.close();
    }
  }

  /** kubectl with only a bearer token (no client certificate, which would win). */
  private Kubectl withToken(String token) throws Exception {
    String ca = Files.readString(tmp.resolve("state").resolve("pki").resolve("ca.crt"));
    Path file = Files.createTempFile(tmp, "token", ".kubeconfig");
    KubeconfigWriter.write(file, new KubeconfigWriter(dekube.apiUrl(), Pem.parseCertificate(ca))
        .withToken("sa", token));
    return new Kubectl(file);
  }

  @Test
  @Order(1)
  void aNewNamespaceGetsItsDefaultServiceAccountAndTheRootCa() throws Exception {
    kubectl.run("create", "namespace", "x").ok();
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> kubectl.run("-n", "x", "get", "serviceaccount", "default").exit() == 0);
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> kubectl.run("-n", "x", "get", "configmap", "kube-root-ca.crt").exit() == 0);
    String ca = kubectl.run("-n", "x", "get", "configmap", "kube-root-ca.crt", "-o", "jsonpath={.data.ca\\.crt}")
        .ok().out();
    assertEquals(Files.readString(tmp.resolve("state").resolve("pki").resolve("ca.crt")).trim(), ca.trim());
  }

  @Test
  @Order(2)
  void aCreatedTokenIsTheServiceAccountAndNeedsABinding() throws Exception {
    String token = kubectl.run("-n", "x", "create", "token", "default").ok().out().trim();
    Kubectl sa = withToken(token);
    assertEquals("system:serviceaccount:x:default",
        sa.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").ok().out());
    Kubectl.Result denied = sa.run("-n", "x", "get", "pods");
    assertNotEquals(0, denied.exit());
    assertTrue(denied.err().contains("pods is forbidden: User \"system:serviceaccount:x:default\" cannot list "
        + "resource \"pods\" in API group \"\" in the namespace \"x\""), denied.err());
    kubectl.run("-n", "x", "create", "rolebinding", "default-view", "--clusterrole=view",
        "--serviceaccount=x:default").ok();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sa.run("-n", "x", "get", "pods").exit() == 0);
  }

  @Test
  @Order(3)
  void aPodsProjectedTokenIsAcceptedByKubectl() throws Exception {
    Path pod = tmp.resolve("pod.yaml");
    Files.writeString(pod, """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: x}
        spec:
          containers: [{name: web, image: dekube/web}]
        """);
    kubectl.run("create", "-f", pod.toString()).ok();
    String volume = kubectl.run("-n", "x", "get", "pod", "web", "-o", "jsonpath={.spec.volumes[0].name}").ok().out();
    assertTrue(volume.startsWith("kube-api-access-"), volume);
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> "Running".equals(kubectl.run("-n", "x", "get",
        "pod", "web", "-o", "jsonpath={.status.phase}").out()));
    String token = kubectl.run("-n", "x", "exec", "web", "--", "cat", MOUNT + "/token").ok().out().trim();
    assertEquals(3, token.split("\\.").length, token);
    String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    assertTrue(payload.contains("\"pod\":{\"name\":\"web\""), payload);
    assertEquals("system:serviceaccount:x:default",
        withToken(token).run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").ok().out());
    String extra = withToken(token).run("auth", "whoami", "-o", "jsonpath={.status.userInfo.extra}").ok().out();
    assertTrue(extra.contains("\"authentication.kubernetes.io/pod-name\":[\"web\"]") && extra.contains(
        "\"authentication.kubernetes.io/node-name\":[\"kube-node-0") && extra.contains("[\"JTI="), extra);
    assertEquals("x", kubectl.run("-n", "x", "exec", "web", "--", "cat", MOUNT + "/namespace").ok().out().trim());
    assertTrue(kubectl.run("-n", "x", "exec", "web", "--", "cat", MOUNT + "/ca.crt").ok().out()
        .startsWith("-----BEGIN CERTIFICATE-----"));
  }

  @Test
  @Order(4)
  void aLegacyTokenSecretIsFilled() throws Exception {
    Path secret = tmp.resolve("secret.yaml");
    Files.writeString(secret, """
        apiVersion: v1
        kind: Secret
        type: kubernetes.io/service-account-token
        metadata:
          name: default-token
          namespace: x
          annotations: {kubernetes.io/service-account.name: default}
        """);
    kubectl.run("create", "-f", secret.toString()).ok();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !kubectl.run("-n", "x", "get", "secret",
        "default-token", "-o", "jsonpath={.data.token}").out().isEmpty());
    String token = new String(Base64.getDecoder().decode(kubectl.run("-n", "x", "get", "secret", "default-token",
        "-o", "jsonpath={.data.token}").ok().out()), StandardCharsets.UTF_8);
    assertEquals("system:serviceaccount:x:default",
        withToken(token).run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").ok().out());
    // kube 1.32's legacy validator gives a Secret's token no extra (no credential id, pod or node)
    assertEquals("", withToken(token).run("auth", "whoami", "-o", "jsonpath={.status.userInfo.extra}").ok().out());
  }

  @Test
  @Order(5)
  void aDeletedDefaultServiceAccountComesBack() throws Exception {
    String uid = kubectl.run("-n", "x", "get", "sa", "default", "-o", "jsonpath={.metadata.uid}").ok().out();
    kubectl.run("-n", "x", "delete", "sa", "default").ok();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
      Kubectl.Result r = kubectl.run("-n", "x", "get", "sa", "default", "-o", "jsonpath={.metadata.uid}");
      return r.exit() == 0 && !r.out().isEmpty() && !r.out().equals(uid);
    });
  }

  /**
   * kube's ServiceAccount admission waits for a new namespace's default account: a pod created with its
   * namespace in one kubectl apply, and one created right after {@code kubectl create ns}, are admitted.
   */
  @Test
  @Order(6)
  void aPodInANamespaceCreatedAMomentAgoGetsItsDefaultAccount() throws Exception {
    Path both = tmp.resolve("namespace-and-pod.yaml");
    Files.writeString(both, """
        apiVersion: v1
        kind: Namespace
        metadata: {name: fresh}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: first, namespace: fresh}
        spec:
          containers: [{name: web, image: dekube/web}]
        """);
    kubectl.run("apply", "-f", both.toString()).ok();
    kubectl.run("create", "namespace", "fresher").ok();
    kubectl.run("-n", "fresher", "run", "first", "--image=nginx").ok();
    for (String ns : new String[] {"fresh", "fresher"}) {
      assertEquals("default", kubectl.run("-n", ns, "get", "pod", "first", "-o", "jsonpath={.spec.serviceAccountName}")
          .ok().out());
    }
  }

  /**
   * A pod naming a ServiceAccount that does not exist is refused with kube's words, and a Deployment whose
   * template names one gets its ReplicaSet's FailedCreate event until the account is created.
   */
  @Test
  @Order(7)
  void aPodNamingAMissingServiceAccountIsRefused() throws Exception {
    Kubectl.Result refused = kubectl.run("-n", "x", "run", "nope", "--image=nginx",
        "--overrides={\"spec\":{\"serviceAccountName\":\"missing\"}}");
    assertNotEquals(0, refused.exit());
    assertEquals("Error from server (Forbidden): pods \"nope\" is forbidden: error looking up service account"
        + " x/missing: serviceaccount \"missing\" not found", refused.err().trim());
    Path deployment = tmp.resolve("lost.yaml");
    Files.writeString(deployment, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: lost, namespace: x}
        spec:
          selector: {matchLabels: {app: lost}}
          template:
            metadata: {labels: {app: lost}}
            spec:
              serviceAccountName: missing
              containers: [{name: web, image: dekube/web}]
        """);
    kubectl.run("apply", "-f", deployment.toString()).ok();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("-n", "x", "get", "events",
        "--field-selector", "reason=FailedCreate", "-o", "jsonpath={.items[*].message}").out()
        .matches("(?s).*Error creating: pods \"lost-[a-z0-9]+-\" is forbidden: error looking up service account"
            + " x/missing: serviceaccount \"missing\" not found.*"));
    kubectl.run("-n", "x", "create", "serviceaccount", "missing").ok();
    Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> kubectl.run("-n", "x", "get", "pods", "-l",
        "app=lost", "-o", "jsonpath={.items[*].spec.serviceAccountName}").out().equals("missing"));
  }
}
