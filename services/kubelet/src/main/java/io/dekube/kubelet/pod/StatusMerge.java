package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Set;

/**
 * Two rules of kube's kubelet status manager on top of {@link PodStatusBuilder}: the pod conditions
 * the kubelet does not own ({@code DisruptionTarget}, readiness gates…) are kept from the stored
 * status ({@code mergePodStatus}); and a pod whose containers stopped for its deletion ends in a
 * terminal phase before it goes ({@code TerminatePod}) — Succeeded when every container exited 0,
 * else Failed, a container without an end recorded counting as exit code 137
 * {@code ContainerStatusUnknown} — so that a Job's podFailurePolicy and podReplacementPolicy see it
 * fail. Pure.
 */
final class StatusMerge {

  /** The condition types the kubelet writes itself. */
  static final Set<String> OWNED = Set.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready",
      "PodScheduled");

  private StatusMerge() {
  }

  /** Appends to {@code status} the stored conditions of types the kubelet does not own. */
  static ObjectNode keepForeignConditions(ObjectNode status, JsonNode stored) {
    ArrayNode conditions = status.withArray("conditions");
    for (JsonNode c : stored.path("conditions")) {
      if (!OWNED.contains(c.path("type").asText())) {
        conditions.add(c.deepCopy());
      }
    }
    return status;
  }

  /** Turns the status of a pod whose containers stopped for its deletion into its terminal status. */
  static ObjectNode terminal(ObjectNode status, Instant now) {
    String phase = status.path("phase").asText();
    if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
      status.put("phase", allExitedZero(status) ? "Succeeded" : "Failed");
    }
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode c : status.path(list)) {
        if (!c.path("state").has("terminated")) {
          ObjectNode state = ((ObjectNode) c).putObject("state");
          state.putObject("terminated").put("exitCode", 137).put("reason", "ContainerStatusUnknown")
              .put("message", "The container could not be located when the pod was terminated");
        }
      }
    }
    for (JsonNode c : status.path("conditions")) {
      String type = c.path("type").asText();
      if ((type.equals("Ready") || type.equals("ContainersReady")) && c.path("status").asText().equals("False")) {
        ((ObjectNode) c).put("reason", "PodCompleted").remove("message");
      } else if (type.equals("PodReadyToStartContainers") && c.path("status").asText().equals("True")) {
        ((ObjectNode) c).put("status", "False").put("lastTransitionTime", PodStatusBuilder.time(now));
      }
    }
    return status;
  }

  /** Whether every app container exited 0 (init containers, sidecars among them, do not decide it). */
  private static boolean allExitedZero(JsonNode status) {
    for (JsonNode c : status.path("containerStatuses")) {
      JsonNode t = c.path("state").path("terminated");
      if (t.isMissingNode() || t.path("exitCode").asInt(-1) != 0) {
        return false;
      }
    }
    return status.path("containerStatuses").size() > 0;
  }
}
