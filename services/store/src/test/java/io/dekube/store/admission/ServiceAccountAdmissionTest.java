package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.ADMISSION;
import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceAccountAdmissionTest {

  static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata: {name: p, namespace: x}
      spec:
        initContainers: [{name: init, image: dekube/web}]
        containers: [{name: a, image: dekube/web}, {name: b, image: dekube/web}]
      """;

  @AfterEach
  void forgetAccounts() {
    KubernetesAdmission.serviceAccounts(null);
  }

  @Test
  void aNewPodGetsTheProjectedTokenVolumeInEveryContainer() {
    ObjectNode pod = create("pods", POD);
    JsonNode spec = pod.path("spec");
    assertEquals("default", spec.path("serviceAccountName").asText());
    assertEquals(1, spec.path("volumes").size());
    JsonNode volume = spec.path("volumes").get(0);
    String name = volume.path("name").asText();
    assertTrue(name.matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}"), name);
    assertEquals(yaml("""
        defaultMode: 420
        sources:
        - serviceAccountToken: {expirationSeconds: 3607, path: token}
        - configMap:
            name: kube-root-ca.crt
            items: [{key: ca.crt, path: ca.crt}]
        - downwardAPI:
            items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]
        """), volume.path("projected"));
    for (JsonNode c : new JsonNode[] {spec.path("initContainers").get(0), spec.path("containers").get(0),
        spec.path("containers").get(1)}) {
      assertEquals(yaml("{name: " + name + ", readOnly: true, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}"),
          c.path("volumeMounts").get(0));
    }
  }

  /** (case, pod spec addition, the ServiceAccount's automount or null, mounted). */
  static Stream<Arguments> automount() {
    return Stream.of(
        Arguments.of("neither says", "", null, true),
        Arguments.of("the pod says no", "  automountServiceAccountToken: false\n", null, false),
        Arguments.of("the account says no", "", false, false),
        Arguments.of("the pod's yes beats the account's no", "  automountServiceAccountToken: true\n", false, true),
        Arguments.of("the account says yes", "", true, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("automount")
  void automountAsKubeDecides(String name, String podLine, Boolean accountSays, boolean mounted) {
    KubernetesAdmission.serviceAccounts((ns, sa) -> accountSays == null ? null
        : yaml("{metadata: {name: " + sa + ", namespace: " + ns + "}, automountServiceAccountToken: " + accountSays + "}"));
    ObjectNode pod = create("pods", POD + podLine);
    assertEquals(mounted, pod.path("spec").path("volumes").size() == 1, pod.toString());
  }

  @Test
  void aContainerWithItsOwnMountThereKeepsIt() {
    ObjectNode pod = create("pods", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: x}
        spec:
          volumes: [{name: mine, emptyDir: {}}]
          containers:
          - name: a
            image: dekube/web
            volumeMounts: [{name: mine, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}]
          - {name: b, image: dekube/web}
        """);
    JsonNode spec = pod.path("spec");
    assertEquals(2, spec.path("volumes").size());
    assertEquals(1, spec.path("containers").get(0).path("volumeMounts").size());
    assertEquals(spec.path("volumes").get(1).path("name"), spec.path("containers").get(1).path("volumeMounts").get(0)
        .path("name"));
  }

  @Test
  void mirrorPodsAndUpdatesAreLeftAlone() {
    ObjectNode mirror = create("pods", POD.replace("metadata: {name: p, namespace: x}",
        "metadata: {name: p, namespace: x, annotations: {kubernetes.io/config.mirror: abc}}"));
    assertFalse(mirror.path("spec").has("volumes"));
    ObjectNode created = create("pods", POD);
    ObjectNode updated = ADMISSION.admit(type("pods"), Verb.UPDATE, created.deepCopy(), created);
    assertEquals(created.path("spec").path("volumes"), updated.path("spec").path("volumes"));
  }
}
