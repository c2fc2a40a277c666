package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.cron.CronSchedule;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;

/**
 * batch/v1 CronJobs, as kube-apiserver's cronjob strategy: defaults (concurrencyPolicy Allow, suspend
 * false, history limits 3 and 1, the jobTemplate's JobSpec defaults), a schedule that parses, a known
 * timeZone, a concurrencyPolicy of Allow, Forbid or Replace, and a valid jobTemplate.
 */
final class CronJobAdmission implements KindAdmission {

  @Override
  public void defaults(ObjectNode obj, ObjectNode old) {
    ObjectNode spec = Nodes.obj(obj, "spec");
    Nodes.defaultText(spec, "concurrencyPolicy", "Allow");
    Nodes.defaultBool(spec, "suspend", false);
    Nodes.defaultInt(spec, "successfulJobsHistoryLimit", 3);
    Nodes.defaultInt(spec, "failedJobsHistoryLimit", 1);
    JobAdmission.jobSpecDefaults(Nodes.obj(Nodes.obj(spec, "jobTemplate"), "spec"),
        old == null ? null : old.path("spec").path("jobTemplate").path("spec"));
    if (!obj.has("status")) {
      obj.putObject("status");
    }
  }

  @Override
  public void validate(ObjectNode obj, ObjectNode old, FieldErrors errs) {
    JsonNode spec = obj.path("spec");
    String schedule = spec.path("schedule").asText("");
    if (schedule.isEmpty()) {
      errs.required("spec.schedule");
    } else {
      try {
        CronSchedule.parse(schedule);
      } catch (IllegalArgumentException e) {
        errs.invalid("spec.schedule", schedule, e.getMessage());
      }
    }
    JsonNode tz = spec.get("timeZone");
    if (tz != null && !tz.isNull()) {
      try {
        ZoneId.of(tz.asText());
      } catch (DateTimeException e) {
        errs.invalid("spec.timeZone", tz.asText(), "unknown time zone " + tz.asText());
      }
    }
    PodSpecValidation.enumField(spec, "concurrencyPolicy", "spec", List.of("Allow", "Forbid", "Replace"), errs);
    for (String f : List.of("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit")) {
      JsonNode v = spec.get(f);
      if (v != null && v.isNumber() && v.asLong() < 0) {
        errs.invalid("spec." + f, v, "must be greater than or equal to 0");
      }
    }
    JobAdmission.validateSpec(spec.path("jobTemplate").path("spec"), "spec.jobTemplate.spec", errs);
  }
}
