package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.assertStatus;
import static io.dekube.apiserver.rest.HttpFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.store.WriteOptions;
import org.junit.jupiter.api.Test;

/** POST pods/{name}/eviction against PodDisruptionBudgets, as kube-apiserver's eviction REST answers. */
class RestApiEvictionTest extends RestApiTestBase {

  private void pod(String name, String app, String phase, boolean ready) throws Exception {
    ObjectNode p = (ObjectNode) Json.MAPPER.readTree(pod("ns", name, "'app':'" + app + "'"));
    p.putObject("status").put("phase", phase).putArray("conditions").addObject().put("type", "Ready")
        .put("status", ready ? "True" : "False");
    backend.create(registry.byResourceName("pods").orElseThrow(), "ns", p, WriteOptions.none());
  }

  private void pdb(int allowed, int current, int desired, long observedGeneration) throws Exception {
    pdb("budget", allowed, current, desired, observedGeneration);
  }

  private void pdb(String name, int allowed, int current, int desired, long observedGeneration) throws Exception {
    ObjectNode b = (ObjectNode) Json.MAPPER.readTree(json("{'apiVersion':'policy/v1','kind':'PodDisruptionBudget',"
        + "'metadata':{'name':'" + name + "','namespace':'ns'},'spec':{'minAvailable':1,'selector':{'matchLabels':"
        + "{'app':'web'}}},'status':{'disruptionsAllowed':" + allowed + ",'currentHealthy':" + current
        + ",'desiredHealthy':" + desired + ",'expectedPods':2,'observedGeneration':" + observedGeneration + "}}"));
    backend.create(registry.byResourceName("poddisruptionbudgets.policy").orElseThrow(), "ns", b, WriteOptions.none());
  }

  private HttpFixture.Res evict(String name) throws Exception {
    return http.post("/api/v1/namespaces/ns/pods/" + name + "/eviction", json("{'apiVersion':'policy/v1','kind':"
        + "'Eviction','metadata':{'name':'" + name + "','namespace':'ns'}}"));
  }

  private ObjectNode budget() throws Exception {
    return http.get("/apis/policy/v1/namespaces/ns/poddisruptionbudgets/budget").body();
  }

  @Test
  void theBudgetIsSpentThenTheLastPodIsRefusedWith429() throws Exception {
    pod("a", "web", "Running", true);
    pod("b", "web", "Running", true);
    pdb(1, 2, 1, 1);
    assertEquals(201, evict("a").code());
    assertEquals(404, http.get("/api/v1/namespaces/ns/pods/a").code());
    assertEquals(0, budget().at("/status/disruptionsAllowed").asInt());
    assertTrue(budget().at("/status/disruptedPods").has("a"), budget().toString());
    HttpFixture.Res refused = evict("b");
    assertStatus(refused, 429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
    assertEquals("DisruptionBudget", refused.body().at("/details/causes/0/reason").asText());
    assertEquals("The disruption budget budget needs 1 healthy pods and has 2 currently",
        refused.body().at("/details/causes/0/message").asText());
    assertEquals(200, http.get("/api/v1/namespaces/ns/pods/b").code());
  }

  @Test
  void anEvictedPodGetsTheDisruptionTargetCondition() throws Exception {
    ObjectNode p = (ObjectNode) Json.MAPPER.readTree(pod("ns", "kept", "'app':'web'"));
    p.with("metadata").putArray("finalizers").add("batch.kubernetes.io/job-tracking");
    p.putObject("status").put("phase", "Running");
    backend.create(registry.byResourceName("pods").orElseThrow(), "ns", p, WriteOptions.none());
    assertEquals(201, evict("kept").code());
    ObjectNode after = http.get("/api/v1/namespaces/ns/pods/kept").body();
    assertTrue(after.at("/metadata/deletionTimestamp").isTextual(), after.toString());
    com.fasterxml.jackson.databind.JsonNode target = null;
    for (var c : after.at("/status/conditions")) {
      if ("DisruptionTarget".equals(c.path("type").asText())) {
        target = c;
      }
    }
    assertEquals("True", target == null ? null : target.path("status").asText(), after.toString());
    assertEquals("EvictionByEvictionAPI", target.path("reason").asText());
    assertEquals("Eviction API: evicting", target.path("message").asText());
  }

  @Test
  void podsThatAreNotRunningReadyOrNotBudgetedGoWhateverTheBudget() throws Exception {
    pdb(0, 1, 1, 1);
    pod("pending", "web", "Pending", false);
    pod("done", "web", "Succeeded", false);
    pod("other", "db", "Running", true);
    pod("unready", "web", "Running", false);
    for (String p : new String[] {"pending", "done", "other", "unready"}) {
      assertEquals(201, evict(p).code(), p);
    }
    assertEquals(0, budget().at("/status/disruptedPods").size(), "no disruption spent");
    pod("ready", "web", "Running", true);
    assertEquals(429, evict("ready").code());
  }

  @Test
  void aBudgetNotYetObservedAsksToRetry() throws Exception {
    pod("a", "web", "Running", true);
    pdb(1, 2, 1, 0);
    HttpFixture.Res r = evict("a");
    assertStatus(r, 429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
    assertEquals("The disruption budget budget is still being processed by the server.",
        r.body().at("/details/causes/0/message").asText());
    assertEquals(10, r.body().at("/details/retryAfterSeconds").asInt());
  }

  @Test
  void aPodOfTwoBudgetsIsRefusedWithKubesBare500() throws Exception {
    pod("a", "web", "Running", true);
    pdb("one", 1, 2, 1, 1);
    pdb("two", 1, 2, 1, 1);
    HttpFixture.Res r = evict("a");
    assertEquals(500, r.code());
    assertEquals("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
        r.body().path("message").asText());
    assertTrue(r.body().path("reason").isMissingNode(), "kube's Status has no reason: " + r.body());
    assertEquals(200, http.get("/api/v1/namespaces/ns/pods/a").code());
  }
}
