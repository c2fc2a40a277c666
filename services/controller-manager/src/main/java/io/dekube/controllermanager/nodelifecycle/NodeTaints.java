package io.dekube.controllermanager.nodelifecycle;

import io.dekube.controllermanager.common.Times;
import io.fabric8.kubernetes.api.model.Taint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The taints kube's node lifecycle controller keeps on a node from its Ready condition, as a pure
 * function: Ready {@code False} = {@code node.kubernetes.io/not-ready}, {@code Unknown} =
 * {@code node.kubernetes.io/unreachable}, each as {@code NoExecute} (with {@code timeAdded}, which
 * the taint eviction counts tolerationSeconds from) and {@code NoSchedule} (so the scheduler places
 * nothing new there); Ready {@code True} = neither. Other taints are left alone. Stateless.
 */
public final class NodeTaints {

  /** The key of the taint of a node whose Ready condition is False. */
  public static final String NOT_READY = "node.kubernetes.io/not-ready";
  /** The key of the taint of a node whose Ready condition is Unknown. */
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  static final String NO_EXECUTE = "NoExecute";
  static final String NO_SCHEDULE = "NoSchedule";

  private NodeTaints() {
  }

  /**
   * The node's taints as they should be for its Ready status; the same list (equal) when nothing
   * changes, as when the node has no Ready condition yet ({@code ready} "").
   */
  public static List<Taint> reconcile(List<Taint> current, String ready, Instant now) {
    if (ready.isEmpty()) {
      return current == null ? List.of() : current;
    }
    String wanted = switch (ready) {
      case "True" -> null;
      case "False" -> NOT_READY;
      default -> UNREACHABLE;
    };
    List<Taint> out = new ArrayList<>();
    for (Taint t : current == null ? List.<Taint>of() : current) {
      if (!controllerTaint(t) || t.getKey().equals(wanted)) {
        out.add(t);
      }
    }
    if (wanted != null) {
      for (String effect : List.of(NO_EXECUTE, NO_SCHEDULE)) {
        if (out.stream().noneMatch(t -> wanted.equals(t.getKey()) && effect.equals(t.getEffect()))) {
          out.add(new Taint(effect, wanted, effect.equals(NO_EXECUTE) ? Times.format(now) : null, null));
        }
      }
    }
    return out;
  }

  /** Whether the node carries the not-ready or unreachable NoExecute taint. */
  public static boolean notReadyTainted(List<Taint> taints) {
    return taints != null && taints.stream().anyMatch(t -> NO_EXECUTE.equals(t.getEffect()) && controllerTaint(t));
  }

  private static boolean controllerTaint(Taint t) {
    return (NOT_READY.equals(t.getKey()) || UNREACHABLE.equals(t.getKey()))
        && (NO_EXECUTE.equals(t.getEffect()) || NO_SCHEDULE.equals(t.getEffect()));
  }
}
