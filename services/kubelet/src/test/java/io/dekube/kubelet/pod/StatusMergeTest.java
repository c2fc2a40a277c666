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

  private static String types(ObjectNode s) {
    java.util.List<String> out = new java.util.ArrayList<>();
    s.path("conditions").forEach(c -> out.add(c.path("type").asText() + "/" + c.path("status").asText()));
    return out.toString();
  }
}
