package io.dekube.controllermanager.nodelifecycle;

import io.dekube.controllermanager.common.Times;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The taints kube's node lifecycle controller keeps on a node, as a pure function of the node:
 * <ul>
 *   <li>{@code NoExecute} from its Ready condition: {@code False} = {@code node.kubernetes.io/not-ready},
 *       {@code Unknown} = {@code node.kubernetes.io/unreachable} (the taint eviction counts
 *       tolerationSeconds from their {@code timeAdded});</li>
 *   <li>{@code NoSchedule} (kube's "taint nodes by condition") from the same Ready states and from
 *       MemoryPressure, DiskPressure, PIDPressure and NetworkUnavailable {@code True}
 *       ({@code node.kubernetes.io/memory-pressure}…), and {@code node.kubernetes.io/unschedulable}
 *       while {@code spec.unschedulable} is set (so {@code kubectl cordon} shows in
 *       {@code kubectl describe node}).</li>
 * </ul>
 * The NoExecute taint of a node not tainted yet is added only when its zone's queue lets it
 * ({@link NoExecuteGate}); the other changes are at once.
 * Every taint it adds carries {@code timeAdded}, as kube's {@code SwapNodeControllerTaint} sets it.
 * Until the node has a Ready condition, the condition taints are left as they are. Other taints are
 * left alone. Stateless.
 */
public final class NodeTaints {

  /** The key of the taint of a node whose Ready condition is False. */
  public static final String NOT_READY = "node.kubernetes.io/not-ready";
  /** The key of the taint of a node whose Ready condition is Unknown. */
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  /** The key of the taint of a cordoned node ({@code spec.unschedulable}). */
  public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
  static final String NO_EXECUTE = "NoExecute";
  static final String NO_SCHEDULE = "NoSchedule";

  /** kube's {@code nodeConditionToTaintKeyStatusMap}: condition type and status to taint key. */
  private static final Map<String, String> CONDITION_TAINTS = Map.of(
      "Ready=False", NOT_READY,
      "Ready=Unknown", UNREACHABLE,
      "MemoryPressure=True", "node.kubernetes.io/memory-pressure",
      "DiskPressure=True", "node.kubernetes.io/disk-pressure",
      "PIDPressure=True", "node.kubernetes.io/pid-pressure",
      "NetworkUnavailable=True", "node.kubernetes.io/network-unavailable");
  private static final Set<String> CONDITION_KEYS = Set.copyOf(CONDITION_TAINTS.values());

  private NodeTaints() {
  }

  /**
   * What may happen to a not-Ready node's NoExecute taint: added ({@code ADD}: the zone's queue let the node
   * out), kept or swapped between not-ready and unreachable but not added ({@code HOLD}: waiting in the queue,
   * as kube swaps at once and adds at the zone's rate), or taken off ({@code REMOVE}: master disruption mode).
   */
  public enum NoExecuteGate { ADD, HOLD, REMOVE }

  /** The node's taints as they should be; the same list (equal) when nothing changes. */
  public static List<Taint> reconcile(Node node, Instant now, NoExecuteGate gate) {
    List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
        : node.getSpec().getTaints();
    String ready = NodeHealth.ready(node);
    boolean judged = !ready.isEmpty();
    String noExecute = CONDITION_TAINTS.get("Ready=" + ready);
    Set<String> noSchedule = new LinkedHashSet<>();
    if (judged && node.getStatus() != null && node.getStatus().getConditions() != null) {
      for (NodeCondition c : node.getStatus().getConditions()) {
        String key = CONDITION_TAINTS.get(c.getType() + "=" + c.getStatus());
        if (key != null) {
          noSchedule.add(key);
        }
      }
    }
    if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
      noSchedule.add(UNSCHEDULABLE);
    }
    boolean tainted = notReadyTainted(current);
    List<Taint> out = new ArrayList<>();
    for (Taint t : current) {
      boolean keep = switch (managedBy(t)) {
        case NO_EXECUTE -> !judged || (gate != NoExecuteGate.REMOVE && t.getKey().equals(noExecute));
        case NO_SCHEDULE -> noSchedule.contains(t.getKey()) || (!judged && !UNSCHEDULABLE.equals(t.getKey()));
        default -> true;
      };
      if (keep) {
        out.add(t);
      }
    }
    if (judged && noExecute != null && (gate == NoExecuteGate.ADD || (gate == NoExecuteGate.HOLD && tainted))) {
      addMissing(out, noExecute, NO_EXECUTE, now);
    }
    noSchedule.forEach(key -> addMissing(out, key, NO_SCHEDULE, now));
    return out;
  }

  private static void addMissing(List<Taint> taints, String key, String effect, Instant now) {
    if (taints.stream().noneMatch(t -> key.equals(t.getKey()) && effect.equals(t.getEffect()))) {
      taints.add(new Taint(effect, key, Times.format(now), null));
    }
  }

  /** Which of the controller's passes owns the taint: NoExecute, NoSchedule, or "" (not the controller's). */
  private static String managedBy(Taint t) {
    if (NO_EXECUTE.equals(t.getEffect()) && (NOT_READY.equals(t.getKey()) || UNREACHABLE.equals(t.getKey()))) {
      return NO_EXECUTE;
    }
    if (NO_SCHEDULE.equals(t.getEffect()) && (CONDITION_KEYS.contains(t.getKey()) || UNSCHEDULABLE.equals(t.getKey()))) {
      return NO_SCHEDULE;
    }
    return "";
  }

  /** Whether the node carries the not-ready or unreachable NoExecute taint. */
  public static boolean notReadyTainted(List<Taint> taints) {
    return taints != null && taints.stream().anyMatch(t -> NO_EXECUTE.equals(managedBy(t)));
  }
}
