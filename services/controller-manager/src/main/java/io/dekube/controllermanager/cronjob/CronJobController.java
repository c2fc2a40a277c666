package io.dekube.controllermanager.cronjob;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.OwnedPodEvents;
import io.dekube.controllermanager.common.Owners;
import io.dekube.controllermanager.common.Times;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.cron.CronSchedule;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;

/**
 * kube's CronJob controller (v2): at each time of {@code spec.schedule} (in {@code spec.timeZone},
 * else UTC) it creates the Job {@code <cronjob>-<minutes since the epoch>} from the jobTemplate,
 * unless the time was missed by more than {@code startingDeadlineSeconds}, the CronJob is suspended, or
 * {@code concurrencyPolicy} Forbid finds one still active (Replace deletes it first); keeps
 * {@code status.active}, lastScheduleTime and lastSuccessfulTime, prunes finished Jobs beyond the
 * history limits, and looks again at the next scheduled time. Syncs run on the loop's context.
 */
public final class CronJobController implements Reconciler {

  /** The component name in events. */
  public static final String COMPONENT = "cronjob-controller";
  /** The annotation with a Job's scheduled time. */
  static final String SCHEDULED = "batch.kubernetes.io/cronjob-scheduled-timestamp";

  private final ControllerContext ctx;
  private final ResourceType cjType;
  private final ResourceType jobType;
  private final Lister<CronJob> cronJobs;
  private final Lister<Job> jobs;
  private ControllerLoop loop;

  public CronJobController(ControllerContext ctx) {
    this.ctx = ctx;
    this.cjType = ctx.type("cronjobs.batch");
    this.jobType = ctx.type("jobs.batch");
    this.cronJobs = ctx.lister("cronjobs.batch", CronJob.class);
    this.jobs = ctx.lister("jobs.batch", Job.class);
  }

  /** The loop: CronJobs, and Jobs mapped to their CronJob. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "cronjob", this, cronJobs.cache(), resync, workers);
    loop.watch(jobs.cache(), j -> {
      ObjectKey k = OwnedPodEvents.ownerKey(j, "CronJob");
      return k == null ? List.of() : List.of(k);
    });
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    CronJob cj = cronJobs.get(key);
    if (cj == null) {
      return Future.succeededFuture();
    }
    List<Job> owned = jobs.list(key.namespace()).stream().filter(j -> Owners.controlledBy(j.getMetadata(), cj)).toList();
    CronJobStatus status = observe(cj, owned);
    Instant now = ctx.clock().instant();
    CronSchedule schedule;
    ZoneId zone;
    try {
      schedule = CronSchedule.parse(cj.getSpec().getSchedule());
      zone = cj.getSpec().getTimeZone() == null ? ZoneOffset.UTC : ZoneId.of(cj.getSpec().getTimeZone());
    } catch (RuntimeException e) {
      ctx.events().record(COMPONENT, cj, EventRecorder.WARNING, "UnparseableSchedule",
          "unparseable schedule: \"" + cj.getSpec().getSchedule() + "\" : " + e.getMessage());
      return writeStatus(cj, status);
    }
    Future<Void> acted = Owners.deleting(cj) || Boolean.TRUE.equals(cj.getSpec().getSuspend())
        ? Future.succeededFuture() : schedule(cj, owned, status, schedule, zone, now);
    return acted.compose(v -> writeStatus(cj, status)).compose(v -> prune(cj, owned))
        .onSuccess(v -> requeue(key, schedule, zone, now));
  }

  /** The status from the owned Jobs: active ones, the last success; Events for Jobs seen finishing. */
  private CronJobStatus observe(CronJob cj, List<Job> owned) {
    CronJobStatus prev = cj.getStatus() == null ? new CronJobStatus() : cj.getStatus();
    CronJobStatus s = new CronJobStatus();
    s.setLastScheduleTime(prev.getLastScheduleTime());
    s.setLastSuccessfulTime(prev.getLastSuccessfulTime());
    List<ObjectReference> active = new ArrayList<>();
    for (Job j : owned) {
      String finished = finished(j);
      boolean wasActive = prev.getActive() != null && prev.getActive().stream()
          .anyMatch(r -> j.getMetadata().getUid().equals(r.getUid()));
      if (finished == null) {
        active.add(ref(j));
      } else if (wasActive) {
        ctx.events().record(COMPONENT, cj, EventRecorder.NORMAL, "SawCompletedJob",
            "Saw completed job: " + j.getMetadata().getName() + ", status: " + finished);
      }
      if ("Complete".equals(finished) && j.getStatus().getCompletionTime() != null
          && (s.getLastSuccessfulTime() == null
          || Times.parse(j.getStatus().getCompletionTime()).isAfter(Times.parse(s.getLastSuccessfulTime())))) {
        s.setLastSuccessfulTime(j.getStatus().getCompletionTime());
      }
    }
    active.sort(Comparator.comparing(ObjectReference::getName));
    s.setActive(active);
    return s;
  }

