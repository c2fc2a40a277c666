package io.dekube.controllermanager.job;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Expectations;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.OwnedPodEvents;
import io.dekube.controllermanager.common.Owners;
import io.dekube.controllermanager.common.PodControl;
import io.dekube.controllermanager.common.Selectors;
import io.dekube.controllermanager.job.JobPlan.NewPod;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube 1.32's Job controller: runs a Job's pods to completion — {@code parallelism} at a time until
 * {@code completions} succeed (NonIndexed), or one per completion index (Indexed) — and tracks them
 * with the {@code batch.kubernetes.io/job-tracking} finalizer: a finished pod is written to
 * {@code status.uncountedTerminatedPods} (or {@code completedIndexes}), loses its finalizer, then is
 * counted, so a pod deleted by hand still counts. Failed pods are replaced after the back-off (per
 * index under {@code backoffLimitPerIndex}, a pod being deleted only once Failed under
 * {@code podReplacementPolicy: Failed}); the podFailurePolicy, backoffLimit, activeDeadlineSeconds,
 * failed indexes and the successPolicy end the Job through the interim {@code FailureTarget} /
 * {@code SuccessCriteriaMet} condition, then {@code Failed} / {@code Complete} once no pod is
 * uncounted or terminating. Pods of a finished or deleted Job lose their finalizer. Syncs run on the
 * loop's context.
 */
public final class JobController implements Reconciler {

  /** The component name in events. */
  public static final String COMPONENT = "job-controller";
  /** The {@code spec.managedBy} of the Jobs this controller syncs (or none). */
  static final String MANAGED_BY = "kubernetes.io/job-controller";

  private final ControllerContext ctx;
  private final ResourceType jobType;
  private final ResourceType podType;
  private final Lister<Job> jobs;
  private final Lister<Pod> pods;
  private final Expectations expectations;
  private final FinalizerRemovals removals = new FinalizerRemovals();
  private final WrittenStatus written = new WrittenStatus();
  private final PodControl podControl;
  private ControllerLoop loop;

