package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;

/**
 * Permit: the last gate before binding. Answers success, a rejection, or {@link Status#waiting}
 * with a timeout: the pod then waits (off the scheduling cycle) until
 * {@link Handle#allow(Pod, String)} or {@link Handle#reject(Pod, String, String)} is called for it, or the
 * timeout rejects it. Runs on the scheduler's thread, no I/O.
 */
public interface PermitPlugin extends Plugin {

  PermitResult permit(CycleState state, Pod pod, String nodeName);

  /** What Permit answers: a status and, for {@code WAIT}, how long at most. */
  record PermitResult(Status status, Duration timeout) {

    public static PermitResult allow() {
      return new PermitResult(Status.success(), Duration.ZERO);
    }

    public static PermitResult waitFor(Duration timeout) {
      return new PermitResult(Status.waiting(), timeout);
    }
  }
}
