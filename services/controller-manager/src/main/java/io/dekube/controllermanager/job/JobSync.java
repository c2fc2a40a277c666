package io.dekube.controllermanager.job;

import static io.dekube.controllermanager.job.JobPlan.DELETE_FIRST;
import static io.dekube.controllermanager.job.JobPlan.FAILURE_TARGET;
import static io.dekube.controllermanager.job.JobPlan.MAX_PER_SYNC;
import static io.dekube.controllermanager.job.JobPlan.SUCCESS_CRITERIA_MET;
import static io.dekube.controllermanager.job.JobPlan.condition;
import static io.dekube.controllermanager.job.JobPlan.earlier;
import static io.dekube.controllermanager.job.JobPlan.ensureCondition;

import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Times;
import io.dekube.controllermanager.job.JobPlan.Finish;
import io.dekube.controllermanager.job.JobPlan.NewPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The state and steps of one sync of a Job (kube's {@code syncJobCtx} and the parts of
 * {@code syncJob} and {@code manageJob} before the tracking of finished pods): counts, the end
 * reached, the pods to delete and to create. One instance per sync; not thread-safe.
 */
final class JobSync {
  final Job job;
  final JobSpec spec;
  final List<Pod> pods;
  final Set<String> removing;
  final Instant now;
  final JobStatus st;
  final boolean indexed;
  final int completions;
  final List<Pod> active = new ArrayList<>();
  final List<Pod> deletes = new ArrayList<>();
  final List<NewPod> creates = new ArrayList<>();
  int terminating;
  int succeeded;
  int failed;
  int activeCount;
  Indexes prevSucceeded = Indexes.none();
  Indexes succeededIndexes = Indexes.none();
  Indexes failedIndexes;
  Map<Integer, Pod> awaiting = Map.of();
  Finish finish;
  String[] event;
  Duration requeue;

  JobSync(Job job, List<Pod> pods, Set<String> removing, Instant now) {
    this.job = job;
    this.spec = job.getSpec();
    this.pods = pods;
    this.removing = removing;
    this.now = now;
    this.st = job.getStatus() == null ? new JobStatus() : Lister.copy(job.getStatus());
    this.indexed = "Indexed".equals(spec.getCompletionMode());
    this.completions = spec.getCompletions() == null ? 0 : spec.getCompletions();
    if (st.getConditions() == null) {
      st.setConditions(new ArrayList<>());
    }
    UncountedTerminatedPods u = st.getUncountedTerminatedPods() == null ? new UncountedTerminatedPods()
        : st.getUncountedTerminatedPods();
    u.setSucceeded(u.getSucceeded() == null ? new ArrayList<>() : new ArrayList<>(u.getSucceeded()));
    u.setFailed(u.getFailed() == null ? new ArrayList<>() : new ArrayList<>(u.getFailed()));
    st.setUncountedTerminatedPods(u);
    st.setSucceeded(st.getSucceeded() == null ? 0 : st.getSucceeded());
    st.setFailed(st.getFailed() == null ? 0 : st.getFailed());
  }

  JobPlan run(boolean satisfied) {
    boolean suspended = Boolean.TRUE.equals(spec.getSuspend());
    for (Pod p : pods) {
      if (JobPods.active(p)) {
        active.add(p);
      } else if (JobPods.terminating(p)) {
        terminating++;
      }
    }
    activeCount = active.size();
    Set<String> uncountedSucceeded = new HashSet<>(st.getUncountedTerminatedPods().getSucceeded());
    Set<String> uncountedFailed = new HashSet<>(st.getUncountedTerminatedPods().getFailed());
    succeeded = st.getSucceeded() + valid(uncountedSucceeded, JobPods::succeeded).size()
        + uncountedSucceeded.size();
    failed = st.getFailed() + (int) valid(uncountedFailed, p -> JobFailures.failed(job, p)).stream()
        .filter(p -> JobFailures.counts(job, p)).count() + uncountedFailed.size();
    if (st.getStartTime() == null && !suspended) {
      st.setStartTime(Times.format(now));
    }
    decideFailure(suspended);
    if (indexed) {
      decideIndexes();
    }
    if (finish != null) {
      deletes.addAll(active);
      if (!satisfied) {
        finish = null;
      }
      terminating += deletes.size();
      activeCount = 0;
    } else {
      boolean manage = satisfied && job.getMetadata().getDeletionTimestamp() == null;
      if (manage) {
        manage(suspended);
      }
      boolean complete = spec.getCompletions() == null ? succeeded > 0 && activeCount == 0
          : succeeded >= completions && activeCount == 0;
      if (complete) {
        finish = new Finish(SUCCESS_CRITERIA_MET, "CompletionsReached", "Reached expected number of succeeded pods",
            false);
      } else if (manage) {
        suspension(suspended);
      }
    }
    st.setActive(activeCount);
    st.setReady((int) active.stream().filter(p -> !deletes.contains(p) && Pods.ready(p)).count());
    st.setTerminating(terminating);
    return JobTracking.track(this);
  }

