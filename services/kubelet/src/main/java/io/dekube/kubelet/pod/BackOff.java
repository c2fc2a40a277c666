package io.dekube.kubelet.pod;

import java.time.Duration;

/**
 * Kubernetes' container restart back-off: the first restart is immediate, then each one waits
 * twice as long as the last, from {@code initial} up to {@code max}; a container that ran longer
 * than twice {@code max} starts over. Pure.
 */
public record BackOff(Duration initial, Duration max) {

  /** The delay before the restart that follows a run of {@code ranFor}, given the last delay (null = none yet). */
  public Duration delay(Duration previous, Duration ranFor) {
    if (previous == null || ranFor.compareTo(max.multipliedBy(2)) > 0) {
      return Duration.ZERO;
    }
    return previous.isZero() ? initial : min(previous.multipliedBy(2), max);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
