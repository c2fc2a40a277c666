package io.dekube.store.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.store.WriteOptions;
import io.dekube.store.admission.CustomResourceAdmission;
import io.dekube.store.admission.podsecurity.PodSecurityAdmission;
import io.dekube.store.admission.podsecurity.PodSecurityConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PodSecurity in the writer: it sees the stored pod, so an ephemeral container added by the subresource is checked. */
class PodSecurityWriterTest {

  private static final ObjectNode BASELINE = yaml("{metadata: {name: psa, labels: {"
      + "pod-security.kubernetes.io/enforce: baseline}}}");

  private final TestStore store = new TestStore(CustomResourceAdmission.chain(TestStore.REGISTRY),
      new PodSecurityAdmission(Map.of("psa", BASELINE)::get));

  static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private ReplyEnvelope addEphemeral(String container) {
    ObjectNode pod = store.run(store.req(Verb.GET, "pods", "psa", "p", null)).object();
    ((ObjectNode) pod.get("spec")).putArray("ephemeralContainers").add(yaml(container));
    return store.run(store.req(Verb.UPDATE, "pods", "psa", "p", pod,
        WriteOptions.none().withSubresource("ephemeralcontainers")));
  }

  @Test
  void aPrivilegedEphemeralContainerIsRefusedWhereBaselineIsEnforced() {
    ReplyEnvelope created = store.run(store.req(Verb.CREATE, "pods", "psa", null,
        yaml("{metadata: {name: p, namespace: psa}, spec: {containers: [{name: web, image: nginx}]}}")));
    assertEquals(201, created.code(), () -> String.valueOf(created.status()));

    ReplyEnvelope refused = addEphemeral("{name: debugger, image: busybox, securityContext: {privileged: true}}");
    assertEquals(403, refused.code(), () -> String.valueOf(refused.status()));
    assertEquals("pods \"p\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"debugger\""
        + " must not set securityContext.privileged=true)", refused.status().path("message").asText());

    ReplyEnvelope added = addEphemeral("{name: debugger, image: busybox}");
    assertEquals(200, added.code(), () -> String.valueOf(added.status()));
  }

  @Test
  void aPrivilegedPodIsRefusedAndANamespacesOtherPodsAreNot() {
    ObjectNode pod = yaml("{metadata: {name: q, namespace: psa}, spec: {containers: [{name: web, image: nginx,"
        + " securityContext: {privileged: true}}]}}");
    assertEquals(403, store.run(store.req(Verb.CREATE, "pods", "psa", null, pod)).code());
    ((ObjectNode) pod.get("metadata")).put("namespace", "other");
    assertEquals(201, store.run(store.req(Verb.CREATE, "pods", "other", null, pod)).code());
  }

  /**
   * kube's {@code exemptions.usernames}: a write made for an exempt user (the request's {@code user}: the apiserver's
   * authenticated user, a component's own) passes unchecked; another user's, or one that names none, does not.
   */
  @Test
  void aPodOfAnExemptUserPassesAndAnothersDoesNot() {
    PodSecurityConfig exempting = new PodSecurityConfig(PodSecurityConfig.DEFAULT.defaults(),
        java.util.Set.of("system:serviceaccount:kube-system:replicaset-controller"), java.util.Set.of(),
        java.util.Set.of());
    TestStore exempt = new TestStore(CustomResourceAdmission.chain(TestStore.REGISTRY),
        new PodSecurityAdmission(Map.of("psa", BASELINE)::get, exempting));
    ObjectNode pod = yaml("{metadata: {name: r, namespace: psa}, spec: {containers: [{name: web, image: nginx,"
        + " securityContext: {privileged: true}}]}}");
    assertEquals(403, exempt.run(exempt.req(Verb.CREATE, "pods", "psa", null, pod,
        WriteOptions.none().withUser("alice"))).code());
    assertEquals(403, exempt.run(exempt.req(Verb.CREATE, "pods", "psa", null, pod)).code());
    ReplyEnvelope created = exempt.run(exempt.req(Verb.CREATE, "pods", "psa", null, pod,
        WriteOptions.none().withUser("system:serviceaccount:kube-system:replicaset-controller")));
    assertEquals(201, created.code(), () -> String.valueOf(created.status()));
  }

  /**
   * PodSecurity is validating admission: in kube it runs once the name is generated, so a ReplicaSet's FailedCreate
   * names its pod's generated name (a mutating plugin's refusal names the prefix: {@link CreateStagesTest}).
   */
  @Test
  void aRefusedPodWithAGeneratedNameIsNamedByItsGeneratedNameAsAnInvalidOneIs() {
    ReplyEnvelope refused = store.run(store.req(Verb.CREATE, "pods", "psa", null, yaml("{metadata: {generateName:"
        + " web-7d4b9-, namespace: psa}, spec: {containers: [{name: web, image: nginx, securityContext: {privileged:"
        + " true}}]}}")));
    assertEquals(403, refused.code(), () -> String.valueOf(refused.status()));
    String forbidden = refused.status().path("message").asText();
    assertEquals(true, forbidden.matches("pods \"web-7d4b9-[a-z0-9]{5}\" is forbidden: violates PodSecurity "
        + "\"baseline:latest\": privileged \\(container \"web\" must not set securityContext.privileged=true\\)"),
        forbidden);
    assertEquals(true, refused.status().path("details").path("name").asText().matches("web-7d4b9-[a-z0-9]{5}"));

    ReplyEnvelope invalid = store.run(store.req(Verb.CREATE, "pods", "other", null, yaml("{metadata: {generateName:"
        + " web-7d4b9-, namespace: other}, spec: {containers: [{name: web}]}}")));
    assertEquals(422, invalid.code(), () -> String.valueOf(invalid.status()));
    String message = invalid.status().path("message").asText();
    assertEquals(true, message.matches("Pod \"web-7d4b9-[a-z0-9]{5}\" is invalid: .*"), message);
  }
}
