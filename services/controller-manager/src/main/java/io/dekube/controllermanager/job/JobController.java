package io.dekube.controllermanager.job;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Expectations;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.OwnedPodEvents;
import io.dekube.controllermanager.common.PodControl;
import io.dekube.controllermanager.common.Selectors;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's Job controller: runs a Job's pods to completion — {@code parallelism} at a time until
 * {@code completions} succeed (NonIndexed), or one per completion index (Indexed, with
 * {@code batch.kubernetes.io/job-completion-index}) — recreating failed ones after an exponential
 * back-off until {@code backoffLimit} or {@code activeDeadlineSeconds} fails the Job; honours
 * {@code suspend}; writes status (active, ready, terminating, succeeded, failed, completedIndexes,
 * startTime, completionTime, the Complete/Failed/Suspended conditions {@code kubectl wait} reads).
 * Pods of a finished Job stay (kube's behaviour); the TTL-after-finished controller removes the Job.
 * Syncs run on the loop's context.
 */
public final class JobController implements Reconciler {

  /** The component name in events. */
  public static final String COMPONENT = "job-controller";

  private final ControllerContext ctx;
  private final ResourceType jobType;
  private final Lister<Job> jobs;
  private final Lister<Pod> pods;
  private final Expectations expectations;
  private final PodControl podControl;
  private ControllerLoop loop;

  public JobController(ControllerContext ctx) {
    this.ctx = ctx;
    this.jobType = ctx.type("jobs.batch");
    this.jobs = ctx.lister("jobs.batch", Job.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.expectations = new Expectations(ctx.clock());
    this.podControl = new PodControl(ctx, COMPONENT, expectations);
  }

  /** The loop: Jobs, and pods mapped to their Job. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "job", this, jobs.cache(), resync, workers);
    loop.watch(pods.cache(), new OwnedPodEvents("Job", expectations, loop::enqueue,
        OwnedPodEvents.selecting(jobs, o -> o.getSpec().getSelector())));
    return loop;
  }

  /** The expectations (tests). */
  Expectations expectations() {
    return expectations;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Job job = jobs.get(key);
    if (job == null) {
      expectations.forget(key);
      return Future.succeededFuture();
    }
    if (JobPlan.finished(job)) {
      return Future.succeededFuture();
    }
    LabelSelector selector;
    try {
      selector = Selectors.of(job.getSpec().getSelector());
    } catch (StatusException e) {
      ctx.events().record(COMPONENT, job, EventRecorder.WARNING, "InvalidSelector", e.getMessage());
      return Future.succeededFuture();
    }
    if (!expectations.satisfied(key)) {
      return Future.succeededFuture();
    }
    return podControl.claim(job, selector, pods.list(key.namespace()), p -> true)
        .compose(owned -> act(key, job, JobPlan.plan(job, owned, ctx.clock().instant())));
  }

  private Future<Void> act(ObjectKey key, Job job, JobPlan plan) {
    expectations.expect(key, plan.creates().size(), plan.deletes().size());
    List<Future<?>> writes = new ArrayList<>();
    plan.deletes().forEach(p -> writes.add(podControl.delete(key, job, p)));
    for (int index : plan.creates()) {
      writes.add(podControl.create(key, job, JobPods.build(job.getSpec().getTemplate(), job, index)));
    }
    return Future.join(writes).transform(ar -> updateStatus(job, plan.status())
        .onSuccess(changed -> {
          if (changed && plan.event() != null) {
            ctx.events().record(COMPONENT, job, plan.event()[2], plan.event()[0], plan.event()[1]);
          }
          if (plan.requeue() != null && loop != null) {
            loop.enqueueAfter(key, plan.requeue().plusMillis(100));
          }
        })
        .compose(v -> ar.succeeded() ? Future.<Void>succeededFuture() : Future.failedFuture(ar.cause())));
  }

  private Future<Boolean> updateStatus(Job job, JobStatus status) {
    if (Typed.tree(status).equals(job.getStatus() == null ? null : Typed.tree(job.getStatus()))) {
      return Future.succeededFuture(false);
    }
    Job next = Lister.copy(job);
    next.setStatus(status);
    return ctx.store().updateStatus(jobType, Typed.tree(next), WriteOptions.none()).map(true);
  }

}
