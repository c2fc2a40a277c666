package io.dekube.controllermanager.ttl;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Times;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's TTL-after-finished controller: a Job with {@code ttlSecondsAfterFinished} is deleted
 * (propagation Foreground, uid precondition) that many seconds after its Complete or Failed
 * condition turned True; until then it is looked at again when the time is up. Syncs run on the
 * loop's context.
 */
public final class TtlAfterFinishedController implements Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(TtlAfterFinishedController.class);

  private final ControllerContext ctx;
  private final ResourceType jobType;
  private final Lister<Job> jobs;
  private ControllerLoop loop;

  public TtlAfterFinishedController(ControllerContext ctx) {
    this.ctx = ctx;
    this.jobType = ctx.type("jobs.batch");
    this.jobs = ctx.lister("jobs.batch", Job.class);
  }

  /** The loop over Jobs. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "ttl-after-finished", this, jobs.cache(), resync, workers);
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Job job = jobs.get(key);
    if (job == null || job.getMetadata().getDeletionTimestamp() != null || job.getSpec() == null
        || job.getSpec().getTtlSecondsAfterFinished() == null) {
      return Future.succeededFuture();
    }
    Instant finished = finishedAt(job);
    if (finished == null) {
      return Future.succeededFuture();
    }
    Instant expires = finished.plusSeconds(job.getSpec().getTtlSecondsAfterFinished());
    Duration left = Duration.between(ctx.clock().instant(), expires);
    if (!left.isNegative() && !left.isZero()) {
      if (loop != null) {
        loop.enqueueAfter(key, left.plusMillis(100));
      }
      return Future.succeededFuture();
    }
    LOG.info("ttl-after-finished: deleting Job {} (finished {}, ttl {}s)", key, finished,
        job.getSpec().getTtlSecondsAfterFinished());
    return ctx.store().delete(jobType, key.namespace(), key.name(),
            WriteOptions.none().withUid(job.getMetadata().getUid()).withPropagationPolicy("Foreground"))
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && (se.code() == 404 || se.code() == 409)
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** When the Job's Complete or Failed condition turned True, or null while it runs. */
  static Instant finishedAt(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    for (JobCondition c : job.getStatus().getConditions()) {
      if (("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus())) {
        Instant t = Times.parse(c.getLastTransitionTime());
        return t != null ? t : Times.parse(job.getStatus().getCompletionTime());
      }
    }
    return null;
  }
}
