package io.dekube.store.admission.podsecurity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PodSecurity plugin's configuration of {@code --admission-control-config-file}: loading, kube's validation
 * words, the defaults of unlabelled namespaces and the exemptions, in the writer's enforcement and the warnings.
 */
class PodSecurityConfigTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType DEPLOYMENTS = REGISTRY.byGroupPlural("apps", "deployments").orElseThrow();

  /** The configuration of kube's tutorial "Apply Pod Security Standards at the Cluster Level". */
  static final String TUTORIAL = """
      apiVersion: apiserver.config.k8s.io/v1
      kind: AdmissionConfiguration
      plugins:
      - name: PodSecurity
        configuration:
          apiVersion: pod-security.admission.config.k8s.io/v1
          kind: PodSecurityConfiguration
          defaults:
            enforce: "baseline"
            enforce-version: "latest"
            audit: "restricted"
            audit-version: "latest"
            warn: "restricted"
            warn-version: "latest"
          exemptions:
            usernames: []
            runtimeClasses: []
            namespaces: [kube-system]
      """;

  @TempDir
  Path dir;

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private static ObjectNode pod(String ns, String extraSpec) {
    return (ObjectNode) PodSecurityChecksTest.yaml("{apiVersion: v1, kind: Pod, metadata: {name: nginx, namespace: "
        + ns + "}, spec: {" + extraSpec + "containers: [{name: nginx, image: nginx}]}}");
  }

  private static ObjectNode hostNetworkPod(String ns, String extraSpec) {
    return pod(ns, extraSpec + "hostNetwork: true, ");
  }

  @Test
  void theTutorialsFileSetsTheDefaultsAndExemptsKubeSystem() throws Exception {
    PodSecurityConfig c = PodSecurityConfig.load(file("admission.yaml", TUTORIAL));
    assertEquals("baseline:latest", c.defaults().enforce().toString());
    assertEquals("restricted:latest", c.defaults().audit().toString());
    assertEquals("restricted:latest", c.defaults().warn().toString());
    assertEquals(Set.of("kube-system"), c.namespaces());
    // an unlabelled namespace gets the defaults; a label overrides its mode alone
    assertEquals("baseline:latest", NamespacePolicy.of(null, c.defaults()).policy().enforce().toString());
    NamespacePolicy labelled = NamespacePolicy.parse(PodSecurityChecksTest.yaml(
        "{pod-security.kubernetes.io/enforce: privileged, pod-security.kubernetes.io/warn-version: v1.24}"),
        c.defaults()).policy();
    assertEquals("privileged:latest", labelled.enforce().toString());
    assertEquals("restricted:v1.24", labelled.warn().toString());
  }

  @Test
  void olderVersionsAPathAndNoPluginLoad() throws Exception {
    file("psa.yaml", """
        apiVersion: pod-security.admission.config.k8s.io/v1beta1
        kind: PodSecurityConfiguration
        defaults: {warn: baseline, warn-version: v1.25}
        """);
    PodSecurityConfig c = PodSecurityConfig.load(file("admission.yaml", """
        apiVersion: apiserver.config.k8s.io/v1alpha1
        kind: AdmissionConfiguration
        plugins:
        - {name: PodSecurity, path: psa.yaml}
        """));
    assertEquals("baseline:v1.25", c.defaults().warn().toString());
    assertEquals("privileged:latest", c.defaults().enforce().toString());
    assertSame(PodSecurityConfig.DEFAULT, PodSecurityConfig.load(file("none.yaml", """
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
        - {name: EventRateLimit, path: erl.yaml}
        """)));
  }

  @Test
  void anInvalidConfigurationFailsWithKubesWords() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PodSecurityConfig.parse(
        PodSecurityChecksTest.yaml("{apiVersion: pod-security.admission.config.k8s.io/v1, kind: "
            + "PodSecurityConfiguration, defaults: {enforce: strict}}")));
    assertEquals("failed to initialize admission plugin \"PodSecurity\": PodSecurity invalid: defaults.enforce: "
        + "Invalid value: \"strict\": must be one of privileged, baseline, restricted", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PodSecurityConfig.parse(PodSecurityChecksTest.yaml(
        "{apiVersion: pod-security.admission.config.k8s.io/v1, kind: PodSecurityConfiguration, defaults: "
            + "{warn-version: '1.30'}, exemptions: {namespaces: [a, a, Bad], usernames: ['']}}")));
    assertEquals("failed to initialize admission plugin \"PodSecurity\": PodSecurity invalid: "
        + "[defaults.warn-version: Invalid value: \"1.30\": must be \"latest\" or \"v1.x\", "
        + "exemptions.namespaces[1]: Duplicate value: \"a\", "
        + "exemptions.namespaces[2]: Invalid value: \"Bad\": a lowercase RFC 1123 label must consist of lower case "
        + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
        + "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), "
        + "exemptions.usernames[0]: Required value]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PodSecurityConfig.parse(PodSecurityChecksTest.yaml(
        "{apiVersion: pod-security.admission.config.k8s.io/v2, kind: PodSecurityConfiguration}")));
    assertEquals("couldn't init admission plugin \"PodSecurity\": no kind \"PodSecurityConfiguration\" is registered "
        + "for version \"pod-security.admission.config.k8s.io/v2\" in scheme "
        + "\"k8s.io/pod-security-admission/admission/api/scheme/scheme.go:28\"", e.getMessage());
  }

  @Test
  void theWriterEnforcesTheDefaultLevelAndSkipsExemptions() throws Exception {
    PodSecurityConfig c = PodSecurityConfig.load(file("admission.yaml", TUTORIAL.replace("runtimeClasses: []",
        "runtimeClasses: [kata]")));
    PodSecurityAdmission admission = new PodSecurityAdmission(Map.<String, ObjectNode>of()::get, c);
    StatusException e = assertThrows(StatusException.class,
        () -> admission.admit(PODS, Verb.CREATE, hostNetworkPod("default", ""), null));
    assertEquals("pods \"nginx\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces "
        + "(hostNetwork=true)", e.getMessage());
    ObjectNode system = hostNetworkPod("kube-system", "");
    assertSame(system, admission.admit(PODS, Verb.CREATE, system, null));
    ObjectNode kata = hostNetworkPod("default", "runtimeClassName: kata, ");
    assertSame(kata, admission.admit(PODS, Verb.CREATE, kata, null));
    // kube's own default configuration: the unlabelled namespace is privileged
    ObjectNode plain = hostNetworkPod("default", "");
    assertSame(plain, new PodSecurityAdmission(Map.<String, ObjectNode>of()::get).admit(PODS, Verb.CREATE, plain,
        null));
  }

  @Test
  void theWarningsFollowTheDefaultsAndExemptions() throws Exception {
    PodSecurityConfig c = PodSecurityConfig.load(file("admission.yaml", TUTORIAL));
    assertEquals(List.of("would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false "
            + "(container \"nginx\" must set securityContext.allowPrivilegeEscalation=false), unrestricted "
            + "capabilities (container \"nginx\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot "
            + "!= true (pod or container \"nginx\" must set securityContext.runAsNonRoot=true), seccompProfile (pod "
            + "or container \"nginx\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or "
            + "\"Localhost\")"),
        PodSecurityWarnings.forObject(PODS, pod("default", ""), null, null, c));
    assertEquals(List.of(), PodSecurityWarnings.forObject(PODS, pod("kube-system", ""), null, null, c));
    assertEquals(List.of(), PodSecurityWarnings.forObject(PODS, pod("default", ""), null, null,
        PodSecurityConfig.DEFAULT));
    ObjectNode deployment = (ObjectNode) PodSecurityChecksTest.yaml("{metadata: {name: web, namespace: kube-system},"
        + " spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}}");
    assertEquals(List.of(), PodSecurityWarnings.forObject(DEPLOYMENTS, deployment, null, null, c));
  }

  @Test
  void labellingAnExemptNamespaceWarnsThatItsPolicyIsIgnored() throws Exception {
    PodSecurityConfig c = PodSecurityConfig.load(file("admission.yaml", TUTORIAL));
    ObjectNode before = (ObjectNode) PodSecurityChecksTest.yaml("{metadata: {name: kube-system}}");
    ObjectNode after = (ObjectNode) PodSecurityChecksTest.yaml("{metadata: {name: kube-system, labels: "
        + "{pod-security.kubernetes.io/enforce: restricted}}}");
    assertEquals(List.of("namespace \"kube-system\" is exempt from Pod Security, and the policy "
            + "(enforce=restricted:latest) will be ignored"),
        PodSecurityWarnings.forNamespaceUpdate(after, before, List.of(pod("kube-system", "hostNetwork: true, ")), c));
  }

  @Test
  void creatingAnExemptNamespaceWithALevelWarnsToo() throws Exception {
    PodSecurityConfig c = PodSecurityConfig.load(file("admission.yaml", TUTORIAL));
    ObjectNode created = (ObjectNode) PodSecurityChecksTest.yaml("{metadata: {name: kube-system, labels: "
        + "{pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/warn: baseline}}}");
    assertEquals(List.of("namespace \"kube-system\" is exempt from Pod Security, and the policy "
        + "(enforce=restricted:latest, warn=baseline:latest) will be ignored"),
        PodSecurityWarnings.forNamespaceUpdate(created, null, List.of(), c));
    // the defaults themselves are no policy of the labels'
    ObjectNode asDefaults = (ObjectNode) PodSecurityChecksTest.yaml("{metadata: {name: kube-system, labels: "
        + "{pod-security.kubernetes.io/enforce: baseline}}}");
    assertEquals(List.of(), PodSecurityWarnings.forNamespaceUpdate(asDefaults, null, List.of(), c));
    assertEquals(List.of(), PodSecurityWarnings.forNamespaceUpdate(created, null, List.of(), PodSecurityConfig.DEFAULT));
  }

  @Test
  void theAuditAnnotationsAreKubes() throws Exception {
    PodSecurityConfig c = PodSecurityConfig.load(file("admission.yaml", TUTORIAL.replace("runtimeClasses: []",
        "runtimeClasses: [kata]")));
    Map<String, String> a = PodSecurityWarnings.auditAnnotations(PODS, pod("default", ""), null, null, c);
    assertEquals("baseline:latest", a.get("pod-security.kubernetes.io/enforce-policy"));
    assertEquals(PodSecurityWarnings.forObject(PODS, pod("default", ""), null, null, c).get(0),
        a.get("pod-security.kubernetes.io/audit-violations"));
    assertEquals(Map.of("pod-security.kubernetes.io/exempt", "namespace"),
        PodSecurityWarnings.auditAnnotations(PODS, pod("kube-system", ""), null, null, c));
    assertEquals(Map.of("pod-security.kubernetes.io/exempt", "runtimeClass"),
        PodSecurityWarnings.auditAnnotations(PODS, pod("default", "runtimeClassName: kata, "), null, null, c));
    // kube's default configuration: a pod gets its enforce policy, a workload resource nothing
    assertEquals(Map.of("pod-security.kubernetes.io/enforce-policy", "privileged:latest"),
        PodSecurityWarnings.auditAnnotations(PODS, pod("default", ""), null, null, PodSecurityConfig.DEFAULT));
    ObjectNode deployment = (ObjectNode) PodSecurityChecksTest.yaml("{metadata: {name: web, namespace: default},"
        + " spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}}");
    assertEquals(Map.of(), PodSecurityWarnings.auditAnnotations(DEPLOYMENTS, deployment, null, null,
        PodSecurityConfig.DEFAULT));
    ObjectNode auditLabelled = (ObjectNode) PodSecurityChecksTest.yaml("{metadata: {name: default, labels: "
        + "{pod-security.kubernetes.io/audit: baseline, pod-security.kubernetes.io/enforce: nope}}}");
    Map<String, String> d = PodSecurityWarnings.auditAnnotations(DEPLOYMENTS, deployment, null, auditLabelled,
        PodSecurityConfig.DEFAULT);
    assertEquals(Map.of("pod-security.kubernetes.io/error", "Failed to parse policy: metadata.labels["
        + "pod-security.kubernetes.io/enforce]: Invalid value: \"nope\": must be one of privileged, baseline, "
        + "restricted"), d, "baseline passes: no violations, the bad label is reported");
    assertEquals(Map.of(), PodSecurityWarnings.auditAnnotations(PODS, pod("default", ""), pod("default", ""), null,
        c), "an update kube does not count as significant");
  }
}
