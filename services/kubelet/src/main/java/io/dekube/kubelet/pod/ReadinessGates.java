package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's pod readiness gates (GeneratePodReadyCondition): once the containers are ready, the pod is Ready only
 * when the condition each of {@code spec.readinessGates} names is in the status and True; otherwise Ready is
 * False with reason {@value #REASON} and one message per gate joined by ", ". The gate conditions are written by
 * others (a controller, {@code kubectl patch --subresource=status}) and kept by {@link StatusMerge}. Pure.
 */
final class ReadinessGates {

  static final String REASON = "ReadinessGatesNotReady";

  private ReadinessGates() {
  }

  /**
   * Turns a True Ready condition of {@code status} (which already holds the foreign conditions) False when a gate
   * is not satisfied; its transition time is kept from {@code previous} when Ready was already False there.
   */
  static ObjectNode apply(ObjectNode status, List<PodReadinessGate> gates, JsonNode previous, Instant now) {
    if (gates == null || gates.isEmpty()) {
      return status;
    }
    ObjectNode ready = condition(status, "Ready");
    if (ready == null || !"True".equals(ready.path("status").asText())) {
      return status; // not ready for the containers' sake: their reason stays (kube returns ContainersReady's)
    }
    String message = unready(gates, status);
    if (message == null) {
      return status;
    }
    JsonNode before = condition(previous, "Ready");
    String since = before != null && "False".equals(before.path("status").asText())
        && before.hasNonNull("lastTransitionTime") ? before.path("lastTransitionTime").asText() : PodStatusBuilder.time(now);
    ready.put("status", "False").put("lastTransitionTime", since).put("reason", REASON).put("message", message);
    return status;
  }

  /** kube's message for the gates that are not satisfied, null when all are. */
  static String unready(List<PodReadinessGate> gates, JsonNode status) {
    List<String> messages = new ArrayList<>();
    for (PodReadinessGate g : gates) {
      JsonNode c = condition(status, g.getConditionType());
      if (c == null) {
        messages.add("corresponding condition of pod readiness gate \"" + g.getConditionType() + "\" does not exist.");
      } else if (!"True".equals(c.path("status").asText())) {
        messages.add("the status of pod readiness gate \"" + g.getConditionType() + "\" is not \"True\", but "
            + c.path("status").asText());
      }
    }
    return messages.isEmpty() ? null : String.join(", ", messages);
  }

  private static ObjectNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText()) && c instanceof ObjectNode o) {
        return o;
      }
    }
    return null;
  }
}