  private Future<Void> schedule(CronJob cj, List<Job> owned, CronJobStatus status, CronSchedule schedule, ZoneId zone,
                                Instant now) {
    Instant due = mostRecent(cj, schedule, zone, now);
    if (due == null) {
      return Future.succeededFuture();
    }
    String name = cj.getMetadata().getName() + "-" + due.getEpochSecond() / 60;
    if (owned.stream().anyMatch(j -> name.equals(j.getMetadata().getName()))) {
      return Future.succeededFuture();
    }
    Long deadline = cj.getSpec().getStartingDeadlineSeconds();
    if (deadline != null && due.plusSeconds(deadline).isBefore(now)) {
      ctx.events().record(COMPONENT, cj, EventRecorder.WARNING, "MissSchedule", "Missed scheduled time to start a job: "
          + Times.format(due));
      return Future.succeededFuture();
    }
    String policy = cj.getSpec().getConcurrencyPolicy() == null ? "Allow" : cj.getSpec().getConcurrencyPolicy();
    Future<Void> before = Future.succeededFuture();
    if (!status.getActive().isEmpty() && "Forbid".equals(policy)) {
      ctx.events().record(COMPONENT, cj, EventRecorder.NORMAL, "JobAlreadyActive",
          "Not starting job because prior execution is running and concurrency policy is Forbid");
      return Future.succeededFuture();
    }
    if (!status.getActive().isEmpty() && "Replace".equals(policy)) {
      List<Future<?>> deletes = new ArrayList<>();
      for (ObjectReference r : status.getActive()) {
        deletes.add(deleteJob(cj, r.getName(), r.getUid()));
      }
      status.setActive(new ArrayList<>());
      before = Future.join(deletes).mapEmpty();
    }
    return before.compose(v -> ctx.store().create(jobType, cj.getMetadata().getNamespace(),
            Typed.tree(jobFor(cj, name, due)), WriteOptions.none()))
        .onSuccess(created -> {
          Job j = Typed.from(created, Job.class);
          ctx.events().record(COMPONENT, cj, EventRecorder.NORMAL, "SuccessfulCreate", "Created job " + name);
          status.getActive().add(ref(j));
          status.setLastScheduleTime(Times.format(due));
        })
        .recover(e -> {
          if (e instanceof StatusException se && se.code() == 409) {
            status.setLastScheduleTime(Times.format(due));
            return Future.succeededFuture();
          }
          ctx.events().record(COMPONENT, cj, EventRecorder.WARNING, "FailedCreate", "Error creating job: " + e.getMessage());
          return Future.failedFuture(e);
        }).mapEmpty();
  }

  /** The latest scheduled time not after now and after the last one (or the creation), or null. */
  static Instant mostRecent(CronJob cj, CronSchedule schedule, ZoneId zone, Instant now) {
    Instant earliest = Times.parse(cj.getStatus() == null ? null : cj.getStatus().getLastScheduleTime());
    if (earliest == null) {
      earliest = Times.parse(cj.getMetadata().getCreationTimestamp());
    }
    if (earliest == null) {
      earliest = now;
    }
    Long deadline = cj.getSpec().getStartingDeadlineSeconds();
    if (deadline != null && earliest.isBefore(now.minusSeconds(deadline))) {
      earliest = now.minusSeconds(deadline);
    }
    Instant last = null;
    ZonedDateTime t = ZonedDateTime.ofInstant(earliest, zone);
    for (int i = 0; i < 10_000; i++) {
      ZonedDateTime next = schedule.next(t, zone);
      if (next == null || next.toInstant().isAfter(now)) {
        break;
      }
      last = next.toInstant();
      t = next;
    }
    return last;
  }

