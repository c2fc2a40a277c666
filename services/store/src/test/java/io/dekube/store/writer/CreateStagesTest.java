package io.dekube.store.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.store.CreateFields;
import io.dekube.core.store.WriteOptions;
import io.dekube.store.admission.CustomResourceAdmission;
import io.dekube.store.admission.PriorityAdmission;
import io.dekube.store.admission.ResourceQuotaAdmission;
import io.dekube.store.admission.RuntimeClassAdmission;
import io.dekube.store.admission.podsecurity.PodSecurityAdmission;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A create in kube-apiserver's stages: the server fields admission chose before the write (option
 * {@code serverFields}) are the stored ones, and a refusal of a generated-name create names the prefix
 * when a mutating plugin refuses and the generated name when a validating one does.
 */
class CreateStagesTest {

  private static final CreateFields CHOSEN = new CreateFields("web-7d4b9-x2kqp", "0b5d7c1e-2d3a-4f5e-8a9b-0c1d2e3f4a5b",
      "2025-01-02T03:04:01Z");

  private final List<JsonNode> quotas = new ArrayList<>();
  private final TestStore store = new TestStore(
      CustomResourceAdmission.chain(TestStore.REGISTRY, new PriorityAdmission(List::of, name -> null),
          new RuntimeClassAdmission(name -> null)),
      new PodSecurityAdmission(Map.of("psa", yaml("{metadata: {name: psa, labels: {"
          + "pod-security.kubernetes.io/enforce: baseline}}}"))::get),
      new ResourceQuotaAdmission(ns -> quotas, Clock.fixed(TestStore.NOW, ZoneOffset.UTC)));

  private static ObjectNode yaml(String text) {
    try {
      return (ObjectNode) Json.YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static ObjectNode pod(String ns, String spec) {
    return yaml("{metadata: {generateName: web-7d4b9-, namespace: " + ns + ", uid: from-the-client},"
        + " spec: {containers: [{name: web, image: nginx}]" + spec + "}}");
  }

  private ReplyEnvelope create(String ns, String spec, WriteOptions o) {
    return store.run(store.req(Verb.CREATE, "pods", ns, null, pod(ns, spec), o));
  }

  private static String message(ReplyEnvelope r) {
    assertEquals(403, r.code(), () -> String.valueOf(r.status()));
    return r.status().path("message").asText();
  }

  @Test
  void theServerFieldsAdmissionChoseAreStored() {
    ReplyEnvelope r = create("d", "", WriteOptions.none().withServerFields(CHOSEN));
    assertEquals(201, r.code(), () -> String.valueOf(r.status()));
    JsonNode m = r.object().path("metadata");
    assertEquals("web-7d4b9-x2kqp", m.path("name").asText());
    assertEquals(CHOSEN.uid(), m.path("uid").asText(), "the chosen uid, over the client's");
    assertEquals("2025-01-02T03:04:01Z", m.path("creationTimestamp").asText());
    assertEquals("d/web-7d4b9-x2kqp", store.written.get(0).key());

    ReplyEnvelope dry = create("d", "", WriteOptions.none().withServerFields(new CreateFields("web-7d4b9-abcde",
        CHOSEN.uid(), CHOSEN.creationTimestamp())).withDryRun(true));
    assertEquals("web-7d4b9-abcde", dry.object().path("metadata").path("name").asText(), "a dry run answers them too");
    assertEquals(CHOSEN.uid(), dry.object().path("metadata").path("uid").asText());
    assertEquals(1, store.written.size());
  }

  /**
   * The validating admission saw the chosen name: a name taken meanwhile is kube's generate-name conflict, which the
   * admission answers by validating another (kube's RetryGenerateName); without a chosen name the writer generates one.
   */
  @Test
  void aChosenNameTakenMeanwhileIsAGenerateNameConflict() {
    assertEquals(201, create("d", "", WriteOptions.none().withServerFields(CHOSEN)).code());
    ReplyEnvelope again = create("d", "", WriteOptions.none().withServerFields(CHOSEN));
    assertEquals(409, again.code(), () -> String.valueOf(again.status()));
    assertEquals("AlreadyExists", again.status().path("reason").asText());
    assertEquals("pods \"web-7d4b9-x2kqp\" already exists, the server was not able to generate a unique name for "
        + "the object", again.status().path("message").asText());
    assertEquals(1, again.status().at("/details/retryAfterSeconds").asInt());
    ReplyEnvelope generated = create("d", "", WriteOptions.none());
    assertEquals(201, generated.code(), () -> String.valueOf(generated.status()));
    String name = generated.object().path("metadata").path("name").asText();
    assertNotEquals("web-7d4b9-x2kqp", name);
    assertTrue(name.matches("web-7d4b9-[bcdfghjklmnpqrstvwxz2456789]{5}"), name);
  }

  @Test
  void aMutatingPluginsRefusalNamesThePrefixAndAValidatingOnesTheGeneratedName() {
    WriteOptions chosen = WriteOptions.none().withServerFields(CHOSEN);
    assertEquals("pods \"web-7d4b9-\" is forbidden: no PriorityClass with name nope was found",
        message(create("d", ", priorityClassName: nope", chosen)));
    assertEquals("pods \"web-7d4b9-\" is forbidden: pod rejected: RuntimeClass \"gvisor\" not found",
        message(create("d", ", runtimeClassName: gvisor", WriteOptions.none())));

    assertEquals("pods \"web-7d4b9-x2kqp\" is forbidden: pod rejected: Pod Overhead set without corresponding "
        + "RuntimeClass defined Overhead", message(create("d", ", overhead: {cpu: 100m}", chosen)));
    assertTrue(message(create("psa", ", hostNetwork: true", chosen))
        .startsWith("pods \"web-7d4b9-x2kqp\" is forbidden: violates PodSecurity \"baseline:latest\": host "
            + "namespaces"));
    quotas.add(yaml("{metadata: {name: compute, namespace: d}, spec: {hard: {pods: '0'}}}"));
    assertEquals("pods \"web-7d4b9-x2kqp\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=0, "
        + "limited: pods=0", message(create("d", "", chosen)));
    assertTrue(message(create("d", "", WriteOptions.none())).matches(
        "pods \"web-7d4b9-[bcdfghjklmnpqrstvwxz2456789]{5}\" is forbidden: exceeded quota: compute, .*"));
  }
}
