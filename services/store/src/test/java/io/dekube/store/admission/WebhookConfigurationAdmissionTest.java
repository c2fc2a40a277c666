package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import org.junit.jupiter.api.Test;

/**
 * Validating- and MutatingWebhookConfigurations as kube's v1 defaults and validation: defaults,
 * resource wildcards, and an update that may keep what a create no longer accepts.
 */
class WebhookConfigurationAdmissionTest {

  private static final String VALIDATING = "validatingwebhookconfigurations.admissionregistration.k8s.io";
  private static final String MUTATING = "mutatingwebhookconfigurations.admissionregistration.k8s.io";

  private static String config(String kind, String webhook) {
    return "apiVersion: admissionregistration.k8s.io/v1\nkind: " + kind + "\nmetadata: {name: c}\nwebhooks:\n- "
        + webhook;
  }

  private static final String HOOK = "{name: a.dekube.io, clientConfig: {service: {namespace: ns, name: svc, path: "
      + "/check}}, rules: [{operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: %s}], "
      + "sideEffects: %s, admissionReviewVersions: [%s]}";

  @Test
  void kubesV1DefaultsAreFilledIn() {
    ObjectNode m = create(MUTATING, config("MutatingWebhookConfiguration", HOOK.formatted("[pods]", "None", "v1")));
    assertEquals("{\"name\":\"a.dekube.io\",\"clientConfig\":{\"service\":{\"namespace\":\"ns\",\"name\":\"svc\","
        + "\"path\":\"/check\",\"port\":443}},\"rules\":[{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],"
        + "\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"],\"scope\":\"*\"}],\"sideEffects\":\"None\","
        + "\"admissionReviewVersions\":[\"v1\"],\"failurePolicy\":\"Fail\",\"matchPolicy\":\"Equivalent\","
        + "\"namespaceSelector\":{},\"objectSelector\":{},\"timeoutSeconds\":10,\"reinvocationPolicy\":\"Never\"}",
        m.path("webhooks").get(0).toString());
    ObjectNode v = create(VALIDATING, config("ValidatingWebhookConfiguration", HOOK.formatted("[pods]", "None", "v1")));
    assertTrue(!v.path("webhooks").get(0).has("reinvocationPolicy"), v.toString());
  }

  @Test
  void resourceWildcardsFollowKubesRules() {
    StatusException e = assertThrows(StatusException.class, () -> create(VALIDATING,
        config("ValidatingWebhookConfiguration", HOOK.formatted("['*', pods, 'pods/*', pods/status]", "None", "v1"))));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains("webhooks[0].rules[0].resources[3]: Invalid value: \"pods/status\": if "
        + "'pods/*' is present, must not specify pods/status"), e.getMessage());
    assertTrue(e.getMessage().contains("webhooks[0].rules[0].resources: Invalid value: []string{\"*\", \"pods\", "
        + "\"pods/*\", \"pods/status\"}: if '*' is present, must not specify other resources without subresources"),
        e.getMessage());
    create(VALIDATING, config("ValidatingWebhookConfiguration", HOOK.formatted("['*/*']", "None", "v1")));
  }

  @Test
  void anUpdateKeepsSideEffectsAndReviewVersionsTheOldObjectHad() {
    String old = config("ValidatingWebhookConfiguration", HOOK.formatted("[pods]", "Some", "v2"));
    StatusException e = assertThrows(StatusException.class, () -> create(VALIDATING, old));
    assertTrue(e.getMessage().contains("webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: "
        + "\"None\", \"NoneOnDryRun\""), e.getMessage());
    assertTrue(e.getMessage().contains("webhooks[0].admissionReviewVersions: Invalid value: []string{\"v2\"}: must "
        + "include at least one of v1, v1beta1"), e.getMessage());
    ObjectNode stored = KubernetesAdmissionTest.yaml(old);
    ObjectNode updated = KubernetesAdmissionTest.ADMISSION.admit(KubernetesAdmissionTest.type(VALIDATING), Verb.UPDATE,
        KubernetesAdmissionTest.yaml(old), stored);
    assertEquals("Some", updated.at("/webhooks/0/sideEffects").asText());
  }
}
