package io.dekube.core.leader;

import java.time.Duration;
import java.time.Instant;

/**
 * When a periodic Lease renewal runs next: at the next wall-clock multiple of its period (a 5 s
 * period at :00, :05, :10…), not one period after the last one. Every Lease write is a Kafka
 * transaction; renewals that share a period — the leader Leases of the scheduler and the
 * controller-manager, the node Leases of every kubelet, in one process or in several on one machine
 * — then reach the writer together and are committed in one transaction, where each took its own
 * when they ran at their own start's offset (an idle {@code up}: 42 transactions a minute before, ~12
 * after). Kube's components renew at their own offsets (the kubelet adds a 4 % jitter); for the API
 * only {@code renewTime} differs, by less than a period.
 */
public final class RenewalTicks {

  private RenewalTicks() {
  }

  /** Milliseconds from {@code now} to the next multiple of {@code period} since the epoch: in (0, period]. */
  public static long delayMillis(Instant now, Duration period) {
    long p = Math.max(1, period.toMillis());
    return p - Math.floorMod(now.toEpochMilli(), p);
  }
}
