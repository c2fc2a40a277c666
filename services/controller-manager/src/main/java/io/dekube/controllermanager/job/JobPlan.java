package io.dekube.controllermanager.job;

import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Times;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * One sync of a Job decided from its pods, as kube 1.32's {@code syncJob}: the counts so far (the
 * status' counters, its {@code uncountedTerminatedPods}, and the finished pods still holding the
 * tracking finalizer), whether the Job reached an end — the podFailurePolicy's FailJob, backoffLimit
 * (or restarts under OnFailure), activeDeadlineSeconds, failed indexes, the successPolicy or the
 * completions — which pods to delete and which to create (after the back-off, per index under
 * backoffLimitPerIndex), and the status to write before the finalizers of the finished pods go
 * ({@link JobTracking} then settles the counters and the final condition). Pure.
 *
 * @param deletes  the active pods to delete
 * @param creates  the pods to create
 * @param status   the status to write before removing finalizers (uncounted pods, interim condition)
 * @param removals the pods whose tracking finalizer goes
 * @param finish   the end the Job reached, or null
 * @param capped   whether the uncounted pods reached kube's cap of 500 (the rest wait for the next sync)
 * @param event    a Suspended/Resumed Event (reason, message), or null
 * @param requeue  when to look again (back-off or deadline), or null
 */
record JobPlan(List<Pod> deletes, List<NewPod> creates, JobStatus status, List<Pod> removals, Finish finish,
               boolean capped, String[] event, Duration requeue) {

  /** A pod to create: its completion index (-1 when NonIndexed) and the index's failure counts (or null). */
  record NewPod(int index, int[] failures) {
  }

  /**
   * An end: the interim condition ({@code FailureTarget} or {@code SuccessCriteriaMet}), its reason and
   * message, and whether the Job already has it; the final condition is {@code Failed} or {@code Complete}.
   */
  record Finish(String interim, String reason, String message, boolean recorded) {
    boolean success() {
      return SUCCESS_CRITERIA_MET.equals(interim);
    }

    String finalType() {
      return success() ? "Complete" : "Failed";
    }
  }

  static final String FAILURE_TARGET = "FailureTarget";
  static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";
  /** kube's {@code MaxPodCreateDeletePerSync}. */
  static final int MAX_PER_SYNC = 500;

  /** Whether the job has a Complete or Failed condition that is True. */
  static boolean finished(Job job) {
    return condition(job.getStatus(), "Complete") != null || condition(job.getStatus(), "Failed") != null;
  }

  /** The condition of that type when True, else null. */
  static JobCondition condition(JobStatus s, String type) {
    if (s == null || s.getConditions() == null) {
      return null;
    }
    return s.getConditions().stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst().orElse(null);
  }

  /**
   * The plan of a job over the pods it owns. {@code removing}: uids whose finalizer removal is sent but
   * not seen yet; {@code satisfied}: whether the creations and deletions sent earlier were all seen.
   */
  static JobPlan plan(Job job, List<Pod> pods, Set<String> removing, boolean satisfied, Instant now) {
    return new JobSync(job, pods, removing, now).run(satisfied);
  }

  static Duration earlier(Duration a, Duration b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }

  /** Unscheduled, then pending, then not ready, then the newest first (kube's {@code ActivePods} order). */
  static final Comparator<Pod> DELETE_FIRST = Comparator
      .comparing((Pod p) -> p.getSpec() != null && p.getSpec().getNodeName() != null)
      .thenComparing(p -> !"Pending".equals(JobPods.phase(p)))
      .thenComparing(Pods::ready)
      .thenComparing(p -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp(),
          Comparator.reverseOrder());

  /**
   * kube's {@code ensureJobConditionStatus}: sets the condition (both times now) when its status, reason
   * or message differ; a False condition that is absent is not added. Whether anything changed.
   */
  static boolean ensureCondition(JobStatus st, String type, String status, String reason, String message,
                                 Instant now) {
    String ts = Times.format(now);
    for (JobCondition c : st.getConditions()) {
      if (type.equals(c.getType())) {
        if (status.equals(c.getStatus()) && java.util.Objects.equals(reason, c.getReason())
            && java.util.Objects.equals(message, c.getMessage())) {
          return false;
        }
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastProbeTime(ts);
        c.setLastTransitionTime(ts);
        return true;
      }
    }
    if ("False".equals(status)) {
      return false;
    }
    st.getConditions().add(new JobCondition(ts, ts, message, reason, status, type));
    return true;
  }
}
