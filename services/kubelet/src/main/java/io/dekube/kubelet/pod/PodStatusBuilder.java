package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;

/**
 * A pod's status as the kubelet computes it from its container records: phase (Kubernetes'
 * getPhase rules), conditions (PodReadyToStartContainers, Initialized, Ready, ContainersReady,
 * PodScheduled), pod and host IPs, start time and container statuses. Condition transition times
 * are kept from the previous status when a condition did not change. Pure.
 */
public final class PodStatusBuilder {

  /**
   * The inputs: records of init containers, containers and ephemeral containers, in spec order, and the
   * pod's addresses. Ephemeral containers count for neither the phase nor readiness. {@code apiPhase}: the
   * terminal phase (Succeeded, Failed) another writer gave the pod in the API, which the status keeps whatever
   * the containers do (kube's generateAPIPodStatus: "API phase was terminal, updating phase to match"); else null.
   */
  public record Input(List<ContainerRecord> inits, List<ContainerRecord> containers, String restartPolicy,
                      String podIp, String hostIp, Instant startTime, boolean deleting,
                      List<ContainerRecord> ephemerals, String apiPhase) {
    /** Without a terminal phase from the API. */
    public Input(List<ContainerRecord> inits, List<ContainerRecord> containers, String restartPolicy, String podIp,
                 String hostIp, Instant startTime, boolean deleting, List<ContainerRecord> ephemerals) {
      this(inits, containers, restartPolicy, podIp, hostIp, startTime, deleting, ephemerals, null);
    }

    /** Without ephemeral containers. */
    public Input(List<ContainerRecord> inits, List<ContainerRecord> containers, String restartPolicy, String podIp,
                 String hostIp, Instant startTime, boolean deleting) {
      this(inits, containers, restartPolicy, podIp, hostIp, startTime, deleting, List.of());
    }
  }

  private PodStatusBuilder() {
  }

  public static ObjectNode build(Input in, JsonNode previous, Instant now) {
    ObjectNode s = Json.object();
    String phase = in.apiPhase() != null ? in.apiPhase() : phase(in);
    s.put("phase", phase);
    ArrayNode conditions = s.putArray("conditions");
    List<String> pendingInits = InitSequence.incomplete(in.inits(), in.containers());
    boolean initialized = pendingInits.isEmpty();
    // sidecars count for readiness, before the containers (kube's generateContainersReadyCondition)
    List<String> unready = Stream.concat(in.inits().stream().filter(c -> c.sidecar), in.containers().stream())
        .filter(c -> !(c.ready && c.running != null)).map(c -> c.name).toList();
    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
    // the sandbox goes with the pod's end; a pod made terminal by another writer keeps it until its containers stopped
    boolean sandbox = in.podIp() != null && (!terminal || in.apiPhase() != null);
    condition(conditions, previous, now, "PodReadyToStartContainers", sandbox, null, null);
    condition(conditions, previous, now, "Initialized", initialized, initialized ? null : "ContainersNotInitialized",
        "containers with incomplete status: " + pendingInits.toString().replace(",", ""));
    // kube's generateContainersReadyConditionForTerminalPhase: a terminal phase decides, whatever the containers do
    String notReadyReason = terminal ? terminalReason(phase) : "ContainersNotReady";
    String notReadyMessage = terminal ? null : "containers with unready status: " + unready.toString().replace(",", "");
    boolean ready = unready.isEmpty() && !terminal && !in.deleting();
    // kube's generateAPIPodStatus appends Ready before ContainersReady, so `kubectl describe pod` lists them so
    condition(conditions, previous, now, "Ready", ready, notReadyReason, notReadyMessage);
    condition(conditions, previous, now, "ContainersReady", ready, notReadyReason, notReadyMessage);
    condition(conditions, previous, now, "PodScheduled", true, null, null);
    if (in.hostIp() != null) {
      s.put("hostIP", in.hostIp());
      s.putArray("hostIPs").addObject().put("ip", in.hostIp());
    }
    if (in.podIp() != null) {
      s.put("podIP", in.podIp());
      s.putArray("podIPs").addObject().put("ip", in.podIp());
    }
    if (in.startTime() != null) {
      s.put("startTime", time(in.startTime()));
    }
    if (!in.inits().isEmpty()) {
      ArrayNode inits = s.putArray("initContainerStatuses");
      in.inits().forEach(c -> inits.add(containerStatus(c)));
    }
    // init containers in the spec's order, the others by name, as kube's convertToAPIContainerStatuses sorts them
    // (SortedContainerStatuses): "two-containers" lists debian-container before nginx-container
    ArrayNode statuses = s.putArray("containerStatuses");
    byName(in.containers()).forEach(c -> statuses.add(containerStatus(c)));
    if (!in.ephemerals().isEmpty()) {
      ArrayNode ephemerals = s.putArray("ephemeralContainerStatuses");
      byName(in.ephemerals()).forEach(c -> ephemerals.add(containerStatus(c)));
    }
    s.put("qosClass", previous.path("qosClass").asText("BestEffort"));
    return s;
  }

  /** The reason of a terminal pod's Ready and ContainersReady conditions: {@code PodFailed}, {@code PodCompleted}. */
  static String terminalReason(String phase) {
    return "Failed".equals(phase) ? "PodFailed" : "PodCompleted";
  }

  private static Stream<ContainerRecord> byName(List<ContainerRecord> records) {
    return records.stream().sorted(java.util.Comparator.comparing(c -> c.name));
  }

  /**
   * Kubernetes' pod phase from the container states and the restart policy. Sidecars count as running
   * while they run, and not at all once stopped: a pod whose containers all ended for good is Running
   * until its sidecars are stopped, then Succeeded or Failed by its containers alone.
   */
  public static String phase(Input in) {
    String phase = workPhase(in);
    boolean sidecarsRun = in.inits().stream().anyMatch(c -> c.sidecar && c.running != null);
    return sidecarsRun && (phase.equals("Succeeded") || phase.equals("Failed")) ? "Running" : phase;
  }

