package io.dekube.controllermanager.job;

import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Times;
import io.dekube.controllermanager.job.JobPlan.Finish;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Job tracking with the {@code batch.kubernetes.io/job-tracking} finalizer, as kube's
 * {@code trackJobStatusAndRemoveFinalizers}: a finished pod (or, once the Job ended by failure or is
 * being deleted, any pod) is first written to {@code status.uncountedTerminatedPods} (Indexed
 * successes straight to {@code completedIndexes}), then loses its finalizer, then moves from the
 * uncounted lists to {@code succeeded}/{@code failed}; the final Complete/Failed condition is written
 * only when nothing is uncounted and no pod is terminating. Pure.
 */
final class JobTracking {

  /** kube's {@code MaxUncountedPods}. */
  static final int MAX_UNCOUNTED = 500;

  private JobTracking() {
  }

  /**
   * The plan of a sync: the pods whose finalizer goes, the uncounted pods and indexes added to the
   * status, the interim condition appended.
   */
  static JobPlan track(JobSync s) {
    JobStatus st = s.st;
    List<Pod> pods = new ArrayList<>(s.pods);
    if (s.indexed) {
      pods.sort(Comparator.comparingInt(JobPods::index));
    }
    Set<String> withFinalizer = new HashSet<>();
    pods.stream().filter(JobPods::tracked).forEach(p -> withFinalizer.add(p.getMetadata().getUid()));
    countUncounted(st, withFinalizer);
    UncountedTerminatedPods unc = st.getUncountedTerminatedPods();
    Set<String> wasSucceeded = new HashSet<>(unc.getSucceeded());
    Set<String> wasFailed = new HashSet<>(unc.getFailed());
    List<Pod> removals = new ArrayList<>();
    List<Integer> newIndexes = new ArrayList<>();
    boolean capped = false;
    for (Pod p : pods) {
      String uid = p.getMetadata().getUid();
      if (!JobPods.tracked(p) || s.removing.contains(uid)) {
        continue;
      }
      boolean failed = JobFailures.failed(s.job, p);
      if (!removable(s, p, failed)) {
        continue;
      }
      removals.add(p);
      int ix = JobPods.index(p);
      boolean validIndex = ix >= 0 && ix < s.completions;
      if (JobPods.succeeded(p) && !wasFailed.contains(uid)) {
        if (s.indexed) {
          if (validIndex && !s.prevSucceeded.has(ix) && (s.failedIndexes == null || !s.failedIndexes.has(ix))) {
            newIndexes.add(ix);
          }
        } else if (!wasSucceeded.contains(uid)) {
          unc.getSucceeded().add(uid);
        }
      } else if (failed || s.finish != null && !s.finish.success()) {
        if (!wasFailed.contains(uid) && (!s.indexed || validIndex) && JobFailures.counts(s.job, p)) {
          unc.getFailed().add(uid);
        }
      }
      if (newIndexes.size() + unc.getSucceeded().size() + unc.getFailed().size() >= MAX_UNCOUNTED) {
        capped = true;
        break;
      }
    }
    if (s.indexed) {
      s.succeededIndexes = s.succeededIndexes.with(newIndexes);
      st.setSucceeded(s.succeededIndexes.total());
      st.setCompletedIndexes(s.succeededIndexes.toString());
      st.setFailedIndexes(s.failedIndexes == null ? null : s.failedIndexes.toString());
    }
    if (s.finish != null && !s.finish.recorded()) {
      st.getConditions().add(new JobCondition(Times.format(s.now), Times.format(s.now), s.finish.message(),
          s.finish.reason(), "True", s.finish.interim()));
    }
    return s.plan(removals, capped);
  }

  /**
   * kube's {@code canRemoveFinalizer}: the Job is being deleted or has ended, the pod succeeded, or it
   * failed — unless it is its index's last failure, kept until its replacement carries the count.
   */
  private static boolean removable(JobSync s, Pod p, boolean failed) {
    if (s.job.getMetadata().getDeletionTimestamp() != null || s.finish != null || JobPods.succeeded(p)) {
      return true;
    }
    if (!failed) {
      return false;
    }
    Pod awaited = s.awaiting.get(JobPods.index(p));
    return awaited == null || !awaited.getMetadata().getUid().equals(p.getMetadata().getUid());
  }

  /**
   * kube's {@code cleanUncountedPodsWithoutFinalizers}: uncounted pods that no longer hold the finalizer
   * (or are gone) move to the counters. Whether anything moved.
   */
  static boolean countUncounted(JobStatus st, Set<String> withFinalizer) {
    UncountedTerminatedPods unc = st.getUncountedTerminatedPods();
    List<String> succeeded = new ArrayList<>(unc.getSucceeded());
    List<String> failed = new ArrayList<>(unc.getFailed());
    succeeded.removeIf(uid -> !withFinalizer.contains(uid));
    failed.removeIf(uid -> !withFinalizer.contains(uid));
    int counted = unc.getSucceeded().size() - succeeded.size() + unc.getFailed().size() - failed.size();
    st.setSucceeded(st.getSucceeded() + unc.getSucceeded().size() - succeeded.size());
    st.setFailed(st.getFailed() + unc.getFailed().size() - failed.size());
    unc.setSucceeded(succeeded);
    unc.setFailed(failed);
    return counted > 0;
  }

  /**
   * The status after the finalizers of {@code removed} went: the uncounted pods without finalizer
   * counted, and — when nothing is uncounted any more, no pod terminating and the uncounted cap was
   * not reached — the final condition (with completionTime for Complete). {@code finished} tells
   * whether the final condition was added.
   */
  record Settled(JobStatus status, boolean finished) {
  }

  static Settled settle(JobPlan plan, List<Pod> pods, Set<String> removed, Instant now) {
    JobStatus st = Lister.copy(plan.status());
    Set<String> withFinalizer = new HashSet<>();
    pods.stream().filter(JobPods::tracked).map(p -> p.getMetadata().getUid())
        .filter(uid -> !removed.contains(uid)).forEach(withFinalizer::add);
    countUncounted(st, withFinalizer);
    Finish finish = plan.finish();
    UncountedTerminatedPods unc = st.getUncountedTerminatedPods();
    if (finish == null || plan.capped() || !unc.getSucceeded().isEmpty() || !unc.getFailed().isEmpty()
        || st.getTerminating() != null && st.getTerminating() > 0) {
      return new Settled(st, false);
    }
    JobPlan.ensureCondition(st, finish.finalType(), "True", finish.reason(), finish.message(), now);
    if (finish.success()) {
      st.setCompletionTime(Times.format(now));
    }
    return new Settled(st, true);
  }
}
