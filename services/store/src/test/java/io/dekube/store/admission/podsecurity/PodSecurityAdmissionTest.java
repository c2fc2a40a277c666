package io.dekube.store.admission.podsecurity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.dekube.store.admission.WriteAdmission;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The enforce mode on pod writes and the validation of the namespace labels, as kube's PodSecurity plugin has them. */
class PodSecurityAdmissionTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType NAMESPACES = REGISTRY.byResourceName("namespaces").orElseThrow();

  private final Map<String, ObjectNode> namespaces = new HashMap<>();
  private final WriteAdmission chain = new BasicAdmission().andThen(new KubernetesAdmission())
      .andThen(new PodSecurityAdmission(namespaces::get));

  static ObjectNode yaml(String text) {
    return (ObjectNode) PodSecurityChecksTest.yaml(text);
  }

  private void namespace(String name, String labels) {
    namespaces.put(name, yaml("{metadata: {name: " + name + ", labels: " + labels + "}}"));
  }

  private static ObjectNode privilegedPod(String ns) {
    return yaml("{apiVersion: v1, kind: Pod, metadata: {name: nginx, namespace: " + ns + "}, spec: {containers:"
        + " [{name: nginx, image: nginx, securityContext: {privileged: true}}]}}");
  }

  @Test
  void aPrivilegedPodIsForbiddenWhereBaselineIsEnforced() {
    namespace("example", "{pod-security.kubernetes.io/enforce: baseline}");
    StatusException e = assertThrows(StatusException.class,
        () -> chain.admit(PODS, Verb.CREATE, privilegedPod("example"), null));
    assertEquals(403, e.code());
    assertEquals("pods \"nginx\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container"
        + " \"nginx\" must not set securityContext.privileged=true)", e.getMessage());
  }

  @Test
  void theVersionLabelNamesThePolicyInTheMessage() {
    namespace("v", "{pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.29}");
    ObjectNode pod = yaml("{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: v}, spec: {containers:"
        + " [{name: c, image: nginx}]}}");
    StatusException e = assertThrows(StatusException.class, () -> chain.admit(PODS, Verb.CREATE, pod, null));
    assertEquals("pods \"p\" is forbidden: violates PodSecurity \"restricted:v1.29\": allowPrivilegeEscalation != false"
        + " (container \"c\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities"
        + " (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or"
        + " container \"c\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must"
        + " set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")", e.getMessage());
  }

  @Test
  void unlabelledAndWarnOnlyNamespacesAdmitEverything() {
    ObjectNode pod = privilegedPod("default");
    assertSame(pod, chain.admit(PODS, Verb.CREATE, pod, null));
    namespace("warned", "{pod-security.kubernetes.io/warn: restricted, pod-security.kubernetes.io/audit: baseline}");
    chain.admit(PODS, Verb.CREATE, privilegedPod("warned"), null);
  }

  @Test
  void onlySignificantPodUpdatesAreChecked() {
    ObjectNode old = (ObjectNode) chain.admit(PODS, Verb.CREATE, privilegedPod("later"), null).deepCopy();
    namespace("later", "{pod-security.kubernetes.io/enforce: baseline}");
    ObjectNode labelled = old.deepCopy();
    ((ObjectNode) labelled.get("metadata")).putObject("labels").put("app", "web");
    chain.admit(PODS, Verb.UPDATE, labelled, old);
    chain.admit(PODS, Verb.UPDATE_STATUS, old.deepCopy(), old);
    ObjectNode newImage = old.deepCopy();
    ((ObjectNode) newImage.get("spec").get("containers").get(0)).put("image", "nginx:2");
    assertEquals(403, assertThrows(StatusException.class, () -> chain.admit(PODS, Verb.PATCH, newImage, old)).code());
  }

  @Test
  void aBadLevelIsInvalidOnCreate() {
    ObjectNode ns = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: x, labels: {"
        + "pod-security.kubernetes.io/enforce: bogus, pod-security.kubernetes.io/warn-version: '1.30'}}}");
    StatusException e = assertThrows(StatusException.class, () -> chain.admit(NAMESPACES, Verb.CREATE, ns, null));
    assertEquals(422, e.code());
    assertEquals("Namespace \"x\" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value:"
        + " \"bogus\": must be one of privileged, baseline, restricted,"
        + " metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: \"1.30\": must be \"latest\" or"
        + " \"v1.x\"]", e.getMessage());
  }

  @Test
  void anUpdateMayKeepLabelsThatWereAlreadyBad() {
    ObjectNode old = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: x, labels: {"
        + "pod-security.kubernetes.io/enforce: bogus}}}");
    ObjectNode same = old.deepCopy();
    ((ObjectNode) same.get("metadata").get("labels")).put("team", "a");
    chain.admit(NAMESPACES, Verb.UPDATE, same, old);
    ObjectNode worse = old.deepCopy();
    ((ObjectNode) worse.get("metadata").get("labels")).put("pod-security.kubernetes.io/enforce", "strict");
    assertEquals(422, assertThrows(StatusException.class,
        () -> chain.admit(NAMESPACES, Verb.PATCH, worse, old)).code());
  }

  @Test
  void aBadEnforceLevelEnforcesRestricted() {
    namespace("bad", "{pod-security.kubernetes.io/enforce: bogus, pod-security.kubernetes.io/warn: bogus}");
    NamespacePolicy p = NamespacePolicy.of(namespaces.get("bad")).policy();
    assertEquals("restricted:latest", p.enforce().toString());
    assertEquals("privileged:latest", p.warn().toString());
  }
}
