package io.dekube.core.model;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Objects;

/**
 * Whether tolerations tolerate taints, as Kubernetes matches them (the scheduler's TaintToleration,
 * the controller-manager's taint eviction). Stateless, any thread.
 */
public final class Tolerations {

  private Tolerations() {
  }

  /** The pod's tolerations (never null). */
  public static List<Toleration> of(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
  }

  /**
   * Whether one toleration tolerates a taint: effects match (an empty effect matches any), keys match
   * (an empty key with {@code Exists} matches any key), and with {@code Equal} (the default) values match.
   */
  public static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
    if (t.getKey() == null || t.getKey().isEmpty()) {
      return op.equals("Exists");
    }
    if (!t.getKey().equals(taint.getKey())) {
      return false;
    }
    return switch (op) {
      case "Exists" -> true;
      case "Equal" -> Objects.equals(emptyToNull(t.getValue()), emptyToNull(taint.getValue()));
      default -> false;
    };
  }

  /** Whether any toleration tolerates the taint. */
  public static boolean tolerated(List<Toleration> tolerations, Taint taint) {
    for (Toleration t : tolerations) {
      if (tolerates(t, taint)) {
        return true;
      }
    }
    return false;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