  /** The end by failure (or an end already recorded), as kube checks it before the indexes. */
  private void decideFailure(boolean suspended) {
    JobCondition met = condition(st, SUCCESS_CRITERIA_MET);
    if (met != null) {
      finish = new Finish(SUCCESS_CRITERIA_MET, met.getReason(), met.getMessage(), true);
      return;
    }
    JobCondition target = condition(st, FAILURE_TARGET);
    if (target != null) {
      finish = new Finish(FAILURE_TARGET, target.getReason(), target.getMessage(), true);
      return;
    }
    String failJob = JobFailures.failJobMessage(job, pods);
    if (failJob != null) {
      finish = failure("PodFailurePolicy", failJob);
      return;
    }
    int backoffLimit = spec.getBackoffLimit() == null ? 6 : spec.getBackoffLimit();
    Long deadline = spec.getActiveDeadlineSeconds();
    Instant start = Times.parse(st.getStartTime());
    if (failed > backoffLimit || JobFailures.pastRestartLimit(job, pods, backoffLimit)) {
      finish = failure("BackoffLimitExceeded", "Job has reached the specified backoff limit");
    } else if (deadline != null && start != null && !suspended && !now.isBefore(start.plusSeconds(deadline))) {
      finish = failure("DeadlineExceeded", "Job was active longer than specified deadline");
    } else if (deadline != null && start != null && !suspended) {
      requeue = Duration.between(now, start.plusSeconds(deadline));
    }
  }

  private static Finish failure(String reason, String message) {
    return new Finish(FAILURE_TARGET, reason, message, false);
  }

  /** Succeeded and failed indexes, and the ends they bring (failed indexes, the successPolicy). */
  private void decideIndexes() {
    prevSucceeded = Indexes.parse(st.getCompletedIndexes(), completions);
    List<Integer> done = new ArrayList<>();
    for (Pod p : pods) {
      int ix = JobPods.index(p);
      if (JobPods.succeeded(p) && ix >= 0 && ix < completions && JobPods.tracked(p)) {
        done.add(ix);
      }
    }
    succeededIndexes = prevSucceeded.with(done);
    succeeded = succeededIndexes.total();
    if (spec.getBackoffLimitPerIndex() != null) {
      List<Integer> lost = new ArrayList<>();
      for (Pod p : pods) {
        int ix = JobPods.index(p);
        if (ix >= 0 && ix < completions && JobPods.tracked(p) && JobFailures.indexFailed(job, p)) {
          lost.add(ix);
        }
      }
      failedIndexes = Indexes.parse(st.getFailedIndexes(), completions).with(lost);
      if (finish == null) {
        Integer max = spec.getMaxFailedIndexes();
        if (max != null && failedIndexes.total() > max) {
          finish = failure("MaxFailedIndexesExceeded", "Job has exceeded the specified maximal number of failed indexes");
        } else if (failedIndexes.total() > 0 && failedIndexes.total() + succeededIndexes.total() >= completions) {
          finish = failure("FailedIndexes", "Job has failed indexes");
        }
      }
      Set<Integer> activeIndexes = new HashSet<>();
      active.forEach(p -> activeIndexes.add(JobPods.index(p)));
      awaiting = JobFailures.awaitingReplacement(job, valid(Set.of(), p -> true), succeededIndexes, failedIndexes,
          activeIndexes);
    }
    if (finish == null) {
      String met = SuccessPolicyMatch.of(spec.getSuccessPolicy(), completions, succeededIndexes);
      if (met != null) {
        finish = new Finish(SUCCESS_CRITERIA_MET, "SuccessPolicy", met, false);
      }
    }
  }

