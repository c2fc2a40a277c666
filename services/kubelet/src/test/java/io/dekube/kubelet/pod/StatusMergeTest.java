package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusMergeTest {

  static ObjectNode status(String json) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(json.replace('\'', '"'));
  }

  @Test
  void conditionsTheKubeletDoesNotOwnAreKept() throws Exception {
    ObjectNode built = status("{'conditions':[{'type':'Ready','status':'False'}]}");
    ObjectNode stored = status("{'conditions':[{'type':'Ready','status':'True'},{'type':'DisruptionTarget','status':'True',"
        + "'reason':'EvictionByEvictionAPI'}]}");
    StatusMerge.keepForeignConditions(built, stored);
    assertEquals("[Ready/False, DisruptionTarget/True]", types(built));
  }

  @Test
  void aDeletedPodWithAKilledContainerEndsFailed() throws Exception {
    ObjectNode s = StatusMerge.terminal(status("{'phase':'Running','conditions':[{'type':'Ready','status':'False',"
        + "'reason':'ContainersNotReady','message':'x'}],'containerStatuses':[{'name':'a','state':{'terminated':"
        + "{'exitCode':143}}},{'name':'b','state':{'waiting':{'reason':'ContainerCreating'}}}]}"), Instant.EPOCH);
    assertEquals("Failed", s.path("phase").asText());
    assertEquals(137, s.at("/containerStatuses/1/state/terminated/exitCode").asInt());
    assertEquals("ContainerStatusUnknown", s.at("/containerStatuses/1/state/terminated/reason").asText());
    assertEquals("PodFailed", s.at("/conditions/0/reason").asText());
  }

  /** kube's TerminatePod for a pod another writer made Failed: its phase stays though every container exited 0. */
  @Test
  void aPodMadeFailedByAnotherWriterStaysFailedOnceStopped() throws Exception {
    ObjectNode s = StatusMerge.terminal(status("{'phase':'Failed','conditions':[{'type':'PodReadyToStartContainers',"
        + "'status':'True'},{'type':'Ready','status':'False','reason':'PodFailed'}],'containerStatuses':[{'name':'a',"
        + "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},{'name':'b','state':{'running':{}}}]}"),
        "Failed", Instant.EPOCH);
    assertEquals("Failed", s.path("phase").asText());
    assertEquals("False", s.at("/conditions/0/status").asText());
    assertEquals("PodFailed", s.at("/conditions/1/reason").asText());
    assertEquals(0, s.at("/containerStatuses/0/state/terminated/exitCode").asInt());
    assertEquals("ContainerStatusUnknown", s.at("/containerStatuses/1/state/terminated/reason").asText());
  }

  @Test
  void aDeletedPodWhoseContainersAllExitedZeroEndsSucceeded() throws Exception {
    ObjectNode s = StatusMerge.terminal(status("{'phase':'Running','containerStatuses':[{'name':'a','state':"
        + "{'terminated':{'exitCode':0}}}]}"), Instant.EPOCH);
    assertEquals("Succeeded", s.path("phase").asText());
  }

  /**
   * An evicted pod ends Failed with reason Evicted, kube's message and the DisruptionTarget condition, which the
   * status manager's merge writes over the API's (kube's condition shared by the kubelet) with the terminal phase.
   */
  @Test
  void anEvictedPodEndsFailedEvictedWithTheDisruptionTargetCondition() throws Exception {
    String message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 51204Ki. ";
    ObjectNode s = StatusMerge.terminal(status("{'phase':'Running','conditions':[{'type':'Ready','status':'False'}],"
        + "'containerStatuses':[{'name':'a','state':{'terminated':{'exitCode':137,'reason':'Error'}}}]}"), "Failed",
        Instant.EPOCH);
    StatusMerge.evicted(s, message, Instant.EPOCH);
    StatusMerge.keepForeignConditions(s, status("{'conditions':[{'type':'DisruptionTarget','status':'True',"
        + "'reason':'EvictionByEvictionAPI'},{'type':'example.com/Gate','status':'True'}]}"));
    assertEquals("[Ready/False, DisruptionTarget/True, example.com/Gate/True]", types(s));
    assertEquals("Evicted", s.path("reason").asText());
    assertEquals(message, s.path("message").asText());
    io.fabric8.kubernetes.api.model.PodStatus api = io.dekube.core.model.Typed.from(status("{'phase':'Running',"
        + "'conditions':[{'type':'DisruptionTarget','status':'True','reason':'EvictionByEvictionAPI'}]}"),
        io.fabric8.kubernetes.api.model.PodStatus.class);
    io.fabric8.kubernetes.api.model.PodStatus merged = StatusMerge.merge(api, io.dekube.core.model.Typed.from(s,
        io.fabric8.kubernetes.api.model.PodStatus.class), Instant.EPOCH);
    assertEquals("Failed Evicted " + message, merged.getPhase() + " " + merged.getReason() + " " + merged.getMessage());
    var target = merged.getConditions().stream().filter(c -> c.getType().equals("DisruptionTarget")).toList();
    assertEquals(1, target.size());
    assertEquals("TerminationByKubelet", target.get(0).getReason());
    assertEquals(message, target.get(0).getMessage());
  }

  private static String types(ObjectNode s) {
    java.util.List<String> out = new java.util.ArrayList<>();
    s.path("conditions").forEach(c -> out.add(c.path("type").asText() + "/" + c.path("status").asText()));
    return out.toString();
  }
}
