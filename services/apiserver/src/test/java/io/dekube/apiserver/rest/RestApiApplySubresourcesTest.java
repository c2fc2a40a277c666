package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    assertEquals("invalid object type: apps/v1, Kind=Deployment", wrong.body().path("message").asText());
  }

  /** kube's checkName of the applied object: the configuration names the URL's object, or (for an update) none. */
  @Test
  void anApplyThatNamesAnotherObjectIsRefusedAsKubesCheckName() throws Exception {
    assertEquals(201, http.post("/apis/apps/v1/namespaces/d/deployments", deployment("d", "web", 2)).code());
    String[][] cases = {
        {WEB, "metadata: {name: other}\n", "the name of the object (other) does not match the name on the URL (web)"},
        {WEB, "metadata: {name: web, namespace: e}\n",
            "the namespace of the object (e) does not match the namespace on the URL (d)"},
        {WEB + "/status", "metadata: {name: other}\nstatus: {replicas: 1}\n",
            "the name of the object (other) does not match the name on the URL (web)"},
        {"/apis/apps/v1/namespaces/d/deployments/new", "spec: {replicas: 1}\n",
            "the name of the object () does not match the name on the URL (new)"},
        {"/apis/apps/v1/namespaces/d/deployments/new", "metadata: {name: other}\n",
            "the name of the object (other) does not match the name on the URL (new)"},
    };
    for (String[] c : cases) {
      Res res = http.patch(c[0] + "?fieldManager=m", APPLY, "apiVersion: apps/v1\nkind: Deployment\n" + c[1]);
      assertEquals(400, res.code(), c[1] + res.raw());
      assertEquals(c[2], res.body().path("message").asText(), c[1]);
    }
    assertEquals(404, http.get("/apis/apps/v1/namespaces/d/deployments/other").code(), "nothing was created");
    assertEquals(404, http.get("/apis/apps/v1/namespaces/d/deployments/new").code(), "nothing was created");
    Res unnamed = http.patch(WEB + "?fieldManager=m", APPLY, "apiVersion: apps/v1\nkind: Deployment\n"
        + "spec: {replicas: 3}\n");
    assertEquals(200, unnamed.code(), "a configuration without a name applies to the URL's object: " + unnamed.raw());
    assertEquals(3, unnamed.body().at("/spec/replicas").asInt());
  }

  /** kube's field manager of an endpoint takes configurations of its own group, version and kind only. */
  @Test
  void anApplyOfAnotherTypeThanTheUrlsIsRefusedAsKubesFieldManagerDoes() throws Exception {
    assertEquals(201, http.post("/apis/apps/v1/namespaces/d/deployments", deployment("d", "web", 2)).code());
    String[][] cases = {
        {WEB, "apiVersion: apps/v1beta2\nkind: Deployment\n", "apps/v1beta2, Kind=Deployment"},
        {WEB, "apiVersion: apps/v1\nkind: ReplicaSet\n", "apps/v1, Kind=ReplicaSet"},
        {WEB, "kind: Deployment\n", "/, Kind=Deployment"},
        {WEB, "apiVersion: apps/v1\n", "apps/v1, Kind="},
        {WEB, "apiVersion: apps/v1/x\nkind: Deployment\n", "/, Kind="},
        {WEB + "/status", "apiVersion: extensions/v1beta1\nkind: Deployment\n", "extensions/v1beta1, Kind=Deployment"},
        {"/api/v1/namespaces/d/configmaps/c", "apiVersion: v2\nkind: ConfigMap\n", "/v2, Kind=ConfigMap"},
        // the type is checked first, before the fields (strict) and the managedFields
        {WEB, "apiVersion: apps/v2\nkind: Deployment\nspec: {bogus: 1}\n", "apps/v2, Kind=Deployment"},
    };
    for (String[] c : cases) {
      Res res = http.patch(c[0] + "?fieldManager=m&fieldValidation=Strict", APPLY, c[1] + "metadata: {name: web}\n");
      assertEquals(400, res.code(), c[1] + res.raw());
      assertEquals("BadRequest", res.body().path("reason").asText(), res.raw());
      assertEquals("invalid object type: " + c[2], res.body().path("message").asText(), c[1]);
    }
    Res managed = http.patch(WEB + "?fieldManager=m&fieldValidation=Strict", APPLY, "apiVersion: apps/v1\n"
        + "kind: Deployment\nmetadata:\n  name: web\n  managedFields: [{manager: x}]\nspec: {bogus: 1}\n");
    assertEquals(400, managed.code(), managed.raw());
    assertEquals("metadata.managedFields must be nil", managed.body().path("message").asText());
    assertEquals(404, http.get("/api/v1/namespaces/d/configmaps/c").code(), "a refused apply creates nothing");
    JsonNode web = http.get(WEB).body();
    assertEquals(2, web.at("/spec/replicas").asInt());
    assertNull(entry(web, "m"), web.toString());
  }
}
