package io.dekube.controllermanager.job;

import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Times;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One sync of a Job decided from its pods, as kube's {@code syncJob}: whether it has failed
 * (backoffLimit, restarts under OnFailure, activeDeadlineSeconds) or completed, which active pods go,
 * which pods (indexes) are created — after the failure back-off of 10 s doubling per failure since
 * the last success, at most 10 min — and the status to write. Pure.
 *
 * @param deletes the active pods to delete
 * @param creates the completion indexes of the pods to create (-1 each for a NonIndexed job)
 * @param status  the status to write
 * @param event   the Event of a transition (reason, message, type), or null
 * @param requeue when to look again (back-off or deadline), or null
 */
record JobPlan(List<Pod> deletes, List<Integer> creates, JobStatus status, String[] event, Duration requeue) {

  /** kube's {@code DefaultJobPodFailureBackOff}. */
  static final Duration BACKOFF = Duration.ofSeconds(10);
  /** kube's {@code MaxJobPodFailureBackOff}. */
  static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  /** Whether the job has a Complete or Failed condition that is True. */
  static boolean finished(Job job) {
    return condition(job.getStatus(), "Complete") || condition(job.getStatus(), "Failed");
  }

  static boolean condition(JobStatus s, String type) {
    if (s == null || s.getConditions() == null) {
      return false;
    }
    return s.getConditions().stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The plan of a job over the pods it owns (terminal ones included). */
  static JobPlan plan(Job job, List<Pod> owned, Instant now) {
    var spec = job.getSpec();
    boolean indexed = "Indexed".equals(spec.getCompletionMode());
    boolean suspended = Boolean.TRUE.equals(spec.getSuspend());
    int parallelism = spec.getParallelism() == null ? 1 : spec.getParallelism();
    Integer completions = spec.getCompletions();
    int backoffLimit = spec.getBackoffLimit() == null ? 6 : spec.getBackoffLimit();
    List<Pod> active = new ArrayList<>();
    int terminating = 0;
    int failed = 0;
    Set<Integer> done = new TreeSet<>();
    int succeeded = 0;
    Instant lastSuccess = null;
    List<Instant> failures = new ArrayList<>();
    for (Pod p : owned) {
      if (JobPods.succeeded(p)) {
        int i = JobPods.index(p);
        if (!indexed) {
          succeeded++;
        } else if (i >= 0 && completions != null && i < completions) {
          done.add(i);
        }
        lastSuccess = later(lastSuccess, JobPods.finishedAt(p));
      } else if (JobPods.failed(p)) {
        failed++;
        failures.add(JobPods.finishedAt(p));
      } else if (p.getMetadata().getDeletionTimestamp() != null) {
        terminating++;
      } else {
        active.add(p);
      }
    }
    if (indexed) {
      succeeded = done.size();
    }
    JobStatus prev = job.getStatus() == null ? new JobStatus() : job.getStatus();
    JobStatus st = new JobStatus();
    st.setConditions(prev.getConditions() == null ? new ArrayList<>() : new ArrayList<>(prev.getConditions()));
    st.setStartTime(prev.getStartTime());
    st.setCompletionTime(prev.getCompletionTime());
    st.setSucceeded(succeeded);
    st.setFailed(failed);
    if (indexed) {
      st.setCompletedIndexes(formatIndexes(done));
    }
    String[] event = null;
    Duration requeue = null;
    boolean wasSuspended = condition(prev, "Suspended");
    if (suspended) {
      if (!wasSuspended) {
        setCondition(st, "Suspended", "True", "JobSuspended", "Job suspended", now);
        event = new String[] {"Suspended", "Job suspended", "Normal"};
      }
      return finish(active, active, st, terminating, event, null);
    }
    if (wasSuspended) {
      setCondition(st, "Suspended", "False", "JobResumed", "Job resumed", now);
      st.setStartTime(Times.format(now));
      event = new String[] {"Resumed", "Job resumed", "Normal"};
    }
    if (st.getStartTime() == null) {
      st.setStartTime(Times.format(now));
    }
    Instant start = Times.parse(st.getStartTime());
    String[] failure = failure(job, active, failed, backoffLimit, start, now);
    if (failure != null) {
      setCondition(st, "FailureTarget", "True", failure[0], failure[1], now);
      setCondition(st, "Failed", "True", failure[0], failure[1], now);
      return finish(active, active, st, terminating, new String[] {failure[0], failure[1], "Warning"}, null);
    }
    boolean complete = completions == null ? succeeded > 0 && active.isEmpty() : succeeded >= completions;
    if (complete) {
      setCondition(st, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
      setCondition(st, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
      st.setCompletionTime(Times.format(now));
      return finish(active, active, st, terminating, new String[] {"Completed", "Job completed", "Normal"}, null);
    }
    List<Pod> deletes = new ArrayList<>();
    List<Integer> creates = indexed ? manageIndexed(active, done, completions, parallelism, deletes)
        : manageNonIndexed(active, succeeded, completions, parallelism, deletes);
    if (!creates.isEmpty()) {
      Duration wait = backoffRemaining(failures, lastSuccess, now);
      if (wait != null) {
        creates = List.of();
        requeue = wait;
      }
    }
    if (spec.getActiveDeadlineSeconds() != null && start != null) {
      Duration left = Duration.between(now, start.plusSeconds(spec.getActiveDeadlineSeconds()));
      requeue = requeue == null || left.compareTo(requeue) < 0 ? left : requeue;
    }
    JobPlan p = finish(active, deletes, st, terminating, event, requeue);
    st.setActive(active.size() - deletes.size() + creates.size());
    return new JobPlan(p.deletes(), creates, st, event, requeue);
  }

  /** Deletes {@code gone} (all active pods when finishing or suspending) and completes the counts. */
  private static JobPlan finish(List<Pod> active, List<Pod> gone, JobStatus st, int terminating, String[] event,
                                Duration requeue) {
    st.setActive(active.size() - gone.size());
    st.setReady((int) active.stream().filter(p -> !gone.contains(p) && Pods.ready(p)).count());
    st.setTerminating(terminating + gone.size());
    return new JobPlan(gone, List.of(), st, event, requeue);
  }

  /** The reason and message of a failed job, or null. */
  private static String[] failure(Job job, List<Pod> active, int failed, int backoffLimit, Instant start, Instant now) {
    boolean onFailure = job.getSpec().getTemplate() != null && job.getSpec().getTemplate().getSpec() != null
        && "OnFailure".equals(job.getSpec().getTemplate().getSpec().getRestartPolicy());
    int restarts = onFailure ? active.stream().mapToInt(JobPods::restarts).sum() : 0;
    boolean pastRestarts = onFailure && (backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit);
    if (failed > backoffLimit || pastRestarts) {
      return new String[] {"BackoffLimitExceeded", "Job has reached the specified backoff limit"};
    }
    Long deadline = job.getSpec().getActiveDeadlineSeconds();
    if (deadline != null && start != null && !now.isBefore(start.plusSeconds(deadline))) {
      return new String[] {"DeadlineExceeded", "Job was active longer than specified deadline"};
    }
    return null;
  }

  private static List<Integer> manageNonIndexed(List<Pod> active, int succeeded, Integer completions, int parallelism,
                                                List<Pod> deletes) {
    int want;
    if (completions == null) {
      want = succeeded > 0 ? Math.min(active.size(), parallelism) : parallelism;
    } else {
      want = Math.max(0, Math.min(parallelism, completions - succeeded));
    }
    if (active.size() > want) {
      List<Pod> ranked = new ArrayList<>(active);
      ranked.sort(DELETE_FIRST);
      deletes.addAll(ranked.subList(0, active.size() - want));
      return List.of();
    }
    List<Integer> creates = new ArrayList<>();
    for (int i = active.size(); i < want; i++) {
      creates.add(-1);
    }
    return creates;
  }

  private static List<Integer> manageIndexed(List<Pod> active, Set<Integer> done, Integer completions, int parallelism,
                                             List<Pod> deletes) {
    int total = completions == null ? 0 : completions;
    Set<Integer> running = new HashSet<>();
    List<Pod> kept = new ArrayList<>();
    List<Pod> ranked = new ArrayList<>(active);
    ranked.sort(Comparator.comparing(JobPods::index));
    for (Pod p : ranked) {
      int i = JobPods.index(p);
      if (i < 0 || i >= total || done.contains(i) || !running.add(i)) {
        deletes.add(p);
      } else {
        kept.add(p);
      }
    }
    int pending = total - done.size();
    int want = Math.min(parallelism, pending);
    for (int k = kept.size() - 1; k >= want; k--) {
      deletes.add(kept.get(k));
    }
    List<Integer> creates = new ArrayList<>();
    int have = Math.min(kept.size(), want);
    for (int i = 0; i < total && have + creates.size() < want; i++) {
      if (!done.contains(i) && !running.contains(i)) {
        creates.add(i);
      }
    }
    return creates;
  }

  /** The back-off left before new pods, after failures since the last success; null when none is due. */
  static Duration backoffRemaining(List<Instant> failures, Instant lastSuccess, Instant now) {
    int n = 0;
    Instant last = null;
    for (Instant f : failures) {
      if (f != null && (lastSuccess == null || f.isAfter(lastSuccess))) {
        n++;
        last = later(last, f);
      }
    }
    if (n == 0 || last == null) {
      return null;
    }
    Duration delay = BACKOFF;
    for (int i = 1; i < n && delay.compareTo(MAX_BACKOFF) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    delay = delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    Duration left = Duration.between(now, last.plus(delay));
    return left.isNegative() || left.isZero() ? null : left;
  }

  /** Unscheduled, then pending, then not ready, then the newest first. */
  private static final Comparator<Pod> DELETE_FIRST = Comparator
      .comparing((Pod p) -> p.getSpec() != null && p.getSpec().getNodeName() != null)
      .thenComparing(p -> !"Pending".equals(JobPods.phase(p)))
      .thenComparing(Pods::ready)
      .thenComparing(p -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp(),
          Comparator.reverseOrder());

  static void setCondition(JobStatus st, String type, String status, String reason, String message, Instant now) {
    String ts = Times.format(now);
    for (JobCondition c : st.getConditions()) {
      if (type.equals(c.getType())) {
        if (!status.equals(c.getStatus())) {
          c.setLastTransitionTime(ts);
        }
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastProbeTime(ts);
        return;
      }
    }
    JobCondition c = new JobCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastProbeTime(ts);
    c.setLastTransitionTime(ts);
    st.getConditions().add(c);
  }

  /** Indexes as kube writes {@code completedIndexes}: {@code 1,3-5,7}. */
  static String formatIndexes(Set<Integer> sorted) {
    StringBuilder b = new StringBuilder();
    Integer first = null;
    Integer prev = null;
    for (int i : sorted) {
      if (prev != null && i == prev + 1) {
        prev = i;
        continue;
      }
      append(b, first, prev);
      first = i;
      prev = i;
    }
    append(b, first, prev);
    return b.toString();
  }

  private static void append(StringBuilder b, Integer first, Integer last) {
    if (first == null) {
      return;
    }
    if (b.length() > 0) {
      b.append(',');
    }
    b.append(first);
    if (last > first + 1) {
      b.append('-').append(last);
    } else if (last == first + 1) {
      b.append(',').append(last);
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