  /** kube's {@code manageJob}: the pods to delete, else the pods to create. */
  private void manage(boolean suspended) {
    if (suspended) {
      delete(active);
      return;
    }
    int parallelism = spec.getParallelism() == null ? 1 : spec.getParallelism();
    int want = spec.getCompletions() == null ? (succeeded > 0 ? activeCount : parallelism)
        : Math.max(0, Math.min(parallelism, completions - succeeded));
    if (failedIndexes != null) {
      List<Pod> ofFailed = active.stream().filter(p -> failedIndexes.has(JobPods.index(p))).toList();
      if (!ofFailed.isEmpty()) {
        delete(ofFailed);
        return;
      }
    }
    List<Pod> surplus = forRemoval(Math.max(0, activeCount - want));
    if (!surplus.isEmpty()) {
      delete(surplus.size() > MAX_PER_SYNC ? surplus.subList(0, MAX_PER_SYNC) : surplus);
      return;
    }
    int held = JobFailures.onlyReplaceFailed(spec) ? terminating : 0;
    int diff = Math.min(want - held - activeCount, MAX_PER_SYNC);
    if (diff <= 0) {
      return;
    }
    if (spec.getBackoffLimitPerIndex() == null) {
      Duration wait = JobFailures.backoff(job, pods, now);
      if (!wait.isZero()) {
        requeue = earlier(requeue, wait);
        return;
      }
    }
    if (!indexed) {
      for (int i = 0; i < diff; i++) {
        creates.add(new NewPod(-1, null));
      }
    } else {
      createIndexes(diff);
    }
    activeCount += creates.size();
  }

  private void createIndexes(int diff) {
    List<Integer> taken = new ArrayList<>();
    active.forEach(p -> taken.add(JobPods.index(p)));
    if (JobFailures.onlyReplaceFailed(spec)) {
      pods.stream().filter(JobPods::terminating).forEach(p -> taken.add(JobPods.index(p)));
    }
    taken.removeIf(i -> i < 0);
    Indexes busy = succeededIndexes.with(taken);
    if (failedIndexes != null) {
      busy = busy.with(failedIndexes);
    }
    List<Integer> pending = Indexes.firstFree(diff, completions, busy);
    if (spec.getBackoffLimitPerIndex() == null) {
      pending.forEach(i -> creates.add(new NewPod(i, null)));
      return;
    }
    Duration soonest = null;
    for (int i : pending) {
      Duration wait = JobFailures.indexBackoff(awaiting.get(i), now);
      if (wait.isZero()) {
        creates.add(new NewPod(i, JobFailures.countsAfter(job, awaiting.get(i))));
      } else {
        soonest = earlier(soonest, wait);
      }
    }
    if (creates.isEmpty() && soonest != null) {
      requeue = earlier(requeue, soonest);
    }
  }

  private void delete(List<Pod> gone) {
    deletes.addAll(gone);
    activeCount -= gone.size();
    terminating += gone.size();
  }

  /** kube's {@code activePodsForRemoval}: duplicated or out-of-range indexes first, then by kube's ranking. */
  private List<Pod> forRemoval(int atLeast) {
    List<Pod> rm = new ArrayList<>();
    List<Pod> left = new ArrayList<>(active);
    if (indexed) {
      left.clear();
      List<Pod> sorted = new ArrayList<>(active);
      sorted.sort(Comparator.comparingInt(JobPods::index).thenComparing(DELETE_FIRST));
      for (int i = 0; i < sorted.size(); i++) {
        Pod p = sorted.get(i);
        int ix = JobPods.index(p);
        boolean dup = i + 1 < sorted.size() && JobPods.index(sorted.get(i + 1)) == ix;
        if (ix < 0 || ix >= completions || dup) {
          rm.add(p);
        } else {
          left.add(p);
        }
      }
    }
    if (rm.size() < atLeast) {
      left.sort(DELETE_FIRST);
      rm.addAll(left.subList(0, atLeast - rm.size()));
    }
    return rm;
  }

  private void suspension(boolean suspended) {
    if (suspended) {
      if (ensureCondition(st, "Suspended", "True", "JobSuspended", "Job suspended", now)) {
        event = new String[] {"Suspended", "Job suspended"};
      }
    } else if (ensureCondition(st, "Suspended", "False", "JobResumed", "Job resumed", now)) {
      event = new String[] {"Resumed", "Job resumed"};
      st.setStartTime(Times.format(now));
    }
  }

  /**
   * kube's {@code getValidPodsWithFilter}: pods still holding the finalizer, not in {@code uncounted}
   * nor being stripped of it, with a valid index when Indexed, that pass {@code filter}.
   */
  List<Pod> valid(Set<String> uncounted, Predicate<Pod> filter) {
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods) {
      String uid = p.getMetadata().getUid();
      if (!JobPods.tracked(p) || uncounted.contains(uid) || removing.contains(uid)) {
        continue;
      }
      if (indexed && (JobPods.index(p) < 0 || JobPods.index(p) >= completions)) {
        continue;
      }
      if (filter.test(p)) {
        out.add(p);
      }
    }
    return out;
  }

  JobPlan plan(List<Pod> removals, boolean capped) {
    return new JobPlan(deletes, creates, st, removals, finish, capped, event, requeue);
  }
}
