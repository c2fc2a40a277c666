package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.rest.HttpFixture.Res;
import org.junit.jupiter.api.Test;

/** Server-side apply through the status and scale subresources, as kubectl apply --server-side --subresource sends. */
class RestApiApplySubresourcesTest extends RestApiTestBase {

  private static final String APPLY = "application/apply-patch+yaml";
  private static final String WEB = "/apis/apps/v1/namespaces/d/deployments/web";

  static JsonNode entry(JsonNode obj, String manager) {
    for (JsonNode e : obj.at("/metadata/managedFields")) {
      if (e.path("manager").asText().equals(manager)) {
        return e;
      }
    }
    return null;
  }

  @Test
  void anApplyOfTheStatusWritesTheStatusUnderItsSubresource() throws Exception {
    assertEquals(201, http.post("/apis/apps/v1/namespaces/d/deployments", deployment("d", "web", 2)).code());
    Res applied = http.patch(WEB + "/status?fieldManager=ctrl", APPLY, "apiVersion: apps/v1\nkind: Deployment\n"
        + "metadata: {name: web, namespace: d}\nspec: {replicas: 7}\n"
        + "status:\n  replicas: 2\n  conditions:\n  - {type: Available, status: 'True'}\n");
    assertEquals(200, applied.code(), applied.raw());
    assertEquals(2, applied.body().at("/status/replicas").asInt());
    assertEquals("Available", applied.body().at("/status/conditions/0/type").asText());
    assertEquals(2, applied.body().at("/spec/replicas").asInt(), "the spec of a status apply is reset");
    JsonNode e = entry(applied.body(), "ctrl");
    assertNotNull(e, applied.raw());
    assertEquals("Apply", e.path("operation").asText());
    assertEquals("status", e.path("subresource").asText());
    assertTrue(e.at("/fieldsV1/f:status/f:replicas").isObject(), e.toString());
    Res missing = http.patch("/apis/apps/v1/namespaces/d/deployments/nope/status?fieldManager=ctrl", APPLY,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nope}\nstatus: {replicas: 1}\n");
    assertEquals(404, missing.code(), missing.raw());
  }

  @Test
  void anApplyOfTheScaleAppliesTheParentsReplicas() throws Exception {
    assertEquals(201, http.post("/apis/apps/v1/namespaces/d/deployments", deployment("d", "web", 2)).code());
    Res scaled = http.patch(WEB + "/scale?fieldManager=scaler", APPLY,
        "apiVersion: autoscaling/v1\nkind: Scale\nmetadata: {name: web, namespace: d}\nspec: {replicas: 4}\n");
    assertEquals(200, scaled.code(), scaled.raw());
    assertEquals("Scale", scaled.body().path("kind").asText());
    assertEquals(4, scaled.body().at("/spec/replicas").asInt());
    JsonNode parent = http.get(WEB).body();
    assertEquals(4, parent.at("/spec/replicas").asInt());
    JsonNode e = entry(parent, "scaler");
    assertNotNull(e, parent.toString());
    assertEquals("Apply", e.path("operation").asText());
    assertEquals("apps/v1", e.path("apiVersion").asText());
    assertEquals("scale", e.path("subresource").asText());
    assertEquals("{\"f:spec\":{\"f:replicas\":{}}}", e.path("fieldsV1").toString());
    Res wrong = http.patch(WEB + "/scale?fieldManager=scaler", APPLY,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 4}\n");
    assertEquals(400, wrong.code(), wrong.raw());
    assertEquals("Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: "
        + "autoscaling/v1", wrong.body().path("message").asText());
  }
}
