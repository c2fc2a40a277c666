package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.store.InMemoryStore;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status manager writes as kube's does: a strategic merge patch of what changed, over the pod the API has,
 * keeping what others wrote meanwhile and what the kubelet never sets, and never moving a terminal phase back.
 */
class StatusManagerTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A running pod with two containers, Ready, as the kubelet last wrote it. */
  static ObjectNode pod(String name, String uid) {
    ObjectNode pod = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "','namespace':'ns',"
        + "'uid':'" + uid + "','resourceVersion':'5','labels':{'app':'web'}},'spec':{'nodeName':'n1',"
        + "'containers':[{'name':'web','image':'dekube/web'},{'name':'side','image':'dekube/pause'}]}}");
    pod.set("status", runningStatus(true));
    return pod;
  }

  /** The status of that pod as the kubelet builds it, Ready or not (a readiness probe flipping). */
  static ObjectNode runningStatus(boolean ready) {
    String r = ready ? "'True'" : "'False','reason':'ContainersNotReady','message':'containers with unready status: [web]'";
    return json("{'phase':'Running','conditions':["
        + "{'type':'PodReadyToStartContainers','status':'True','lastTransitionTime':'2026-01-01T00:00:00Z'},"
        + "{'type':'Initialized','status':'True','lastTransitionTime':'2026-01-01T00:00:00Z'},"
        + "{'type':'ContainersReady','status':" + r + ",'lastTransitionTime':'2026-01-01T00:00:05Z'},"
        + "{'type':'Ready','status':" + r + ",'lastTransitionTime':'2026-01-01T00:00:05Z'},"
        + "{'type':'PodScheduled','status':'True','lastTransitionTime':'2026-01-01T00:00:00Z'}],"
        + "'hostIP':'127.0.1.1','hostIPs':[{'ip':'127.0.1.1'}],'podIP':'127.244.1.7','podIPs':[{'ip':'127.244.1.7'}],"
        + "'startTime':'2026-01-01T00:00:00Z','containerStatuses':["
        + "{'name':'side','image':'dekube/pause','imageID':'dekube/pause@sha256:1','containerID':'jvm://side-1',"
        + "'ready':true,'started':true,'restartCount':0,'state':{'running':{'startedAt':'2026-01-01T00:00:01Z'}}},"
        + "{'name':'web','image':'dekube/web','imageID':'dekube/web@sha256:2','containerID':'jvm://web-1',"
        + "'ready':" + ready + ",'started':true,'restartCount':0,'state':{'running':{'startedAt':'2026-01-01T00:00:01Z'}}}],"
        + "'qosClass':'BestEffort'}");
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object();
  }

  private static ObjectNode stored(InMemoryStore store, String name) {
    return store.object(StatusManager.PODS, "ns", name);
  }

  @Test
  void aConditionAnotherWriterSetMeanwhileSurvivesTheKubeletsWrite() throws Exception {
    InMemoryStore store = new InMemoryStore();
    ObjectNode seen = store.put(StatusManager.PODS, pod("gate", "u-gate"));
    // a controller sets the readiness gate's condition; the kubelet has not seen it yet when its probe flips
    store.patch(StatusManager.PODS, "ns", "gate", "application/strategic-merge-patch+json",
        json("{'status':{'conditions':[{'type':'example.com/lb','status':'True'}]}}"),
        WriteOptions.none().withSubresource("status"));
    new StatusManager(vertx, store).set("u-gate", seen, runningStatus(false));
    ObjectNode now = stored(store, "gate");
    assertEquals("False", condition(now.path("status"), "Ready").path("status").asText(), now.toString());
    assertEquals("True", condition(now.path("status"), "example.com/lb").path("status").asText(), now.toString());
  }

  @Test
  void fieldsTheKubeletNeverSetsAreKept() {
    InMemoryStore store = new InMemoryStore();
    ObjectNode pod = pod("kept", "u-kept");
    ((ObjectNode) pod.path("status")).put("nominatedNodeName", "n2").putArray("resourceClaimStatuses").addObject()
        .put("name", "gpu").put("resourceClaimName", "kept-gpu");
    ((ObjectNode) pod.path("status")).put("aFieldOfANewerKube", "x");
    ObjectNode seen = store.put(StatusManager.PODS, pod);
    new StatusManager(vertx, store).set("u-kept", seen, runningStatus(false));
    ObjectNode now = stored(store, "kept");
    assertEquals("False", condition(now.path("status"), "Ready").path("status").asText(), now.toString());
    assertEquals("n2", now.at("/status/nominatedNodeName").asText(), now.toString());
    assertEquals("kept-gpu", now.at("/status/resourceClaimStatuses/0/resourceClaimName").asText(), now.toString());
    assertEquals("x", now.at("/status/aFieldOfANewerKube").asText(), now.toString());
  }

  @Test
  void aTerminalPhaseIsNeverMovedBack() {
    InMemoryStore store = new InMemoryStore();
    ObjectNode pod = pod("done", "u-done");
    ((ObjectNode) pod.path("status")).put("phase", "Failed").put("reason", "Evicted");
    ObjectNode seen = store.put(StatusManager.PODS, pod);
    ObjectNode status = runningStatus(true);
    ((ObjectNode) status.at("/containerStatuses/1")).put("restartCount", 1);
    new StatusManager(vertx, store).set("u-done", seen, status);
    ObjectNode now = stored(store, "done");
    assertEquals("Failed", now.at("/status/phase").asText(), now.toString());
    assertEquals("Evicted", now.at("/status/reason").asText(), now.toString());
    assertEquals(1, now.at("/status/containerStatuses/1/restartCount").asInt(), now.toString());
    assertEquals("False", condition(now.path("status"), "Ready").path("status").asText(), now.toString());
    assertEquals("PodFailed", condition(now.path("status"), "Ready").path("reason").asText(), now.toString());
  }

  @Test
  void theWriteIsAPatchOfTheStatusSubresourceAndNothingWhenUnchanged() {
    InMemoryStore store = new InMemoryStore();
    ObjectNode seen = store.put(StatusManager.PODS, pod("p", "u-p"));
    StatusManager m = new StatusManager(vertx, store);
    m.set("u-p", seen, runningStatus(true));
    assertTrue(store.actions().isEmpty(), store.actions().toString());
    m.set("u-p", seen, runningStatus(false));
    assertEquals(java.util.List.of("patch pods/status ns/p"), store.actions());
  }
}
