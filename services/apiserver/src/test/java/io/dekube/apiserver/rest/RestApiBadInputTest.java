package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.assertStatus;
import static io.dekube.apiserver.rest.HttpFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.dekube.apiserver.rest.HttpFixture.Res;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RestApiBadInputTest extends RestApiTestBase {

  @AfterEach
  void serverStillServes() throws Exception {
    assertEquals(200, http.get("/api/v1/namespaces/d/pods").code());
  }

  @Test
  void malformedBodies() throws Exception {
    assertStatus(http.post("/api/v1/namespaces/d/pods", "{\"kind\":\"Pod\","), 400, "BadRequest",
        "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error");
    assertStatus(http.send("POST", "/api/v1/namespaces/d/pods", "application/yaml", "kind: Pod\n  metadata: x: y\n"),
        400, "BadRequest", "error converting YAML to JSON: yaml: line");
    assertStatus(http.send("POST", "/api/v1/namespaces/d/pods", "application/vnd.kubernetes.protobuf", "k8s\0x"),
        415, "UnsupportedMediaType", "application/json, application/yaml");
    assertStatus(http.send("POST", "/api/v1/namespaces/d/pods", "text/plain", "hi"), 415, "UnsupportedMediaType",
        "unknown format");
  }

  @Test
  void wrongTypesAndUnknownFields() throws Exception {
    String three = deployment("d", "web", 1).replace("\"replicas\":1", "\"replicas\":\"three\"");
    assertStatus(http.post("/apis/apps/v1/namespaces/d/deployments", three), 400, "BadRequest",
        "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
    String foo = deployment("d", "web", 1).replace("\"replicas\":1", "\"replicas\":1,\"foo\":true");
    assertStatus(http.post("/apis/apps/v1/namespaces/d/deployments?fieldValidation=Strict", foo), 400, "BadRequest",
        "strict decoding error: unknown field \"spec.foo\"");
    Res warned = http.post("/apis/apps/v1/namespaces/d/deployments", foo);
    assertEquals(201, warned.code(), warned.raw());
    assertEquals(List.of("299 - \"unknown field \\\"spec.foo\\\"\""), warned.header("Warning"));
    assertFalse(warned.body().path("spec").has("foo"), "unknown fields are dropped");
    String dup = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"name\":\"c\"}}";
    assertStatus(http.post("/api/v1/namespaces/d/configmaps?fieldValidation=Strict", dup), 400, "BadRequest",
        "duplicate field \"metadata.name\"");
    assertEquals(201, http.post("/api/v1/namespaces/d/configmaps?fieldValidation=Ignore", dup).code());
    assertStatus(http.patch("/api/v1/namespaces/d/configmaps/c?fieldValidation=Strict", "application/merge-patch+json",
        json("{'data':{'a':'b'},'bogus':1}")), 400, "BadRequest", "unknown field \"bogus\"");
    assertStatus(http.post("/api/v1/namespaces/d/configmaps?fieldValidation=Sloppy", dup), 400, "BadRequest",
        "fieldValidation");
  }

  @Test
  void mismatchedKindsVersionsNamesAndNamespaces() throws Exception {
    assertStatus(http.post("/api/v1/namespaces/d/pods", json("{'apiVersion':'v1','kind':'Service','metadata':"
        + "{'name':'x'}}")), 400, "BadRequest", "cannot be handled as a Pod");
    assertStatus(http.post("/api/v1/namespaces/d/pods", json("{'apiVersion':'apps/v1','kind':'Pod','metadata':"
        + "{'name':'x'}}")), 400, "BadRequest", "the API version in the data (apps/v1) does not match the expected"
        + " API version (v1)");
    assertStatus(http.post("/api/v1/namespaces/d/pods", pod("other", "x", "")), 400, "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request");
    http.post("/api/v1/namespaces/d/pods", pod("d", "x", ""));
    assertStatus(http.put("/api/v1/namespaces/d/pods/x", pod("d", "y", "")), 400, "BadRequest",
        "the name of the object (y) does not match the name on the URL (x)");
    assertStatus(http.get("/api/v1/namespaces/d/pods?resourceVersion=abc"), 400, "BadRequest",
        "invalid resource version");
    assertStatus(http.get("/api/v1/namespaces/d/pods?resourceVersionMatch=Exact"), 422, "Invalid",
        "resourceVersionMatch is forbidden unless resourceVersion is provided");
  }

  @Test
  void invalidPatches() throws Exception {
    http.post("/api/v1/namespaces/d/configmaps", json("{'metadata':{'name':'c'}}"));
    assertStatus(http.patch("/api/v1/namespaces/d/configmaps/c", "application/json-patch+json", "{}"), 400,
        "BadRequest", "cannot unmarshal object into Go value of type jsonpatch.Patch");
    assertStatus(http.patch("/api/v1/namespaces/d/configmaps/c", "application/merge-patch+json", "{\"data\":"), 400,
        "BadRequest", "json parse error");
    assertStatus(http.patch("/api/v1/namespaces/d/configmaps/c", "text/plain", "x"), 415, "UnsupportedMediaType",
        "application/merge-patch+json");
  }

  @Test
  void bodiesOverThreeMebibytesAreTooLarge() throws Exception {
    String big = json("{'metadata':{'name':'big'},'data':{'a':'") + "x".repeat(3 * 1024 * 1024) + "\"}}";
    assertStatus(http.post("/api/v1/namespaces/d/configmaps", big), 413, "RequestEntityTooLarge",
        "Request entity too large: limit is 3145728");
  }
}
