package io.dekube.kubelet.pod;

import static io.dekube.kubelet.pod.StatusManagerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.patch.StrategicMergePatch;
import org.junit.jupiter.api.Test;

/** The kubelet's status patch names only what changed, as kube's CreateTwoWayMergePatch over a v1.Pod. */
class StatusPatchTest {

  @Test
  void aChangedConditionIsPatchedByItsTypeWithTheListOrder() {
    ObjectNode old = StatusManagerTest.runningStatus(true);
    ObjectNode next = StatusManagerTest.runningStatus(false);
    ObjectNode patch = StatusPatch.create(old, next, "u1");
    assertEquals(json("{'metadata':{'uid':'u1'},'status':{"
        + "'$setElementOrder/conditions':[{'type':'PodReadyToStartContainers'},{'type':'Initialized'},"
        + "{'type':'ContainersReady'},{'type':'Ready'},{'type':'PodScheduled'}],"
        + "'conditions':[{'type':'ContainersReady','status':'False','reason':'ContainersNotReady',"
        + "'message':'containers with unready status: [web]'},{'type':'Ready','status':'False',"
        + "'reason':'ContainersNotReady','message':'containers with unready status: [web]'}],"
        + "'containerStatuses':" + next.path("containerStatuses") + "}}"), patch);
  }

  @Test
  void nothingChangedIsAnEmptyPatchAndARemovedFieldOrConditionIsDeleted() {
    ObjectNode old = StatusManagerTest.runningStatus(true);
    assertTrue(StatusPatch.unchanged(StatusPatch.create(old, old.deepCopy(), "u1")));
    ObjectNode next = old.deepCopy();
    next.remove("podIP");
    ((com.fasterxml.jackson.databind.node.ArrayNode) next.path("conditions")).remove(0);
    ObjectNode patch = StatusPatch.create(old, next, "u1");
    assertTrue(patch.at("/status/podIP").isNull(), patch.toString());
    assertEquals(json("{'$patch':'delete','type':'PodReadyToStartContainers'}"), patch.at("/status/conditions/0"));
  }

  @Test
  void appliedToTheStoredPodItGivesTheNewStatusAndKeepsWhatItDoesNotName() {
    ObjectNode pod = StatusManagerTest.pod("p", "u1");
    ObjectNode next = StatusManagerTest.runningStatus(false);
    ObjectNode stored = pod.deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) stored.path("status").path("conditions")).insertObject(0)
        .put("type", "example.com/lb").put("status", "True");
    ObjectNode patched = StrategicMergePatch.apply(stored, StatusPatch.create(pod.path("status"), next, "u1"),
        ResourceRegistry.builtIn().byResourceName("pods").orElseThrow());
    assertEquals("example.com/lb", patched.at("/status/conditions/0/type").asText(), patched.toString());
    ((com.fasterxml.jackson.databind.node.ArrayNode) patched.path("status").path("conditions")).remove(0);
    assertEquals(next, patched.path("status"));
  }
}
