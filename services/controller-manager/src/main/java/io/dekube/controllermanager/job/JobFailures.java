package io.dekube.controllermanager.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How kube's Job controller reads failures: which pods count as failed (a pod being deleted before it
 * finished counts, unless only Failed pods are replaced), the podFailurePolicy's verdicts, the restarts
 * of OnFailure pods, a failed index under {@code backoffLimitPerIndex} and its back-off. Pure.
 */
final class JobFailures {

  /** kube's {@code DefaultJobPodFailureBackOff}. */
  static final Duration BACKOFF = Duration.ofSeconds(10);
  /** kube's {@code MaxJobPodFailureBackOff}. */
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  private JobFailures() {
  }

  /**
   * kube's {@code onlyReplaceFailedPods}: podReplacementPolicy Failed, or a podFailurePolicy — then a
   * pod being deleted is neither failed nor replaced until it reaches the Failed phase.
   */
  static boolean onlyReplaceFailed(JobSpec spec) {
    return "Failed".equals(spec.getPodReplacementPolicy()) || spec.getPodFailurePolicy() != null;
  }

  /** kube's {@code isPodFailed}: phase Failed, or (unless only Failed pods count) deleted before it succeeded. */
  static boolean failed(Job job, Pod p) {
    if (JobPods.failed(p)) {
      return true;
    }
    return !onlyReplaceFailed(job.getSpec()) && JobPods.deleting(p) && !JobPods.succeeded(p);
  }

  /** The podFailurePolicy's verdict on a failed pod. */
  static FailurePolicyMatch match(Job job, Pod p) {
    return FailurePolicyMatch.of(job.getSpec().getPodFailurePolicy(), p);
  }

  /** Whether a failed pod counts against the backoff limits (the podFailurePolicy did not Ignore it). */
  static boolean counts(Job job, Pod p) {
    return match(job, p).counts();
  }

  /** The FailJob message of the first failed pod a FailJob rule matches, or null. */
  static String failJobMessage(Job job, List<Pod> pods) {
    if (job.getSpec().getPodFailurePolicy() == null) {
      return null;
    }
    for (Pod p : pods) {
      if (failed(job, p)) {
        String msg = match(job, p).failJobMessage();
        if (msg != null) {
          return msg;
        }
      }
    }
    return null;
  }

  /** kube's {@code pastBackoffLimitOnFailure}: the restarts of running or pending OnFailure pods reach backoffLimit. */
  static boolean pastRestartLimit(Job job, List<Pod> pods, int backoffLimit) {
    var template = job.getSpec().getTemplate();
    if (template == null || template.getSpec() == null || !"OnFailure".equals(template.getSpec().getRestartPolicy())) {
      return false;
    }
    int restarts = 0;
    for (Pod p : pods) {
      String phase = JobPods.phase(p);
      if ("Running".equals(phase) || "Pending".equals(phase)) {
        restarts += JobPods.restarts(p);
      }
    }
    return backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit;
  }

  /**
   * kube's {@code isIndexFailed}: the pod failed and either a FailIndex rule matched it or, counted,
   * its index had already failed {@code backoffLimitPerIndex} times before it.
   */
  static boolean indexFailed(Job job, Pod p) {
    if (!failed(job, p)) {
      return false;
    }
    FailurePolicyMatch m = match(job, p);
    if (FailurePolicyMatch.FAIL_INDEX.equals(m.action())) {
      return true;
    }
    return m.counts() && JobPods.count(p, JobPods.FAILURE_COUNT) >= job.getSpec().getBackoffLimitPerIndex();
  }

  /** The failure counts (counted, ignored) a replacement of {@code replaced} in its index starts with. */
  static int[] countsAfter(Job job, Pod replaced) {
    if (replaced == null) {
      return new int[] {0, 0};
    }
    int counted = JobPods.count(replaced, JobPods.FAILURE_COUNT);
    int ignored = JobPods.count(replaced, JobPods.IGNORED_FAILURE_COUNT);
    return counts(job, replaced) ? new int[] {counted + 1, ignored} : new int[] {counted, ignored + 1};
  }

  /** The back-off left before an index whose last pod failed is tried again; zero when due. */
  static Duration indexBackoff(Pod lastFailed, Instant now) {
    if (lastFailed == null) {
      return Duration.ZERO;
    }
    int failures = JobPods.count(lastFailed, JobPods.FAILURE_COUNT)
        + JobPods.count(lastFailed, JobPods.IGNORED_FAILURE_COUNT) + 1;
    return remaining(failures, JobPods.finishedAt(lastFailed), now);
  }

  /** The back-off left after {@code failures} failures, the last at {@code last}: 10 s doubling, at most 10 min. */
  static Duration remaining(int failures, Instant last, Instant now) {
    if (failures <= 0 || last == null) {
      return Duration.ZERO;
    }
    Duration delay = BACKOFF;
    for (int i = 1; i < failures && delay.compareTo(MAX_BACKOFF) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    delay = delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    Duration left = Duration.between(now, last.plus(delay));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * The back-off left before new pods: failures finished after the last success, the delay counted
   * from the last of them (kube keeps these counts in memory; dekube reads them from the pods, which
   * stay until the Job goes).
   */
  static Duration backoff(Job job, List<Pod> pods, Instant now) {
    Instant lastSuccess = null;
    for (Pod p : pods) {
      if (JobPods.succeeded(p)) {
        lastSuccess = later(lastSuccess, JobPods.finishedAt(p));
      }
    }
    int n = 0;
    Instant last = null;
    for (Pod p : pods) {
      if (failed(job, p)) {
        Instant f = JobPods.finishedAt(p);
        if (f != null && (lastSuccess == null || f.isAfter(lastSuccess))) {
          n++;
          last = later(last, f);
        }
      }
    }
    return remaining(n, last, now);
  }

  /**
   * kube's {@code getPodsWithDelayedDeletionPerIndex}: per index neither succeeded, failed nor active,
   * its last failed (uncounted) pod, kept until its replacement carries the index's failure counts.
   */
  static Map<Integer, Pod> awaitingReplacement(Job job, List<Pod> valid, Indexes succeeded, Indexes failedIndexes,
                                               java.util.Set<Integer> activeIndexes) {
    Map<Integer, Pod> out = new java.util.HashMap<>();
    for (Pod p : valid) {
      int ix = JobPods.index(p);
      if (!failed(job, p) || succeeded.has(ix) || failedIndexes.has(ix) || activeIndexes.contains(ix)) {
        continue;
      }
      Pod last = out.get(ix);
      if (last == null || absoluteFailures(last) <= absoluteFailures(p)
          && !JobPods.finishedAt(p).isBefore(JobPods.finishedAt(last))) {
        out.put(ix, p);
      }
    }
    return out;
  }

  private static int absoluteFailures(Pod p) {
    return JobPods.count(p, JobPods.FAILURE_COUNT) + JobPods.count(p, JobPods.IGNORED_FAILURE_COUNT);
  }

  static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