  static Job jobFor(CronJob cj, String name, Instant scheduled) {
    var template = cj.getSpec().getJobTemplate();
    Job j = new Job();
    ObjectMeta m = new ObjectMeta();
    m.setName(name);
    m.setNamespace(cj.getMetadata().getNamespace());
    ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    m.setLabels(tm.getLabels() == null ? new HashMap<>() : new HashMap<>(tm.getLabels()));
    m.setAnnotations(tm.getAnnotations() == null ? new HashMap<>() : new HashMap<>(tm.getAnnotations()));
    m.getAnnotations().put(SCHEDULED, Times.format(scheduled));
    m.setOwnerReferences(new ArrayList<>(List.of(Owners.controllerRef(cj))));
    j.setMetadata(m);
    j.setSpec(Lister.copy(template.getSpec()));
    return j;
  }

  private Future<Void> prune(CronJob cj, List<Job> owned) {
    int keepOk = cj.getSpec().getSuccessfulJobsHistoryLimit() == null ? 3 : cj.getSpec().getSuccessfulJobsHistoryLimit();
    int keepFailed = cj.getSpec().getFailedJobsHistoryLimit() == null ? 1 : cj.getSpec().getFailedJobsHistoryLimit();
    List<Future<?>> deletes = new ArrayList<>();
    for (String kind : List.of("Complete", "Failed")) {
      List<Job> done = new ArrayList<>(owned.stream().filter(j -> kind.equals(finished(j))
          && !Owners.deleting(j)).toList());
      done.sort(Comparator.comparing((Job j) -> j.getStatus().getStartTime() == null ? ""
          : j.getStatus().getStartTime()).thenComparing(j -> j.getMetadata().getName()));
      int keep = kind.equals("Complete") ? keepOk : keepFailed;
      for (int i = 0; i < done.size() - keep; i++) {
        Job j = done.get(i);
        deletes.add(deleteJob(cj, j.getMetadata().getName(), j.getMetadata().getUid()));
      }
    }
    return Future.join(deletes).mapEmpty();
  }

  private Future<Void> deleteJob(CronJob cj, String name, String uid) {
    return ctx.store().delete(jobType, cj.getMetadata().getNamespace(), name,
            WriteOptions.none().withUid(uid).withPropagationPolicy("Background"))
        .onSuccess(d -> ctx.events().record(COMPONENT, cj, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted job " + name))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  private Future<Void> writeStatus(CronJob cj, CronJobStatus status) {
    if (Typed.tree(status).equals(cj.getStatus() == null ? null : Typed.tree(cj.getStatus()))) {
      return Future.succeededFuture();
    }
    CronJob next = Lister.copy(cj);
    next.setStatus(status);
    return ctx.store().updateStatus(cjType, Typed.tree(next), WriteOptions.none()).mapEmpty();
  }

  private void requeue(ObjectKey key, CronSchedule schedule, ZoneId zone, Instant now) {
    ZonedDateTime next = schedule.next(ZonedDateTime.ofInstant(now, zone), zone);
    if (next != null && loop != null) {
      loop.enqueueAfter(key, Duration.between(now, next.toInstant()).plusMillis(100));
    }
  }

  /** "Complete" or "Failed" when the Job has finished, else null. */
  static String finished(Job j) {
    if (j.getStatus() == null || j.getStatus().getConditions() == null) {
      return null;
    }
    for (JobCondition c : j.getStatus().getConditions()) {
      if (("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus())) {
        return c.getType();
      }
    }
    return null;
  }

  private static ObjectReference ref(Job j) {
    ObjectReference r = new ObjectReference();
    r.setApiVersion("batch/v1");
    r.setKind("Job");
    r.setName(j.getMetadata().getName());
    r.setNamespace(j.getMetadata().getNamespace());
    r.setUid(j.getMetadata().getUid());
    r.setResourceVersion(j.getMetadata().getResourceVersion());
    return r;
  }
}
