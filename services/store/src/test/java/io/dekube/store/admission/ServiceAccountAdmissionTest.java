package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.ADMISSION;
import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
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

  /**
   * What the admission webhooks see of a new pod: with the accounts, the token volume the writer will add (or not,
   * as the account says); without them (a split apiserver), only the spec's defaults, never a volume the writer
   * would not add.
   */
  @Test
  void theWebhooksDefaultsMountTheTokenOnlyWhereTheAccountIsKnown() {
    ObjectNode unknown = new KubernetesAdmission().defaults(type("pods"), Verb.CREATE, yaml(POD), null);
    assertEquals("/dev/termination-log",
        unknown.at("/spec/containers/0/terminationMessagePath").asText(), unknown.toString());
    assertTrue(unknown.path("spec").path("volumes").isMissingNode(), unknown.toString());
    KubernetesAdmission.serviceAccounts((ns, sa) -> yaml("{metadata: {name: " + sa + ", namespace: " + ns + "}}"));
    ObjectNode known = new KubernetesAdmission().defaults(type("pods"), Verb.CREATE, yaml(POD), null);
    assertEquals(1, known.path("spec").path("volumes").size(), known.toString());
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
    KubernetesAdmission.serviceAccounts((ns, sa) -> yaml("{metadata: {name: " + sa + ", namespace: " + ns + "}"
        + (accountSays == null ? "" : ", automountServiceAccountToken: " + accountSays) + "}"));
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

  /** A view holding these accounts of namespace x, and what the store holds beyond its cache. */
  private static List<String> lookups(Map<String, String> cached, Map<String, String> inStore) {
    List<String> asked = new ArrayList<>();
    KubernetesAdmission.serviceAccounts(new ServiceAccountView() {
      @Override
      public JsonNode cached(String namespace, String name) {
        asked.add("cached " + namespace + "/" + name);
        return cached.containsKey(name) ? yaml(cached.get(name)) : null;
      }

      @Override
      public JsonNode current(String namespace, String name) {
        asked.add("current " + namespace + "/" + name);
        return inStore.containsKey(name) ? yaml(inStore.get(name)) : null;
      }
    });
    return asked;
  }

  private static StatusException refused(String podYaml) {
    return assertThrows(StatusException.class, () -> create("pods", podYaml));
  }

  @Test
  void aPodNamingAServiceAccountThatDoesNotExistIsRefusedAsKubeDoes() {
    List<String> asked = lookups(Map.of("default", "{metadata: {name: default}}"), Map.of());
    StatusException e = refused(POD + "  serviceAccountName: robot\n");
    assertEquals(403, e.code());
    assertEquals("Forbidden", e.reason());
    assertEquals("pods \"p\" is forbidden: error looking up service account x/robot: serviceaccount \"robot\" not found",
        e.getMessage());
    assertEquals(List.of("cached x/robot", "current x/robot"), asked, "the store is asked after a miss of the cache");
    StatusException generated = refused(POD.replace("{name: p, namespace: x}", "{generateName: web-, namespace: x}")
        + "  serviceAccountName: robot\n");
    assertTrue(generated.getMessage().startsWith("pods \"web-\" is forbidden: error looking up"), generated.getMessage());
    assertEquals("default", create("pods", POD).path("spec").path("serviceAccountName").asText());
  }

  @Test
  void anAccountTheCacheHasNotSeenYetIsFoundInTheStore() {
    List<String> asked = lookups(Map.of(), Map.of("default", "{metadata: {name: default}}"));
    assertEquals("default", create("pods", POD).path("spec").path("serviceAccountName").asText());
    assertEquals(List.of("cached x/default", "current x/default"), asked);
  }

  @Test
  void aStoreThatCannotBeReadRefusesWithItsReason() {
    KubernetesAdmission.serviceAccounts(new ServiceAccountView() {
      @Override
      public JsonNode cached(String namespace, String name) {
        return null;
      }

      @Override
      public JsonNode current(String namespace, String name) {
        throw new IllegalStateException("the serviceaccounts store was not read within 5s");
      }
    });
    assertEquals("pods \"p\" is forbidden: error looking up service account x/default: the serviceaccounts store was"
        + " not read within 5s", refused(POD).getMessage());
  }

  /** (case, the account's enforce-mountable-secrets annotation or null, the pod spec's additions, kube's refusal or null). */
  static Stream<Arguments> mountableSecrets() {
    return Stream.of(
        Arguments.of("not enforced", null, "  volumes: [{name: s, secret: {secretName: other}}]\n", null),
        Arguments.of("a listed secret volume", "'true'", "  volumes: [{name: s, secret: {secretName: listed}}]\n", null),
        Arguments.of("another secret volume", "T", "  volumes: [{name: s, secret: {secretName: other}}]\n",
            "volume with secret.secretName=\"other\" is not allowed because service account robot does not reference"
                + " that secret"),
        Arguments.of("an env of an init container", "'1'",
            "  initContainers: [{name: init, image: dekube/web, env: [{name: PW, valueFrom: {secretKeyRef: {name: other,"
                + " key: pw}}}]}]\n",
            "init container init with envVar PW referencing secret.secretName=\"other\" is not allowed because service"
                + " account robot does not reference that secret"),
        Arguments.of("an envFrom of a container", "'true'",
            "  containers: [{name: a, image: dekube/web, envFrom: [{secretRef: {name: other}}]}]\n",
            "container a with envFrom referencing secret.secretName=\"other\" is not allowed because service account"
                + " robot does not reference that secret"),
        Arguments.of("a listed pull secret", "'true'", "  imagePullSecrets: [{name: pull}]\n", null),
        Arguments.of("another pull secret", "'true'", "  imagePullSecrets: [{name: pull}, {name: other}]\n",
            "imagePullSecrets[1].name=\"other\" is not allowed because service account robot does not reference that"
                + " imagePullSecret"),
        Arguments.of("a value Go does not read as true", "'yes'", "  volumes: [{name: s, secret: {secretName: other}}]\n",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mountableSecrets")
  void theEnforceMountableSecretsAnnotationLimitsThePodsSecrets(String name, String enforce, String spec, String why) {
    lookups(Map.of("robot", "{metadata: {name: robot"
        + (enforce == null ? "" : ", annotations: {kubernetes.io/enforce-mountable-secrets: " + enforce + "}")
        + "}, secrets: [{name: listed}], imagePullSecrets: [{name: pull}]}"), Map.of());
    String pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: x}
        spec:
          serviceAccountName: robot
        """ + (spec.contains("containers:") ? spec : spec + "  containers: [{name: a, image: dekube/web}]\n");
    if (why == null) {
      create("pods", pod);
    } else {
      assertEquals("pods \"p\" is forbidden: " + why, refused(pod).getMessage());
    }
  }

  @Test
  void aPodWithoutPullSecretsGetsTheAccounts() {
    lookups(Map.of("default", "{metadata: {name: default}, imagePullSecrets: [{name: registry}]}"), Map.of());
    assertEquals("[{\"name\":\"registry\"}]", create("pods", POD).path("spec").path("imagePullSecrets").toString());
    assertEquals("[{\"name\":\"mine\"}]", create("pods", POD + "  imagePullSecrets: [{name: mine}]\n").path("spec")
        .path("imagePullSecrets").toString());
  }

  /** (a mirror pod's spec addition, kube's refusal). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'  serviceAccountName: default'|a mirror pod may not reference service accounts",
      "'  volumes: [{name: s, secret: {secretName: s}}]'|a mirror pod may not reference secrets",
      "'  imagePullSecrets: [{name: s}]'|a mirror pod may not reference secrets",
      "'  volumes: [{name: t, projected: {sources: [{serviceAccountToken: {path: token}}]}}]'|a mirror pod may not use"
          + " ServiceAccountToken volume projections",
      // NodeRestriction's, after the ServiceAccount plugin's
      "'  nodeName: kube-node-01\n  volumes: [{name: c, configMap: {name: c}}]'|node \"kube-node-01\" can not create pods"
          + " that reference configmaps",
      "'  nodeName: kube-node-01\n  volumes: [{name: c, projected: {sources: [{configMap: {name: c}}]}}]'|node"
          + " \"kube-node-01\" can not create pods that reference configmaps",
      "'  nodeName: kube-node-01\n  volumes: [{name: d, persistentVolumeClaim: {claimName: d}}]'|node \"kube-node-01\""
          + " can not create pods that reference persistentvolumeclaims"})
  void aMirrorPodMayNotReferToAnAccountNorSecrets(String spec, String why) {
    lookups(Map.of(), Map.of());
    String mirror = POD.replace("metadata: {name: p, namespace: x}",
        "metadata: {name: p, namespace: x, annotations: {kubernetes.io/config.mirror: abc}}");
    assertEquals("pods \"p\" is forbidden: " + why, refused(mirror + spec + "\n").getMessage());
    assertEquals("", create("pods", mirror).path("spec").path("serviceAccountName").asText(""),
        "a mirror pod's account stays unset, and it needs none");
  }

  @Test
  void anEphemeralContainerMayOnlyUseTheAccountsSecrets() {
    lookups(Map.of("default", "{metadata: {name: default, annotations: {kubernetes.io/enforce-mountable-secrets: 'true'}},"
        + " secrets: [{name: listed}]}"), Map.of());
    ObjectNode stored = create("pods", POD);
    ObjectNode debug = stored.deepCopy();
    ((ObjectNode) debug.get("spec")).set("ephemeralContainers", yaml("{list: [{name: dbg, image: busybox,"
        + " envFrom: [{secretRef: {name: other}}]}]}").get("list"));
    StatusException e = assertThrows(StatusException.class, () -> EphemeralContainersUpdate.apply(type("pods"),
        stored, debug));
    assertEquals("pods \"p\" is forbidden: ephemeral container dbg with envFrom referencing secret.secretName=\"other\""
        + " is not allowed because service account default does not reference that secret", e.getMessage());
    ((ObjectNode) debug.at("/spec/ephemeralContainers/0/envFrom/0/secretRef")).put("name", "listed");
    assertEquals("dbg", EphemeralContainersUpdate.apply(type("pods"), stored, debug)
        .at("/spec/ephemeralContainers/0/name").asText());
    lookups(Map.of(), Map.of());
    assertEquals("pods \"p\" is forbidden: error looking up service account x/default: serviceaccount \"default\" not"
        + " found", assertThrows(StatusException.class, () -> EphemeralContainersUpdate.apply(type("pods"), stored,
        debug)).getMessage());
  }
}
