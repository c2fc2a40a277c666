package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.assertStatus;
import static io.dekube.apiserver.rest.HttpFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RestApiNamespaceLifecycleTest extends RestApiTestBase {

  @Override
  protected RestApi configure(RestApi api) {
    return api.withNamespaceLifecycle();
  }

  @Test
  void createsNeedAnExistingNamespaceThatIsNotTerminating() throws Exception {
    assertStatus(http.post("/api/v1/namespaces/nope/pods", pod("nope", "p", "")), 404, "NotFound",
        "namespaces \"nope\" not found");
    assertStatus(http.patch("/api/v1/namespaces/nope/configmaps/c?fieldManager=t", "application/apply-patch+yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: nope}\n"), 404, "NotFound",
        "namespaces \"nope\" not found");
    assertEquals(201, http.post("/api/v1/namespaces", json("{'metadata':{'name':'ok','finalizers':['x']}}")).code());
    assertEquals(201, http.post("/api/v1/namespaces/ok/pods", pod("ok", "p", "")).code());
    assertEquals(201, http.post("/api/v1/nodes", json("{'metadata':{'name':'n1'}}")).code(), "cluster-scoped");
    assertEquals(200, http.delete("/api/v1/namespaces/ok").code()); // a finalizer keeps it: Terminating
    assertStatus(http.post("/api/v1/namespaces/ok/pods", pod("ok", "q", "")), 403, "Forbidden",
        "pods \"q\" is forbidden: unable to create new content in namespace ok because it is being terminated");
    assertEquals(200, http.put("/api/v1/namespaces/ok/pods/p", http.get("/api/v1/namespaces/ok/pods/p").raw()).code(),
        "updates are not creates");
  }

  @Test
  void theSystemNamespacesMayNotBeDeleted() throws Exception {
    for (String ns : java.util.List.of("default", "kube-system", "kube-public")) {
      http.post("/api/v1/namespaces", json("{'metadata':{'name':'" + ns + "'}}"));
      assertStatus(http.delete("/api/v1/namespaces/" + ns), 403, "Forbidden",
          "namespaces \"" + ns + "\" is forbidden: this namespace may not be deleted");
      assertEquals(200, http.get("/api/v1/namespaces/" + ns).code(), ns + " is still there");
    }
    assertEquals(201, http.post("/api/v1/namespaces", json("{'metadata':{'name':'mortal'}}")).code());
    assertEquals(200, http.delete("/api/v1/namespaces/mortal").code());
  }
}
