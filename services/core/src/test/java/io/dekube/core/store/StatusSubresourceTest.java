package io.dekube.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A status write keeps or takes each metadata field as kube 1.32's status strategy of the kind does. */
class StatusSubresourceTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final List<String> MUTABLE = List.of("labels", "annotations", "finalizers", "ownerReferences");
  private static final List<String> ALL = MUTABLE;
  private static final List<String> NONE = List.of();

  /** Each kind with a status subresource, and the metadata fields its status strategy lets a status write change. */
  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("pods", List.of("labels", "annotations", "finalizers")),
        Arguments.of("deployments.apps", List.of("annotations", "finalizers", "ownerReferences")),
        Arguments.of("replicasets.apps", ALL),
        Arguments.of("statefulsets.apps", ALL),
        Arguments.of("daemonsets.apps", ALL),
        Arguments.of("namespaces", ALL),
        Arguments.of("nodes", ALL),
        Arguments.of("services", ALL),
        Arguments.of("resourcequotas", ALL),
        Arguments.of("replicationcontrollers", ALL),
        Arguments.of("persistentvolumes", ALL),
        Arguments.of("persistentvolumeclaims", ALL),
        Arguments.of("jobs.batch", ALL),
        Arguments.of("cronjobs.batch", ALL),
        Arguments.of("horizontalpodautoscalers.autoscaling", ALL),
        Arguments.of("ingresses.networking.k8s.io", ALL),
        Arguments.of("poddisruptionbudgets.policy", ALL),
        Arguments.of("certificatesigningrequests.certificates.k8s.io", ALL),
        Arguments.of("customresourcedefinitions.apiextensions.k8s.io", ALL),
        Arguments.of("apiservices.apiregistration.k8s.io", NONE),
        Arguments.of("volumeattachments.storage.k8s.io", NONE),
        Arguments.of("validatingadmissionpolicies.admissionregistration.k8s.io", NONE),
        Arguments.of("flowschemas.flowcontrol.apiserver.k8s.io", NONE),
        Arguments.of("prioritylevelconfigurations.flowcontrol.apiserver.k8s.io", NONE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aStatusWriteTakesTheMetadataItsKindsStrategyLetsThrough(String resource, List<String> taken) {
    ResourceType type = REGISTRY.byResourceName(resource).orElseThrow();
    ObjectNode current = object("old", 3);
    ObjectNode body = object("new", 9);
    body.putObject("status").put("observed", "new");
    ObjectNode next = StatusSubresource.write(type, current, body);
    for (String field : MUTABLE) {
      JsonNode want = (taken.contains(field) ? body : current).path("metadata").get(field);
      assertEquals(want, next.path("metadata").get(field), resource + " metadata." + field);
    }
    assertEquals(current.get("spec"), next.get("spec"), "the spec stays");
    assertEquals(3, next.at("/metadata/generation").asInt(), "the generation stays");
    assertEquals("u-old", next.at("/metadata/uid").asText());
    assertEquals("new", next.at("/status/observed").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aFieldTheBodyLeavesOutIsRemovedWhereTheStrategyTakesIt(String resource, List<String> taken) {
    ResourceType type = REGISTRY.byResourceName(resource).orElseThrow();
    ObjectNode current = object("old", 3);
    ObjectNode body = Json.object();
    body.putObject("metadata").put("name", "x");
    ObjectNode next = StatusSubresource.write(type, current, body);
    for (String field : MUTABLE) {
      assertEquals(!taken.contains(field), next.path("metadata").has(field), resource + " metadata." + field);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void anApplyOfTheStatusAppliesTheSameMetadataButForCrds(String resource, List<String> taken) {
    ResourceType type = REGISTRY.byResourceName(resource).orElseThrow();
    // kube's reset fields of the CRD status strategy name all of metadata, although its update takes it (1.32's bug)
    List<String> applied = resource.startsWith("customresourcedefinitions.") ? NONE : taken;
    assertEquals(applied, StatusSubresource.appliedMetadata(type));
  }

  @Test
  void everyBuiltInKindWithAStatusIsInTheTable() {
    List<String> listed = kinds().map(a -> (String) a.get()[0]).toList();
    for (ResourceType t : REGISTRY.all()) {
      if (t.hasSubresource("status")) {
        assertTrue(listed.contains(t.resourceName()), t.resourceName() + ": decide what its status writes take");
      }
    }
  }

  @Test
  void aPodsStatusWithoutAQosClassKeepsThePods() {
    ResourceType pods = REGISTRY.byResourceName("pods").orElseThrow();
    ObjectNode current = object("old", 1);
    current.putObject("status").put("qosClass", "Burstable").put("phase", "Pending");
    ObjectNode body = object("old", 1);
    body.putObject("status").put("phase", "Running");
    assertEquals("Burstable", StatusSubresource.write(pods, current, body).at("/status/qosClass").asText());
    body.with("status").put("qosClass", "BestEffort");
    assertEquals("BestEffort", StatusSubresource.write(pods, current, body).at("/status/qosClass").asText(),
        "a status that names one is taken (validation refuses a change)");
    assertEquals("Burstable", StatusSubresource.write(pods, current, object("old", 1)).at("/status/qosClass")
        .asText(), "a body without status");
    ResourceType deployments = REGISTRY.byResourceName("deployments.apps").orElseThrow();
    assertFalse(StatusSubresource.write(deployments, current, object("old", 1)).has("status"),
        "only pods backfill it");
  }

  /** An object whose metadata fields and spec all carry {@code tag}. */
  private static ObjectNode object(String tag, int generation) {
    ObjectNode o = Json.object();
    ObjectNode m = o.putObject("metadata").put("name", "x").put("uid", "u-" + tag).put("generation", generation);
    m.putObject("labels").put("l", tag);
    m.putObject("annotations").put("a", tag);
    m.putArray("finalizers").add("example.com/" + tag);
    m.putArray("ownerReferences").addObject().put("kind", "Owner").put("name", tag).put("uid", "o-" + tag);
    o.putObject("spec").put("s", tag);
    return o;
  }
}