  public JobController(ControllerContext ctx) {
    this.ctx = ctx;
    this.jobType = ctx.type("jobs.batch");
    this.podType = ctx.type("pods");
    this.jobs = ctx.lister("jobs.batch", Job.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.expectations = new Expectations(ctx.clock());
    this.podControl = new PodControl(ctx, COMPONENT, expectations);
  }

  /** The loop: Jobs, and pods mapped to their Job. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "job", this, jobs.cache(), resync, workers);
    loop.watch(pods.cache(), removals);
    loop.watch(pods.cache(), new OwnedPodEvents("Job", expectations, loop::enqueue,
        OwnedPodEvents.selecting(jobs, o -> o.getSpec().getSelector())));
    return loop;
  }

  /** The expectations (tests). */
  Expectations expectations() {
    return expectations;
  }

  /** The status writes remembered (tests). */
  WrittenStatus written() {
    return written;
  }

  /** The finalizer removals in flight (tests). */
  FinalizerRemovals removals() {
    return removals;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Job job = jobs.get(key);
    if (job == null || JobPlan.finished(job)) {
      if (job == null) {
        expectations.forget(key);
        removals.forget(key);
        written.forget(key);
      }
      return releaseStale(key, job);
    }
    if (written.stale(key, job.getMetadata().getResourceVersion())) {
      return Future.succeededFuture(); // the event of our own status write syncs it again
    }
    if (job.getSpec().getManagedBy() != null && !MANAGED_BY.equals(job.getSpec().getManagedBy())) {
      return Future.succeededFuture(); // another controller syncs it (kube's JobManagedBy)
    }
    LabelSelector selector;
    try {
      selector = Selectors.of(job.getSpec().getSelector());
    } catch (StatusException e) {
      ctx.events().record(COMPONENT, job, EventRecorder.WARNING, "InvalidSelector", e.getMessage());
      return Future.succeededFuture();
    }
    boolean satisfied = expectations.satisfied(key);
    return releaseStale(key, job)
        .compose(v -> podControl.claim(job, selector, pods.list(key.namespace()), p -> true))
        .compose(owned -> act(key, job, owned,
            JobPlan.plan(job, owned, removals.pending(key), satisfied, ctx.clock().instant())));
  }

  private Future<Void> act(ObjectKey key, Job job, List<Pod> owned, JobPlan plan) {
    if (expectations.satisfied(key)) {
      expectations.expect(key, plan.creates().size(), plan.deletes().size());
    }
    List<Future<?>> writes = new ArrayList<>();
    plan.deletes().forEach(p -> writes.add(podControl.delete(key, job, p)));
    for (NewPod n : plan.creates()) {
      writes.add(podControl.create(key, job, JobPods.build(job.getSpec().getTemplate(), job, n.index(), n.failures())));
    }
    return Future.join(writes).transform(ar -> ar.failed() ? Future.failedFuture(ar.cause())
        : track(key, job, owned, plan));
  }

  /** Writes the uncounted pods, removes the finalizers, then writes the counters and the final condition. */
  private Future<Void> track(ObjectKey key, Job job, List<Pod> owned, JobPlan plan) {
    boolean newInterim = plan.finish() != null && !plan.finish().recorded();
    Future<Job> flushed = plan.removals().isEmpty() && !newInterim ? Future.succeededFuture(job)
        : writeStatus(job, plan.status());
    return flushed.compose(current -> removeFinalizers(key, plan.removals())
        .compose(removed -> {
          JobTracking.Settled settled = JobTracking.settle(plan, owned, removed, ctx.clock().instant());
          return writeStatus(current, settled.status()).map(stored -> {
            if (settled.finished()) {
              recordFinished(job, plan);
            }
            return null;
          });
        }))
        .<Void>mapEmpty()
        .onSuccess(v -> {
          if (plan.event() != null) {
            ctx.events().record(COMPONENT, job, EventRecorder.NORMAL, plan.event()[0], plan.event()[1]);
          }
          if (plan.requeue() != null && loop != null) {
            loop.enqueueAfter(key, plan.requeue().plusMillis(100));
          }
        });
  }

  private void recordFinished(Job job, JobPlan plan) {
    if (plan.finish().success()) {
      ctx.events().record(COMPONENT, job, EventRecorder.NORMAL, "Completed", "Job completed");
    } else {
      ctx.events().record(COMPONENT, job, EventRecorder.WARNING, plan.finish().reason(), plan.finish().message());
    }
  }

  /** Writes the status when it changed; the Job as stored after it. */
  private Future<Job> writeStatus(Job job, JobStatus status) {
    if (Typed.tree(status).equals(job.getStatus() == null ? null : Typed.tree(job.getStatus()))) {
      return Future.succeededFuture(job);
    }
    Job next = Lister.copy(job);
    next.setStatus(status);
    return ctx.store().updateStatus(jobType, Typed.tree(next), WriteOptions.none())
        .map(stored -> {
          Job now = Typed.from(stored, Job.class);
          written.wrote(ObjectKey.of(stored), now.getMetadata().getResourceVersion());
          return now;
        });
  }

  /** Removes the tracking finalizer of the pods; the uids it is gone from (or whose pod is gone). */
  private Future<Set<String>> removeFinalizers(ObjectKey key, List<Pod> from) {
    Set<String> removed = new HashSet<>();
    List<Future<?>> patches = new ArrayList<>();
    for (Pod p : from) {
      String uid = p.getMetadata().getUid();
      removals.expect(key, uid);
      patches.add(removeFinalizer(p)
          .onSuccess(v -> removed.add(uid))
          .onFailure(e -> removals.done(key, uid)));
    }
    return Future.join(patches).transform(ar -> ar.succeeded() ? Future.succeededFuture(removed)
        : Future.failedFuture(ar.cause()));
  }

  /** A JSON patch that tests the finalizer is where it was and removes it; a pod already gone counts as done. */
  private Future<Void> removeFinalizer(Pod p) {
    int at = p.getMetadata().getFinalizers().indexOf(JobPods.TRACKING);
    var patch = Json.MAPPER.createArrayNode();
    patch.addObject().put("op", "test").put("path", "/metadata/finalizers/" + at).put("value", JobPods.TRACKING);
    patch.addObject().put("op", "remove").put("path", "/metadata/finalizers/" + at);
    return ctx.store().patch(podType, p.getMetadata().getNamespace(), p.getMetadata().getName(), Patches.JSON, patch,
            WriteOptions.none().withUid(p.getMetadata().getUid()))
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
            : Future.failedFuture(e));
  }

  /**
   * kube's orphan pod sync: pods still tracked by a Job of this name that is gone, finished, or another
   * (an older Job of the same name) lose the finalizer, uncounted.
   */
  private Future<Void> releaseStale(ObjectKey key, Job job) {
    List<Future<?>> patches = new ArrayList<>();
    for (Pod p : pods.list(key.namespace())) {
      OwnerReference ref = Owners.controllerOf(p.getMetadata());
      if (ref == null || !"Job".equals(ref.getKind()) || !key.name().equals(ref.getName()) || !JobPods.tracked(p)) {
        continue;
      }
      if (job == null || JobPlan.finished(job) || !ref.getUid().equals(job.getMetadata().getUid())) {
        patches.add(removeFinalizer(p));
      }
    }
    return Future.join(patches).mapEmpty();
  }

}
