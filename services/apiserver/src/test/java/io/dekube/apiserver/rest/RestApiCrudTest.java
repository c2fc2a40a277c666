package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.assertStatus;
import static io.dekube.apiserver.rest.HttpFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.HttpFixture.Res;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestApiCrudTest extends RestApiTestBase {

  @Test
  void createGetUpdateDelete() throws Exception {
    Res created = http.post("/api/v1/namespaces/d/pods", pod("d", "web", "'app':'web'"));
    assertEquals(201, created.code(), created.raw());
    assertEquals("web", created.body().at("/metadata/name").asText());
    assertFalse(created.body().at("/metadata/uid").asText().isEmpty());
    String rv = created.body().at("/metadata/resourceVersion").asText();

    Res got = http.get("/api/v1/namespaces/d/pods/web");
    assertEquals(200, got.code());
    assertEquals(rv, got.body().at("/metadata/resourceVersion").asText());
    assertEquals("application/json", got.http().headers().firstValue("Content-Type").orElse(""));

    assertStatus(http.post("/api/v1/namespaces/d/pods", pod("d", "web", "")), 409, "AlreadyExists",
        "pods \"web\" already exists");
    assertStatus(http.get("/api/v1/namespaces/d/pods/nope"), 404, "NotFound", "pods \"nope\" not found");

    ObjectNode changed = got.body().deepCopy();
    ((ObjectNode) changed.at("/metadata/labels")).put("tier", "front");
    Res updated = http.put("/api/v1/namespaces/d/pods/web", changed.toString());
    assertEquals(200, updated.code(), updated.raw());
    assertEquals("front", updated.body().at("/metadata/labels/tier").asText());
    assertStatus(http.put("/api/v1/namespaces/d/pods/web", changed.toString()), 409, "Conflict",
        "the object has been modified");
    assertStatus(http.put("/api/v1/namespaces/d/pods/gone", pod("d", "gone", "")), 404, "NotFound", "not found");

    Res deleted = http.delete("/api/v1/namespaces/d/pods/web");
    assertEquals(200, deleted.code());
    assertEquals("Pod", deleted.body().path("kind").asText(), "pods answer the deleted object");
    assertStatus(http.get("/api/v1/namespaces/d/pods/web"), 404, "NotFound", "not found");
  }

  @Test
  void deleteAnswersStatusForKindsThatDoNotReturnTheObject() throws Exception {
    assertEquals(201, http.post("/apis/apps/v1/namespaces/d/deployments", deployment("d", "web", 1)).code());
    Res deleted = http.send("DELETE", "/apis/apps/v1/namespaces/d/deployments/web", "application/json",
        json("{'kind':'DeleteOptions','apiVersion':'v1','propagationPolicy':'Foreground'}"));
    assertEquals(200, deleted.code(), deleted.raw());
    assertEquals("Status", deleted.body().path("kind").asText());
    assertEquals("Success", deleted.body().path("status").asText());
    assertEquals("deployments", deleted.body().at("/details/kind").asText());
    assertEquals("apps", deleted.body().at("/details/group").asText());
    assertEquals("web", deleted.body().at("/details/name").asText());
  }

  @Test
  void deleteHonoursPreconditionsAndDryRun() throws Exception {
    Res c = http.post("/api/v1/namespaces/d/configmaps", json("{'metadata':{'name':'cm'},'data':{'a':'1'}}"));
    assertEquals(201, c.code(), c.raw());
    assertEquals("ConfigMap", c.body().path("kind").asText(), "kind and apiVersion default from the URL");
    assertStatus(http.send("DELETE", "/api/v1/namespaces/d/configmaps/cm", "application/json",
        json("{'preconditions':{'uid':'other'}}")), 409, "Conflict", "Precondition failed");
    assertEquals(200, http.delete("/api/v1/namespaces/d/configmaps/cm?dryRun=All").code());
    assertEquals(200, http.get("/api/v1/namespaces/d/configmaps/cm").code(), "dry run keeps it");
    String uid = c.body().at("/metadata/uid").asText();
    assertEquals(200, http.send("DELETE", "/api/v1/namespaces/d/configmaps/cm", "application/json",
        json("{'preconditions':{'uid':'" + uid + "'}}")).code());
  }

  @Test
  void unknownResourcesAndScopesAreNotFound() throws Exception {
    for (String path : List.of("/api/v1/foos", "/apis/apps/v9/deployments", "/apis/nope.io/v1/things",
        "/api/v1/pods/web", "/api/v1/namespaces/d/nodes", "/api/v1/namespaces/d/pods/web/nosuch",
        "/apis/apps/v1/namespaces/d/deployments/web/binding")) {
      Res r = http.get(path);
      assertStatus(r, 404, "NotFound", "the server could not find the requested resource");
    }
    assertStatus(http.send("POST", "/api/v1/pods", "application/json", pod("d", "x", "")), 405, "MethodNotAllowed",
        "does not allow this method");
  }

  @Test
  void listsWithSelectorsAndPages() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertEquals(201, http.post("/api/v1/namespaces/d/pods", pod("d", "p" + i, "'app':'" + (i % 2 == 0 ? "a" : "b")
          + "'")).code());
    }
    assertEquals(201, http.post("/api/v1/namespaces/e/pods", pod("e", "q", "'app':'a'")).code());
    Res all = http.get("/api/v1/pods");
    assertEquals(6, all.body().path("items").size());
    assertEquals("PodList", all.body().path("kind").asText());
    assertEquals("v1", all.body().path("apiVersion").asText());
    assertEquals("6", all.body().at("/metadata/resourceVersion").asText());
    assertEquals(3, http.get("/api/v1/namespaces/d/pods?labelSelector=app%3Da").body().path("items").size());
    assertEquals(1, http.get("/api/v1/namespaces/d/pods?fieldSelector=metadata.name%3Dp1").body().path("items").size());
    assertEquals(4, http.get("/api/v1/pods?labelSelector=app+in+(a,b),app!%3Dc&fieldSelector=metadata.namespace%3Dd,"
        + "metadata.name!%3Dp0").body().path("items").size());
    assertStatus(http.get("/api/v1/pods?fieldSelector=spec.foo%3Dx"), 400, "BadRequest",
        "field label not supported: spec.foo");
    assertStatus(http.get("/api/v1/pods?labelSelector=a%20in%20"), 400, "BadRequest", "unable to parse requirement");

    List<String> names = new ArrayList<>();
    String next = "/api/v1/namespaces/d/pods?limit=2";
    Res page = http.get(next);
    assertEquals(3, page.body().at("/metadata/remainingItemCount").asInt());
    while (true) {
      page.body().path("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
      String token = page.body().at("/metadata/continue").asText("");
      if (token.isEmpty()) {
        break;
      }
      // a write between pages does not show up in the rest of the paginated list
      http.post("/api/v1/namespaces/d/pods", pod("d", "p9" + names.size(), ""));
      page = http.get("/api/v1/namespaces/d/pods?limit=2&continue=" + token);
      assertEquals(200, page.code(), page.raw());
    }
    assertEquals(List.of("p0", "p1", "p2", "p3", "p4"), names);
    assertStatus(http.get("/api/v1/namespaces/d/pods?limit=2&continue=garbage"), 400, "BadRequest",
        "continue key is not valid");
  }

  @Test
  void aReplicationControllersScaleSelectsItsLabelMap() throws Exception {
    String rc = json("{'apiVersion':'v1','kind':'ReplicationController','metadata':{'name':'web','namespace':'d'},"
        + "'spec':{'replicas':2,'selector':{'tier':'front','app':'web'},'template':{'metadata':{'labels':{'app':'web',"
        + "'tier':'front'}},'spec':{'containers':[{'name':'web','image':'dekube/web'}]}}}}");
    assertEquals(201, http.post("/api/v1/namespaces/d/replicationcontrollers", rc).code());
    Res scale = http.get("/api/v1/namespaces/d/replicationcontrollers/web/scale");
    assertEquals(200, scale.code(), scale.raw());
    assertEquals(2, scale.body().at("/spec/replicas").asInt());
    assertEquals("app=web,tier=front", scale.body().at("/status/selector").asText());
    Res patched = http.send("PATCH", "/api/v1/namespaces/d/replicationcontrollers/web/scale",
        "application/merge-patch+json", json("{'spec':{'replicas':4}}"), "User-Agent",
        "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07");
    assertEquals(200, patched.code(), patched.raw());
    assertEquals(4, http.get("/api/v1/namespaces/d/replicationcontrollers/web").body().at("/spec/replicas").asInt());
    // without fieldManager the writer is named by its User-Agent, as kube does for kubectl scale
    assertEquals("kubectl", backend.lastPatch().fieldManager());
    assertEquals("scale", backend.lastPatch().subresource());
  }

  @Test
  void statusScaleAndBindingSubresources() throws Exception {
    Res d = http.post("/apis/apps/v1/namespaces/d/deployments", deployment("d", "web", 2));
    assertEquals(201, d.code(), d.raw());
    ObjectNode withStatus = d.body().deepCopy();
    withStatus.putObject("status").put("replicas", 2).put("readyReplicas", 1);
    ((ObjectNode) withStatus.at("/spec")).put("replicas", 7);
    Res st = http.put("/apis/apps/v1/namespaces/d/deployments/web/status", withStatus.toString());
    assertEquals(200, st.code(), st.raw());
    assertEquals(1, st.body().at("/status/readyReplicas").asInt());
    assertEquals(2, st.body().at("/spec/replicas").asInt(), "a status update changes only the status");

    Res scale = http.get("/apis/apps/v1/namespaces/d/deployments/web/scale");
    assertEquals(200, scale.code(), scale.raw());
    assertEquals("Scale", scale.body().path("kind").asText());
    assertEquals("autoscaling/v1", scale.body().path("apiVersion").asText());
    assertEquals(2, scale.body().at("/spec/replicas").asInt());
    assertEquals("app=web", scale.body().at("/status/selector").asText());
    // kubectl get deploy/web --subresource=scale asks for a Table: kube's printScale columns
    Res table = http.get("/apis/apps/v1/namespaces/d/deployments/web/scale", "Accept",
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    assertEquals("Table", table.body().path("kind").asText(), table.raw());
    assertEquals(List.of("Name", "Desired", "Available", "Age"),
        table.body().path("columnDefinitions").findValuesAsText("name"));
    assertEquals("web", table.body().at("/rows/0/cells/0").asText());
    assertEquals(2, table.body().at("/rows/0/cells/1").asInt());
    assertEquals(2, table.body().at("/rows/0/cells/2").asInt());
    Res patched = http.patch("/apis/apps/v1/namespaces/d/deployments/web/scale", "application/merge-patch+json",
        json("{'spec':{'replicas':3}}"));
    assertEquals(200, patched.code(), patched.raw());
    assertEquals(3, patched.body().at("/spec/replicas").asInt());
    assertEquals(3, http.get("/apis/apps/v1/namespaces/d/deployments/web").body().at("/spec/replicas").asInt());
    ObjectNode put = patched.body().deepCopy();
    ((ObjectNode) put.at("/spec")).put("replicas", 5);
    assertEquals(5, http.put("/apis/apps/v1/namespaces/d/deployments/web/scale", put.toString()).body()
        .at("/spec/replicas").asInt());
    ((ObjectNode) put.at("/spec")).put("replicas", -1);
    assertStatus(http.put("/apis/apps/v1/namespaces/d/deployments/web/scale", put.toString()), 422, "Invalid",
        "must be greater than or equal to 0");

    assertEquals(201, http.post("/api/v1/namespaces/d/pods", pod("d", "p", "")).code());
    String binding = json("{'apiVersion':'v1','kind':'Binding','metadata':{'name':'p'},'target':{'kind':'Node',"
        + "'name':'n1'}}");
    Res bound = http.post("/api/v1/namespaces/d/pods/p/binding", binding);
    assertEquals(201, bound.code(), bound.raw());
    assertEquals("Success", bound.body().path("status").asText());
    ObjectNode pod = http.get("/api/v1/namespaces/d/pods/p").body();
    assertEquals("n1", pod.at("/spec/nodeName").asText());
    assertEquals("PodScheduled", pod.at("/status/conditions/0/type").asText());
    assertStatus(http.post("/api/v1/namespaces/d/pods/p/binding", binding), 409, "Conflict",
        "pod p is already assigned to node \"n1\"");
    assertStatus(http.get("/api/v1/namespaces/d/pods/p/log"), 503, "ServiceUnavailable", "no kubelet");
  }

  @Test
  void patchTypes() throws Exception {
    assertEquals(201, http.post("/api/v1/namespaces/d/configmaps", json("{'metadata':{'name':'cm'},'data':"
        + "{'a':'1'}}")).code());
    Res merge = http.patch("/api/v1/namespaces/d/configmaps/cm", "application/merge-patch+json",
        json("{'data':{'b':'2'}}"));
    assertEquals(200, merge.code(), merge.raw());
    assertEquals("2", merge.body().at("/data/b").asText());
    Res jp = http.patch("/api/v1/namespaces/d/configmaps/cm", "application/json-patch+json",
        json("[{'op':'remove','path':'/data/a'}]"));
    assertEquals(200, jp.code(), jp.raw());
    assertFalse(jp.body().at("/data").has("a"));
    Res smp = http.patch("/api/v1/namespaces/d/configmaps/cm", "application/strategic-merge-patch+json",
        json("{'data':{'c':'3'}}"));
    assertEquals(200, smp.code(), smp.raw());
    assertEquals("3", smp.body().at("/data/c").asText());
    String applied = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ap\n  namespace: d\ndata:\n  k: v\n";
    Res created = http.patch("/api/v1/namespaces/d/configmaps/ap?fieldManager=test", "application/apply-patch+yaml",
        applied);
    assertEquals(201, created.code(), "an apply that creates answers 201: " + created.raw());
    assertEquals(200, http.patch("/api/v1/namespaces/d/configmaps/ap?fieldManager=test&force=true",
        "application/apply-patch+yaml", applied.replace("k: v", "k: w")).code());
    assertEquals("w", http.get("/api/v1/namespaces/d/configmaps/ap").body().at("/data/k").asText());
    assertStatus(http.patch("/api/v1/namespaces/d/configmaps/cm", "application/json", "{}"), 415,
        "UnsupportedMediaType", "application/strategic-merge-patch+json");
    assertStatus(http.patch("/api/v1/namespaces/d/configmaps/cm", "application/apply-patch+yaml", "data: {}"), 422,
        "Invalid", "fieldManager: Forbidden: is required for apply patch");
    assertStatus(http.patch("/api/v1/namespaces/d/configmaps/nope", "application/merge-patch+json", "{}"), 404,
        "NotFound", "not found");
  }

  @Test
  void deleteCollectionWithSelectors() throws Exception {
    for (String n : List.of("a1", "a2", "b1")) {
      http.post("/api/v1/namespaces/d/pods", pod("d", n, "'app':'" + n.charAt(0) + "'"));
    }
    Res r = http.delete("/api/v1/namespaces/d/pods?labelSelector=app%3Da");
    assertEquals(200, r.code(), r.raw());
    assertEquals("PodList", r.body().path("kind").asText());
    assertEquals(2, r.body().path("items").size());
    Res left = http.get("/api/v1/namespaces/d/pods");
    assertEquals(1, left.body().path("items").size());
    assertEquals("b1", left.body().at("/items/0/metadata/name").asText());
    // kube's namespace storage has no collection delete
    assertStatus(http.delete("/api/v1/namespaces"), 405, "MethodNotAllowed",
        "the server does not allow this method on the requested resource");
  }

  @Test
  void tablesForPodsAndDeployments() throws Exception {
    http.post("/api/v1/namespaces/d/pods", pod("d", "web-1", "'app':'web'"));
    http.post("/apis/apps/v1/namespaces/d/deployments", deployment("d", "web", 3));
    String accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
        + "g=meta.k8s.io,application/json";
    Res pods = http.get("/api/v1/namespaces/d/pods?limit=500", "Accept", accept);
    assertEquals("Table", pods.body().path("kind").asText(), pods.raw());
    assertEquals("meta.k8s.io/v1", pods.body().path("apiVersion").asText());
    assertEquals("Name", pods.body().at("/columnDefinitions/0/name").asText());
    assertEquals("Readiness Gates", pods.body().at("/columnDefinitions/8/name").asText());
    assertEquals("web-1", pods.body().at("/rows/0/cells/0").asText());
    assertEquals("0/1", pods.body().at("/rows/0/cells/1").asText());
    assertEquals("PartialObjectMetadata", pods.body().at("/rows/0/object/kind").asText());
    assertNotNull(pods.body().at("/metadata/resourceVersion").textValue());
    Res deploy = http.get("/apis/apps/v1/namespaces/d/deployments/web?includeObject=Object", "Accept", accept);
    assertEquals("Table", deploy.body().path("kind").asText());
    assertEquals("0/3", deploy.body().at("/rows/0/cells/1").asText());
    assertEquals("Deployment", deploy.body().at("/rows/0/object/kind").asText());
    assertEquals("app=web", deploy.body().at("/rows/0/cells/7").asText());
    Res meta = http.get("/api/v1/namespaces/d/pods", "Accept",
        "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
    assertEquals("PartialObjectMetadataList", meta.body().path("kind").asText());
    assertTrue(meta.body().at("/items/0/metadata/name").isTextual());
    assertTrue(http.get("/api/v1/namespaces/d/pods/web-1?pretty=true").raw().contains("\n  \"kind\""));
  }
}
