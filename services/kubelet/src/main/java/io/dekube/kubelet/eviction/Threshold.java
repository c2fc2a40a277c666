package io.dekube.kubelet.eviction;

import io.dekube.core.quota.Quantities;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * One eviction threshold as kube's {@code evictionapi.Threshold}: a signal, the amount under which it is met (a
 * quantity, or a percentage of the signal's capacity), the grace period it must hold for (zero: a hard threshold),
 * and the minimum reclaim asked of an eviction (null: none). The operator is always kube's {@code LessThan}.
 * Immutable; equal thresholds are the same key of the manager's maps.
 */
public record Threshold(Signal signal, Value value, Duration gracePeriod, Value minReclaim) {

  /**
   * kube's {@code ThresholdValue}: a quantity, or else a percentage (a Go {@code float32}, 0.1 for 10%).
   *
   * @param quantity   the amount, null when given as a percentage
   * @param percentage the fraction of the capacity, when {@code quantity} is null
   */
  public record Value(Quantities.Amount quantity, float percentage) {

    /**
     * kube's {@code GetThresholdQuantity}: the quantity, or the percentage of {@code capacity} truncated to a whole
     * number (always a BinarySI quantity, as kube's, whatever the signal).
     */
    public Quantities.Amount of(BigDecimal capacity) {
      if (quantity != null) {
        return quantity;
      }
      double amount = capacity.doubleValue() * (double) percentage;
      return new Quantities.Amount(BigDecimal.valueOf((long) amount), true);
    }
  }

  /** kube's {@code isHardEvictionThreshold}: no grace period. */
  public boolean hard() {
    return gracePeriod.isZero();
  }

  /** The same threshold asking {@code reclaim} of an eviction. */
  Threshold withMinReclaim(Value reclaim) {
    return new Threshold(signal, value, gracePeriod, reclaim);
  }

  /** The same threshold with its grace period. */
  Threshold withGracePeriod(Duration grace) {
    return new Threshold(signal, value, grace, minReclaim);
  }
}
