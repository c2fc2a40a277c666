package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.name;
import static io.dekube.apiserver.rest.table.Cells.num;
import static io.dekube.apiserver.rest.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Tables of the batch/v1 kinds: jobs and cronjobs, with kubectl 1.32's columns. */
final class BatchPrinters {

  private static final String CONTAINERS = "Names of each container in the template.";
  private static final String IMAGES = "Images referenced by each container in the template.";

  private BatchPrinters() {
  }

  static TablePrinter jobs() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Status", "Status of the job."),
        Column.string("Completions", "The desired number of successfully finished pods the job should be run with."),
        Column.string("Duration", "Time required to complete the job."),
        Column.AGE, Column.wide("Containers", CONTAINERS), Column.wide("Images", IMAGES),
        Column.wide("Selector", "Label query over pods that should match the pod count.")), (j, now) -> {
          String[] c = Cells.containers(at(j, "spec", "template", "spec", "containers"));
          return List.of(name(j), jobStatus(j), completions(j), duration(j, now), age(j, now), c[0], c[1],
              Cells.formatSelector(at(j, "spec", "selector")));
        });
  }

  static TablePrinter cronJobs() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
        Column.string("Timezone", "The time zone name for the given schedule, see"
            + " https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
        Column.string("Suspend", "This flag tells the controller to suspend subsequent executions, it does not apply"
            + " to already started executions. Defaults to false."),
        Column.integer("Active", "A list of pointers to currently running jobs."),
        Column.string("Last Schedule", "Information when was the last time the job was successfully scheduled."),
        Column.AGE, Column.wide("Containers", CONTAINERS), Column.wide("Images", IMAGES),
        Column.wide("Selector", "Label query over pods that should match the pod count.")), (cj, now) -> {
          JsonNode podSpec = at(cj, "spec", "jobTemplate", "spec", "template", "spec", "containers");
          String[] c = Cells.containers(podSpec);
          String tz = str(cj, "spec", "timeZone");
          String last = str(cj, "status", "lastScheduleTime");
          return List.of(name(cj), str(cj, "spec", "schedule"), tz.isEmpty() ? "<none>" : tz,
              Boolean.toString(at(cj, "spec", "suspend").asBoolean(false)), (long) at(cj, "status", "active").size(),
              last.isEmpty() ? "<none>" : Cells.since(last, now), age(cj, now), c[0], c[1],
              Cells.formatSelector(at(cj, "spec", "jobTemplate", "spec", "selector")));
        });
  }

  /** kubectl's job status: the first of Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet; else Running. */
  static String jobStatus(JsonNode j) {
    for (String c : List.of("Complete", "Failed")) {
      if (Cells.conditionTrue(j, c)) {
        return c;
      }
    }
    if (at(j, "metadata", "deletionTimestamp").isTextual()) {
      return "Terminating";
    }
    for (String c : List.of("Suspended", "FailureTarget", "SuccessCriteriaMet")) {
      if (Cells.conditionTrue(j, c)) {
        return c;
      }
    }
    return "Running";
  }

  private static String completions(JsonNode j) {
    long done = num(j, "status", "succeeded");
    if (at(j, "spec", "completions").isNumber()) {
      return done + "/" + num(j, "spec", "completions");
    }
    long parallelism = num(j, "spec", "parallelism");
    return parallelism > 1 ? done + "/1 of " + parallelism : done + "/1";
  }

  private static String duration(JsonNode j, Instant now) {
    Instant start = Cells.parseTime(str(j, "status", "startTime"));
    if (start == null) {
      return "";
    }
    Instant end = Cells.parseTime(str(j, "status", "completionTime"));
    return Cells.humanDuration(Duration.between(start, end == null ? now : end));
  }
}
