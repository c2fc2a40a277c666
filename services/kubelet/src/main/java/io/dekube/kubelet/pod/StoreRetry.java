package io.dekube.kubelet.pod;

import io.dekube.core.model.StatusException;
import java.time.Duration;

/**
 * Which failures of a kubelet's write to the store pass, so the write is tried again, and how long
 * to wait before the next try. Passing: a 5xx (503 while the bus is down, 504 for a request whose
 * outcome is unknown, 500), 408, 429, and errors that are not the store's answer (a connection).
 * The wait is {@link #FIRST}, doubled after each failure in a row up to {@link #MAX}, never less than
 * the answer's Retry-After. Pure.
 */
final class StoreRetry {

  /** The wait after a first failure. */
  static final Duration FIRST = Duration.ofSeconds(1);
  /** The longest wait between two tries. */
  static final Duration MAX = Duration.ofSeconds(5);

  private StoreRetry() {
  }

  /** Whether a write that failed with {@code cause} should be tried again. */
  static boolean passing(Throwable cause) {
    if (!(cause instanceof StatusException se)) {
      return true;
    }
    int code = se.code();
    return code >= 500 || code == 408 || code == 429;
  }

  /**
   * The wait before the next try after the {@code failures}-th failure in a row: {@code first}, doubled
   * each time up to {@code max}, and never less than the failure's Retry-After
   * ({@code details.retryAfterSeconds}).
   */
  static Duration delay(Throwable cause, int failures, Duration first, Duration max) {
    Duration d = first;
    for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    d = d.compareTo(max) > 0 ? max : d;
    Duration asked = Duration.ofSeconds(retryAfterSeconds(cause));
    return asked.compareTo(d) > 0 ? asked : d;
  }

  private static long retryAfterSeconds(Throwable cause) {
    if (cause instanceof StatusException se) {
      return Math.max(0, se.toStatus().path("details").path("retryAfterSeconds").asLong(0));
    }
    return 0;
  }
}
