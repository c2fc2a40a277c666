package io.dekube.core.patch;

import static io.dekube.core.patch.ServerSideApplyTest.DEPLOYMENTS;
import static io.dekube.core.patch.ServerSideApplyTest.T1;
import static io.dekube.core.patch.ServerSideApplyTest.T2;
import static io.dekube.core.patch.ServerSideApplyTest.deployment;
import static io.dekube.core.patch.ServerSideApplyTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StatusSubresource;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Server-side apply through the status subresource, as kube's reset fields shape it. */
class ServerSideApplyStatusTest {

  static final String AVAILABLE = "k:{\"type\":\"Available\"}";

  static ObjectNode statusConfig(String spec, String status) {
    return yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: d}\n"
        + (spec.isEmpty() ? "" : "spec: " + spec + "\n") + "status: " + status + "\n");
  }

  static ObjectNode applyStatus(ObjectNode live, ObjectNode cfg, String manager, boolean force, Instant now) {
    ObjectNode applied = ServerSideApply.apply(live, cfg, DEPLOYMENTS, manager, force, null, "status", now);
    return StatusSubresource.applied(DEPLOYMENTS, live, applied);
  }

  static ObjectNode created() {
    return ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
  }

  static JsonNode entry(ObjectNode obj, String manager, String subresource) {
    for (JsonNode e : obj.at("/metadata/managedFields")) {
      if (e.path("manager").asText().equals(manager) && e.path("subresource").asText("").equals(subresource)) {
        return e;
      }
    }
    return null;
  }

  @Test
  void theStatusIsMergedAndOwnedWithTheSubresourceTheSpecIsIgnored() {
    ObjectNode out = applyStatus(created(), statusConfig("{replicas: 9, paused: true}",
        "{replicas: 2, conditions: [{type: Available, status: 'True'}]}"), "ctrl", false, T2);
    assertEquals(2, out.at("/spec/replicas").asInt(), "kube's reset fields drop the spec of a status apply");
    assertTrue(out.at("/spec/paused").isMissingNode());
    assertEquals(2, out.at("/status/replicas").asInt());
    assertEquals("True", out.at("/status/conditions/0/status").asText());
    JsonNode e = entry(out, "ctrl", "status");
    assertEquals("Apply", e.path("operation").asText());
    assertEquals("apps/v1", e.path("apiVersion").asText());
    assertEquals(yaml("{'f:status': {'f:replicas': {}, 'f:conditions': {'" + AVAILABLE.replace("'", "''")
        + "': {'.': {}, 'f:type': {}, 'f:status': {}}}}}"), e.path("fieldsV1"));
    assertTrue(entry(out, "kubectl", "").path("fieldsV1").path("f:status").isMissingNode());
  }

  @Test
  void conditionsMergeByTypeAndAnotherManagersStatusConflicts() {
    ObjectNode one = applyStatus(created(), statusConfig("", "{conditions: [{type: Available, status: 'True'}]}"),
        "ctrl", false, T1);
    ObjectNode two = applyStatus(one, statusConfig("", "{conditions: [{type: Progressing, status: 'True'}]}"),
        "other", false, T2);
    assertEquals(2, two.at("/status/conditions").size(), two.toString());
    StatusException e = assertThrows(StatusException.class, () -> applyStatus(two,
        statusConfig("", "{conditions: [{type: Available, status: 'False'}]}"), "other", false, T2));
    assertEquals(409, e.code());
    assertEquals("Apply failed with 1 conflict: conflict with \"ctrl\" with subresource \"status\": "
        + ".status.conditions[type=\"Available\"].status", e.getMessage());
    ObjectNode forced = applyStatus(two, statusConfig("", "{conditions: [{type: Available, status: 'False'}]}"),
        "other", true, T2);
    assertEquals("False", forced.at("/status/conditions/0/status").asText());
    assertTrue(entry(forced, "other", "status").at("/fieldsV1/f:status/f:conditions").has(AVAILABLE));
    assertTrue(entry(forced, "ctrl", "status").at("/fieldsV1/f:status/f:conditions/" + AVAILABLE.replace("/", "~1")
        + "/f:status").isMissingNode(), forced.toString());
  }

  @Test
  void aSpecOwnedByAnotherManagerIsNoConflictForTheStatus() {
    ObjectNode out = applyStatus(created(), statusConfig("{replicas: 5}", "{replicas: 1}"), "ctrl", false, T2);
    assertEquals(2, out.at("/spec/replicas").asInt());
    assertTrue(entry(out, "ctrl", "status").at("/fieldsV1/f:spec").isMissingNode());
  }

  @Test
  void theManagersApplyOfTheObjectKeepsWhatItAppliedToTheStatus() {
    ObjectNode status = applyStatus(created(), statusConfig("", "{replicas: 2, readyReplicas: 2}"), "kubectl", false,
        T2);
    ObjectNode again = ServerSideApply.apply(status, yaml(deployment(3, "v1")), DEPLOYMENTS, "kubectl", false, T2);
    assertEquals(3, again.at("/spec/replicas").asInt());
    assertEquals(2, again.at("/status/readyReplicas").asInt());
    assertEquals(2, again.at("/metadata/managedFields").size(), again.toString());
    ObjectNode fewer = applyStatus(again, statusConfig("", "{replicas: 3}"), "kubectl", false, T2);
    assertTrue(fewer.at("/status/readyReplicas").isMissingNode(), "what the status apply no longer applies goes");
    assertEquals(3, fewer.at("/spec/replicas").asInt());
  }

  @Test
  void theStatusOfAMissingObjectIsNotFound() {
    StatusException e = assertThrows(StatusException.class,
        () -> ServerSideApply.apply(null, statusConfig("", "{replicas: 1}"), DEPLOYMENTS, "ctrl", false, null,
            "status", T1));
    assertEquals(404, e.code());
    assertEquals("deployments.apps \"web\" not found", e.getMessage());
  }
}
