package io.dekube.kubelet.eviction;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What a signal measured (kube's {@code signalObservation}): the amount available, the capacity a percentage
 * threshold is taken of, and when. Immutable.
 */
public record Observation(BigDecimal available, BigDecimal capacity, Instant time) {

  public static Observation of(long available, long capacity, Instant time) {
    return new Observation(BigDecimal.valueOf(available), BigDecimal.valueOf(capacity), time);
  }
}
