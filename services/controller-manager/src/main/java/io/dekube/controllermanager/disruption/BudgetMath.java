package io.dekube.controllermanager.disruption;

import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * The numbers of a disruption budget, as kube's disruption controller computes them. Pure.
 */
final class BudgetMath {

  private BudgetMath() {
  }

  /** desiredHealthy and expectedPods of a budget; {@code scale} is the owners' summed scale (-1: unknown). */
  record Counts(int desiredHealthy, int expectedPods) {
  }

  /**
   * kube's {@code getExpectedPodCount}: an integer minAvailable counts the selected pods; a percentage
   * minAvailable or any maxUnavailable is taken of the owning controllers' scale, rounded up.
   *
   * @param selectedPods how many pods the budget selects
   * @param scale        the summed scale of the pods' controllers (used only when needed)
   */
  static Counts counts(IntOrString minAvailable, IntOrString maxUnavailable, int selectedPods, int scale) {
    if (maxUnavailable != null) {
      int max = scaled(maxUnavailable, scale);
      return new Counts(Math.max(0, scale - max), scale);
    }
    if (minAvailable != null) {
      if (minAvailable.getStrVal() == null) {
        return new Counts(minAvailable.getIntVal(), selectedPods);
      }
      return new Counts(scaled(minAvailable, scale), scale);
    }
    return new Counts(0, selectedPods);
  }

  /** Whether the budget needs the controllers' scale (a percentage or maxUnavailable). */
  static boolean needsScale(IntOrString minAvailable, IntOrString maxUnavailable) {
    return maxUnavailable != null || (minAvailable != null && minAvailable.getStrVal() != null);
  }

  /** kube's {@code GetScaledValueFromIntOrPercent} rounding up. */
  static int scaled(IntOrString v, int total) {
    if (v.getStrVal() == null) {
      return v.getIntVal() == null ? 0 : v.getIntVal();
    }
    String s = v.getStrVal().trim();
    int pct = Integer.parseInt(s.substring(0, s.length() - 1));
    return (int) Math.ceil(pct * (double) total / 100.0);
  }

  /** disruptionsAllowed: healthy above desired, never negative, and 0 when no pod is expected. */
  static int allowed(int currentHealthy, int desiredHealthy, int expectedPods) {
    int allowed = currentHealthy - desiredHealthy;
    return expectedPods <= 0 || allowed <= 0 ? 0 : allowed;
  }
}
