package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The pods table: {@code NAME READY STATUS RESTARTS AGE}, wide {@code IP NODE NOMINATED NODE
 * READINESS GATES}, with kubectl's reading of container states into STATUS ({@code Running},
 * {@code ContainerCreating}, {@code Init:0/1}, {@code CrashLoopBackOff}, {@code Terminating}...).
 * Pure and thread-safe.
 */
final class PodPrinter implements TablePrinter {

  private static final List<Column> COLUMNS = List.of(
      Column.NAME,
      Column.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
      Column.string("Status", "The aggregate status of the containers in this pod."),
      Column.string("Restarts", "The number of times the containers in this pod have been restarted and when the"
          + " last container in this pod has restarted."),
      Column.AGE,
      Column.wide("IP", "IP address allocated to the pod. Routable at least within the cluster."),
      Column.wide("Node", "The name of the node this pod is scheduled onto."),
      Column.wide("Nominated Node", "The node the scheduler nominated for this pod while preempting others."),
      Column.wide("Readiness Gates", "Readiness gate conditions that are true, out of all the pod's gates."));

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(ObjectNode pod, Instant now) {
    State s = new State(pod);
    s.readInitContainers();
    if (!s.initializing || initializedTrue(pod)) {
      s.readContainers();
    }
    String reason = s.reason;
    if (at(pod, "metadata", "deletionTimestamp").isTextual()) {
      String phase = str(pod, "status", "phase");
      if ("NodeLost".equals(str(pod, "status", "reason"))) {
        reason = "Unknown";
      } else if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
        reason = "Terminating";
      }
    }
    String restarts = Long.toString(s.restarts);
    if (s.restarts != 0 && s.lastRestart != null) {
      restarts = s.restarts + " (" + Cells.since(s.lastRestart.toString(), now) + " ago)";
    }
    return List.of(Cells.name(pod), s.ready + "/" + s.total, reason, restarts, Cells.age(pod, now),
        orNone(podIp(pod)), orNone(str(pod, "spec", "nodeName")), orNone(str(pod, "status", "nominatedNodeName")),
        readinessGates(pod));
  }

  @Override
  public ArrayNode conditions(ObjectNode pod) {
    String phase = str(pod, "status", "phase");
    if (!phase.equals("Succeeded") && !phase.equals("Failed")) {
      return null;
    }
    ArrayNode a = Json.MAPPER.createArrayNode();
    a.addObject().put("type", "Completed").put("status", "True").put("reason", phase)
        .put("message", phase.equals("Succeeded") ? "The pod has completed successfully." : "The pod failed.");
    return a;
  }

  /** The running tally while reading container statuses. */
  private static final class State {
    private final ObjectNode pod;
    private final Set<String> restartableInits = new HashSet<>();
    private String reason;
    private long restarts;
    private long restartableRestarts;
    private int ready;
    private int total;
    private boolean initializing;
    private Instant lastRestart;
    private Instant lastRestartableRestart;

    State(ObjectNode pod) {
      this.pod = pod;
      this.total = at(pod, "spec", "containers").size();
      String phase = str(pod, "status", "phase");
      this.reason = str(pod, "status", "reason").isEmpty() ? phase : str(pod, "status", "reason");
      for (JsonNode c : at(pod, "status", "conditions")) {
        if ("PodScheduled".equals(c.path("type").asText()) && "SchedulingGated".equals(c.path("reason").asText())) {
          reason = "SchedulingGated";
        }
      }
      for (JsonNode c : at(pod, "spec", "initContainers")) {
        if ("Always".equals(c.path("restartPolicy").asText())) {
          restartableInits.add(c.path("name").asText());
          total++;
        }
      }
    }

    void readInitContainers() {
      JsonNode statuses = at(pod, "status", "initContainerStatuses");
      int inits = at(pod, "spec", "initContainers").size();
      for (int i = 0; i < statuses.size(); i++) {
        JsonNode c = statuses.get(i);
        boolean restartable = restartableInits.contains(c.path("name").asText());
        restarts += c.path("restartCount").asLong();
        Instant finished = Cells.parseTime(str(c, "lastState", "terminated", "finishedAt"));
        lastRestart = later(lastRestart, finished);
        if (restartable) {
          restartableRestarts += c.path("restartCount").asLong();
          lastRestartableRestart = later(lastRestartableRestart, finished);
        }
        JsonNode terminated = at(c, "state", "terminated");
        JsonNode waiting = at(c, "state", "waiting");
        if (terminated.isObject() && terminated.path("exitCode").asInt() == 0) {
          continue;
        }
        if (restartable && c.path("started").asBoolean(false)) {
          if (c.path("ready").asBoolean(false)) {
            ready++;
          }
          continue;
        }
        if (terminated.isObject()) {
          reason = terminatedReason("Init:", terminated);
        } else if (!waiting.path("reason").asText("").isEmpty()
            && !"PodInitializing".equals(waiting.path("reason").asText())) {
          reason = "Init:" + waiting.path("reason").asText();
        } else {
          reason = "Init:" + i + "/" + inits;
        }
        initializing = true;
        break;
      }
    }

    void readContainers() {
      restarts = restartableRestarts;
      lastRestart = lastRestartableRestart;
      boolean hasRunning = false;
      JsonNode statuses = at(pod, "status", "containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode c = statuses.get(i);
        restarts += c.path("restartCount").asLong();
        lastRestart = later(lastRestart, Cells.parseTime(str(c, "lastState", "terminated", "finishedAt")));
        JsonNode waiting = at(c, "state", "waiting");
        JsonNode terminated = at(c, "state", "terminated");
        if (!waiting.path("reason").asText("").isEmpty()) {
          reason = waiting.path("reason").asText();
        } else if (terminated.isObject()) {
          reason = terminatedReason("", terminated);
        } else if (c.path("ready").asBoolean(false) && at(c, "state", "running").isObject()) {
          hasRunning = true;
          ready++;
        }
      }
      if ("Completed".equals(reason) && hasRunning) {
        reason = Cells.conditionTrue(pod, "Ready") ? "Running" : "NotReady";
      }
    }

    private static String terminatedReason(String prefix, JsonNode terminated) {
      if (!terminated.path("reason").asText("").isEmpty()) {
        return prefix + terminated.path("reason").asText();
      }
      return terminated.path("signal").asInt() != 0 ? prefix + "Signal:" + terminated.path("signal").asInt()
          : prefix + "ExitCode:" + terminated.path("exitCode").asInt();
    }

    private static Instant later(Instant a, Instant b) {
      return b == null || a != null && !a.isBefore(b) ? a : b;
    }
  }

  private static boolean initializedTrue(ObjectNode pod) {
    for (JsonNode c : at(pod, "status", "conditions")) {
      if ("Initialized".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  private static String podIp(ObjectNode pod) {
    JsonNode ips = at(pod, "status", "podIPs");
    if (ips.size() > 0) {
      return ips.get(0).path("ip").asText("");
    }
    return str(pod, "status", "podIP");
  }

  private static String readinessGates(ObjectNode pod) {
    JsonNode gates = at(pod, "spec", "readinessGates");
    if (gates.size() == 0) {
      return "<none>";
    }
    int trueCount = 0;
    for (JsonNode g : gates) {
      for (JsonNode c : at(pod, "status", "conditions")) {
        if (c.path("type").asText().equals(g.path("conditionType").asText())) {
          if ("True".equals(c.path("status").asText())) {
            trueCount++;
          }
          break;
        }
      }
    }
    return trueCount + "/" + gates.size();
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "<none>" : s;
  }
}
