package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * What a new pod worker takes over from the pod's stored status (after the kubelet restarted, or the pod
 * got a new worker): the containers' restart counts, and which ephemeral containers ran already. Pure.
 */
final class RestoredRecords {

  private RestoredRecords() {
  }

  /**
   * Takes the restart counts of the containers from the pod's status, and marks the ephemeral containers
   * that already ran as ended.
   */
  static void restore(ObjectNode t, List<ContainerRecord> containers, List<ContainerRecord> ephemerals) {
    for (var s : t.path("status").path("containerStatuses")) {
      ContainerRecord r = containers.stream().filter(c -> c.name.equals(s.path("name").asText())).findFirst()
          .orElse(null);
      if (r != null) {
        r.restartCount = s.path("restartCount").asInt(0);
      }
    }
    // an ephemeral container runs once: one that ran before this kubelet (re)started is not run again
    for (var s : t.path("status").path("ephemeralContainerStatuses")) {
      ContainerRecord r = ephemerals.stream().filter(c -> c.name.equals(s.path("name").asText())).findFirst()
          .orElse(null);
      var state = s.path("state");
      if (r != null && (state.has("terminated") || state.has("running"))) {
        var ended = state.path("terminated");
        r.terminated = new ContainerRecord.Terminated(ended.path("exitCode").asInt(137),
            ended.path("reason").asText("Error"), null, instant(ended.path("startedAt").asText("")),
            instant(ended.path("finishedAt").asText("")), s.path("containerID").asText(null));
      }
    }
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.now();
    }
  }
}
