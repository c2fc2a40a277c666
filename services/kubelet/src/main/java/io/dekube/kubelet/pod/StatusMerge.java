package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Two rules of kube's kubelet status manager on top of {@link PodStatusBuilder}: the pod conditions
 * the kubelet does not own ({@code DisruptionTarget}, readiness gates…) are kept from the stored
 * status ({@code mergePodStatus}); and a pod whose containers stopped for its deletion ends in a
 * terminal phase before it goes ({@code TerminatePod}) — Succeeded when every container exited 0,
 * else Failed, a container without an end recorded counting as exit code 137
 * {@code ContainerStatusUnknown} — so that a Job's podFailurePolicy and podReplacementPolicy see it
 * fail. On typed statuses, what the status manager does before it writes ({@link #merge}, {@link
 * #keepTerminalPhase}, {@link #equalByKubelet}). Pure.
 */
final class StatusMerge {

  /**
   * The condition types the kubelet writes itself: kube's {@code PodConditionsByKubelet} (PodScheduled, Ready,
   * Initialized, ContainersReady; PodScheduled too, which the kubelet reports True from the pod it runs) and
   * PodReadyToStartContainers (its feature gate is on by default in 1.32).
   */
  static final Set<String> OWNED = Set.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready",
      "PodScheduled");

  private StatusMerge() {
  }

  /** Appends to {@code status} the stored conditions of types the kubelet does not own. */
  static ObjectNode keepForeignConditions(ObjectNode status, JsonNode stored) {
    ArrayNode conditions = status.withArray("conditions");
    for (JsonNode c : stored.path("conditions")) {
      String type = c.path("type").asText();
      if (!OWNED.contains(type) && !(type.equals(DISRUPTION_TARGET) && has(conditions, type))) {
        conditions.add(c.deepCopy());
      }
    }
    return status;
  }

  private static boolean has(ArrayNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Turns the status of a pod whose containers stopped for its deletion into its terminal status. */
  static ObjectNode terminal(ObjectNode status, Instant now) {
    return terminal(status, null, now);
  }

  /**
   * Turns the status of a pod whose containers stopped into its terminal status (kube's {@code TerminatePod}):
   * {@code phase} when given (the terminal phase another writer set), else the one it has when terminal, else
   * Succeeded or Failed by the exit codes; Ready and ContainersReady False with that phase's reason.
   */
  static ObjectNode terminal(ObjectNode status, String phase, Instant now) {
    if (phase != null) {
      status.put("phase", phase);
    } else if (!terminal(status.path("phase").asText())) {
      status.put("phase", allExitedZero(status) ? "Succeeded" : "Failed");
    }
    String reason = PodStatusBuilder.terminalReason(status.path("phase").asText());
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
        ((ObjectNode) c).put("reason", reason).remove("message");
      } else if (type.equals("PodReadyToStartContainers") && c.path("status").asText().equals("True")) {
        ((ObjectNode) c).put("status", "False").put("lastTransitionTime", PodStatusBuilder.time(now));
      }
    }
    return status;
  }

  /**
   * The terminal status of a pod the node's eviction manager evicted (kube's eviction status function): reason
   * {@code Evicted}, its message, and the {@code DisruptionTarget} condition ({@code TerminationByKubelet}, the same
   * message), which the status manager sends with the terminal phase ({@link #merge}).
   */
  static ObjectNode evicted(ObjectNode status, String message, Instant now) {
    status.put("reason", "Evicted").put("message", message);
    ArrayNode conditions = status.withArray("conditions");
    for (int i = conditions.size() - 1; i >= 0; i--) {
      if (DISRUPTION_TARGET.equals(conditions.get(i).path("type").asText())) {
        conditions.remove(i);
      }
    }
    conditions.addObject().put("type", DISRUPTION_TARGET).put("status", "True")
        .put("lastTransitionTime", PodStatusBuilder.time(now)).put("reason", "TerminationByKubelet")
        .put("message", message);
    return status;
  }

  /** The condition kube's kubelet shares with other writers ({@code PodConditionSharedByKubelet}). */
  static final String DISRUPTION_TARGET = "DisruptionTarget";

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

  /**
   * kube's {@code mergePodStatus}: the status to write over the API's {@code api}. The kubelet's own fields
   * (phase, reason and message, its conditions, addresses, start time, container statuses, QoS class) come
   * from {@code kubelet}; the conditions of other types and every field the kubelet never sets (nominated
   * node, resource claims, resize…) stay as the API has them; a terminal phase the API has is kept; once
   * the phase is terminal, Ready and ContainersReady are False ({@code PodFailed} / {@code PodCompleted}).
   * Changes and answers {@code api} (the caller's own copy: a deep copy would cost as much as the rest).
   */
  static PodStatus merge(PodStatus api, PodStatus kubelet, Instant now) {
    PodStatus merged = api;
    String apiPhase = api.getPhase();
    String apiReason = api.getReason();
    String apiMessage = api.getMessage();
    List<PodCondition> conditions = new ArrayList<>();
    for (PodCondition c : list(api.getConditions())) {
      if (!owned(c)) {
        conditions.add(c);
      }
    }
    for (PodCondition c : list(kubelet.getConditions())) {
      if (owned(c)) {
        conditions.add(c);
      } else if (DISRUPTION_TARGET.equals(c.getType()) && terminal(kubelet.getPhase())) {
        // kube's "shared by kubelet" condition: the kubelet's replaces the API's, sent with the terminal phase
        conditions.removeIf(o -> DISRUPTION_TARGET.equals(o.getType()));
        conditions.add(c);
      }
    }
    merged.setConditions(conditions);
    merged.setPhase(kubelet.getPhase());
    merged.setHostIP(kubelet.getHostIP());
    merged.setHostIPs(kubelet.getHostIPs());
    merged.setPodIP(kubelet.getPodIP());
    merged.setPodIPs(kubelet.getPodIPs());
    merged.setStartTime(kubelet.getStartTime());
    merged.setInitContainerStatuses(kubelet.getInitContainerStatuses());
    merged.setContainerStatuses(kubelet.getContainerStatuses());
    merged.setEphemeralContainerStatuses(kubelet.getEphemeralContainerStatuses());
    merged.setQosClass(kubelet.getQosClass() != null ? kubelet.getQosClass() : api.getQosClass());
    if (terminal(apiPhase) && !apiPhase.equals(merged.getPhase())) {
      merged.setPhase(apiPhase); // kube's "API phase was terminal, updating phase to match"
    }
    if (Objects.equals(merged.getPhase(), apiPhase) && isEmpty(kubelet.getReason()) && isEmpty(kubelet.getMessage())) {
      merged.setReason(apiReason); // the reason and message that go with the phase stay with it
      merged.setMessage(apiMessage);
    } else {
      merged.setReason(kubelet.getReason());
      merged.setMessage(kubelet.getMessage());
    }
    if (terminal(merged.getPhase())) {
      String reason = PodStatusBuilder.terminalReason(merged.getPhase());
      for (PodCondition c : merged.getConditions()) {
        if (("Ready".equals(c.getType()) || "ContainersReady".equals(c.getType())) && "True".equals(c.getStatus())) {
          int i = merged.getConditions().indexOf(c);
          merged.getConditions().set(i, new PodCondition(null, PodStatusBuilder.time(now), null, null, reason,
              "False", c.getType()));
        }
      }
    }
    return merged;
  }

  /**
   * A terminal phase never moves back (kube's generateAPIPodStatus: "Status manager phase was terminal,
   * updating phase to match"): when {@code before} is Succeeded or Failed, {@code next} keeps that phase.
   * Answers whether it changed {@code next}.
   */
  static boolean keepTerminalPhase(PodStatus before, PodStatus next) {
    if (before == null || !terminal(before.getPhase()) || before.getPhase().equals(next.getPhase())) {
      return false;
    }
    next.setPhase(before.getPhase());
    return true;
  }

  /**
   * kube's {@code isPodStatusByKubeletEqual}: the same status as far as the kubelet writes it — its own
   * conditions by status, reason and message (not their times), and every other field the kubelet sets.
   */
  static boolean equalByKubelet(PodStatus a, PodStatus b) {
    List<PodCondition> ours = owned(a);
    List<PodCondition> theirs = owned(b);
    if (ours.size() != theirs.size()) {
      return false;
    }
    for (PodCondition c : ours) {
      PodCondition o = theirs.stream().filter(t -> c.getType().equals(t.getType())).findFirst().orElse(null);
      if (o == null || !Objects.equals(c.getStatus(), o.getStatus()) || !Objects.equals(c.getReason(), o.getReason())
          || !Objects.equals(c.getMessage(), o.getMessage())) {
        return false;
      }
    }
    return Objects.equals(a.getPhase(), b.getPhase()) && Objects.equals(a.getReason(), b.getReason())
        && Objects.equals(a.getMessage(), b.getMessage()) && Objects.equals(a.getHostIP(), b.getHostIP())
        && Objects.equals(a.getHostIPs(), b.getHostIPs()) && Objects.equals(a.getPodIP(), b.getPodIP())
        && Objects.equals(a.getPodIPs(), b.getPodIPs()) && Objects.equals(a.getStartTime(), b.getStartTime())
        && Objects.equals(a.getInitContainerStatuses(), b.getInitContainerStatuses())
        && Objects.equals(a.getContainerStatuses(), b.getContainerStatuses())
        && Objects.equals(a.getEphemeralContainerStatuses(), b.getEphemeralContainerStatuses())
        && Objects.equals(a.getQosClass(), b.getQosClass());
  }

  private static List<PodCondition> owned(PodStatus s) {
    return list(s.getConditions()).stream().filter(StatusMerge::owned).toList();
  }

  private static boolean owned(PodCondition c) {
    return c.getType() != null && OWNED.contains(c.getType());
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  static boolean terminal(String phase) {
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