  /**
   * Whether the pod's work is over, its restart policy being Never or OnFailure: a regular init container or
   * its containers ended for good (its phase without the sidecars is Succeeded or Failed). Its sidecars are
   * then stopped and not restarted, as kube's kubelet kills such a pod.
   */
  public static boolean finished(Input in) {
    String phase = workPhase(in);
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  private static String workPhase(Input in) {
    if (!InitSequence.initialized(in.inits(), in.containers())) {
      for (ContainerRecord c : in.inits()) {
        if (c.sidecar || c.succeeded()) {
          continue;
        }
        boolean failed = c.running == null && c.terminated != null && c.terminated.exitCode() != 0;
        return failed && "Never".equals(in.restartPolicy()) ? "Failed" : "Pending";
      }
      return "Pending"; // a sidecar has not started yet
    }
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (ContainerRecord c : in.containers()) {
      if (c.runningStarted()) {
        running++;
      } else if (c.terminated != null && c.restartAt == null) {
        stopped++;
        if (c.terminated.exitCode() == 0) {
          succeeded++;
        }
      } else if (c.last != null || c.terminated != null) {
        stopped++;
      } else {
        waiting++;
      }
    }
    int total = in.containers().size();
    if (waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped == total && total > 0) {
      return switch (in.restartPolicy()) {
        case "Never" -> succeeded == total ? "Succeeded" : "Failed";
        case "OnFailure" -> succeeded == total ? "Succeeded" : "Running";
        default -> "Running";
      };
    }
    return "Pending";
  }

  /**
   * A container's mounts as kube 1.32's kubelet reports them in its status (RecursiveReadOnlyMounts, beta and on):
   * name, mountPath, readOnly, and for a read-only mount its {@code recursiveReadOnly} — {@code Enabled} when asked
   * for ({@code Enabled}, or {@code IfPossible}: the runtime supports it), else {@code Disabled}; null when none.
   */
  static ArrayNode volumeMounts(List<io.fabric8.kubernetes.api.model.VolumeMount> mounts) {
    if (mounts == null || mounts.isEmpty()) {
      return null;
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (var m : mounts) {
      ObjectNode o = out.addObject().put("name", m.getName()).put("mountPath", m.getMountPath());
      if (Boolean.TRUE.equals(m.getReadOnly())) {
        String rro = m.getRecursiveReadOnly();
        o.put("readOnly", true).put("recursiveReadOnly",
            "Enabled".equals(rro) || "IfPossible".equals(rro) ? "Enabled" : "Disabled");
      }
    }
    return out;
  }

  static ObjectNode containerStatus(ContainerRecord c) {
    ObjectNode s = Json.object().put("name", c.name);
    ObjectNode state = s.putObject("state");
    if (c.runningStarted()) {
      state.putObject("running").put("startedAt", time(c.startedAt));
    } else if (c.terminated != null && (c.restartAt == null || c.endShown)) {
      state.set("terminated", terminated(c.terminated));
    } else {
      ObjectNode w = state.putObject("waiting").put("reason", c.waitingReason);
      if (c.waitingMessage != null) {
        w.put("message", c.waitingMessage);
      }
    }
    ObjectNode last = s.putObject("lastState");
    ContainerRecord.Terminated prev = c.running == null && c.terminated != null && c.restartAt != null && !c.endShown
        ? c.terminated : c.last;
    if (prev != null) {
      last.set("terminated", terminated(prev));
    }
    // an init container that ended successfully is ready (kube's prober manager); a sidecar as a container
    boolean ready = c.ready && c.running != null || c.init && !c.sidecar && c.succeeded();
    // a container that ran shows its image as the runtime names it (docker.io/library/nginx:latest); one that never
    // ran, the spec's
    boolean ran = c.imageId != null && !c.imageId.isEmpty();
    s.put("ready", ready).put("restartCount", c.restartCount)
        .put("image", ran ? io.dekube.kubelet.runtime.ImageRef.normalized(c.image) : c.image)
        .put("imageID", ran ? c.imageId : "");
    if (c.containerId != null) {
      s.put("containerID", c.containerId);
    }
    s.put("started", c.running != null && c.started);
    if (c.volumeMounts != null) {
      s.set("volumeMounts", c.volumeMounts.deepCopy());
    }
    return s;
  }

  private static ObjectNode terminated(ContainerRecord.Terminated t) {
    ObjectNode o = Json.object().put("exitCode", t.exitCode()).put("reason", t.reason());
    if (t.message() != null) {
      o.put("message", t.message());
    }
    if (t.startedAt() != null) {
      o.put("startedAt", time(t.startedAt()));
    }
    o.put("finishedAt", time(t.finishedAt()));
    if (t.containerId() != null) {
      o.put("containerID", t.containerId());
    }
    return o;
  }

  private static void condition(ArrayNode list, JsonNode previous, Instant now, String type, boolean ok,
                                String reason, String message) {
    String status = ok ? "True" : "False";
    String since = time(now);
    for (JsonNode p : previous.path("conditions")) {
      if (type.equals(p.path("type").asText()) && status.equals(p.path("status").asText())
          && p.hasNonNull("lastTransitionTime")) {
        since = p.path("lastTransitionTime").asText();
      }
    }
    ObjectNode c = list.addObject().put("type", type).put("status", status).putNull("lastProbeTime")
        .put("lastTransitionTime", since);
    if (!ok && reason != null) {
      c.put("reason", reason);
      if (message != null) {
        c.put("message", message);
      }
    }
  }

  static String time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
