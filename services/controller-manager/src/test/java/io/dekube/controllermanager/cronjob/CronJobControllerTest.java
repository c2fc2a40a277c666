package io.dekube.controllermanager.cronjob;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CronJobControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType cjType = fake.store.type("cronjobs.batch");
  private final ResourceType jobType = fake.store.type("jobs.batch");
  private final CronJobController controller = new CronJobController(fake.ctx);
  private static final ObjectKey KEY = new ObjectKey("ns", "tick");
  /** The fake clock says 00:10:00; a job of the 00:10 run is named tick-<minutes since the epoch>. */
  static final String DUE = "tick-" + java.time.Instant.parse("2026-01-01T00:10:00Z").getEpochSecond() / 60;

  static CronJobBuilder cj(String schedule, String policy) {
    return new CronJobBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("tick").withNamespace("ns").withUid("uid-tick")
            .withCreationTimestamp("2026-01-01T00:00:00Z").build())
        .withNewSpec().withSchedule(schedule).withConcurrencyPolicy(policy).withSuccessfulJobsHistoryLimit(1)
        .withNewJobTemplate().withNewMetadata().addToLabels("app", "tick").endMetadata().withNewSpec().withNewTemplate()
        .withNewSpec().withRestartPolicy("Never").withContainers(new ContainerBuilder().withName("c")
            .withImage("dekube/crash").build()).endSpec().endTemplate().endSpec().endJobTemplate().endSpec()
        .withNewStatus().withLastScheduleTime("2026-01-01T00:05:00Z").endStatus();
  }

  static Job job(String name, String condition, String start) {
    JobBuilder b = new JobBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns")
            .withUid("uid-" + name).withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1")
                .withKind("CronJob").withName("tick").withUid("uid-tick").withController(true).build()).build())
        .withNewSpec().endSpec().withNewStatus().withStartTime(start).endStatus();
    if (condition != null) {
      b.editStatus().withConditions(new JobConditionBuilder().withType(condition).withStatus("True").build())
          .withCompletionTime(start).endStatus();
    }
    return b.build();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a due run creates its Job", cj("*/5 * * * *", "Allow").build(), List.of(),
            List.of("create jobs.batch ns/" + DUE)),
        Arguments.of("nothing due since the last run", cj("0 * * * *", "Allow").build(), List.of(), List.of()),
        Arguments.of("suspended", cj("*/5 * * * *", "Allow").editSpec().withSuspend(true).endSpec().build(), List.of(),
            List.of()),
        Arguments.of("Forbid while one runs", cj("*/5 * * * *", "Forbid").editStatus().withActive(
            new ObjectReferenceBuilder().withName("tick-1").withUid("uid-tick-1").build()).endStatus().build(),
            List.of(job("tick-1", null, "2026-01-01T00:05:00Z")), List.of()),
        Arguments.of("Replace deletes the running one first", cj("*/5 * * * *", "Replace").build(),
            List.of(job("tick-1", null, "2026-01-01T00:05:00Z")),
            List.of("create jobs.batch ns/" + DUE, "delete jobs.batch ns/tick-1")),
        Arguments.of("missed by more than startingDeadlineSeconds", cj("*/5 * * * *", "Allow").editMetadata()
            .withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata().editSpec().withStartingDeadlineSeconds(10L)
            .withSchedule("9 * * * *").endSpec().editStatus().withLastScheduleTime(null).endStatus().build(),
            List.of(), List.of()),
        Arguments.of("finished Jobs beyond the history limit go", cj("0 * * * *", "Allow").build(), List.of(
            job("tick-1", "Complete", "2026-01-01T00:01:00Z"), job("tick-2", "Complete", "2026-01-01T00:02:00Z")),
            List.of("delete jobs.batch ns/tick-1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void syncs(String name, CronJob cj, List<Job> jobs, List<String> want) {
    fake.store.put(cjType, cj);
    jobs.forEach(j -> fake.store.put(jobType, j));
    done(controller.sync(KEY));
    assertEquals(want, fake.writes().stream().filter(w -> w.contains(" jobs.batch ")).sorted().toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("created")
  void theJobComesFromTheTemplateAndIsActive(String name) {
    fake.store.put(cjType, cj("*/5 * * * *", "Allow").build());
    done(controller.sync(KEY));
    ObjectNode j = fake.store.object(jobType, "ns", DUE);
    assertEquals("tick", j.at("/metadata/labels/app").asText());
    assertEquals("2026-01-01T00:10:00Z", j.at("/metadata/annotations/batch.kubernetes.io~1cronjob-scheduled-timestamp")
        .asText());
    assertEquals("CronJob", j.at("/metadata/ownerReferences/0/kind").asText());
    ObjectNode status = (ObjectNode) fake.store.object(cjType, "ns", "tick").path("status");
    assertEquals("2026-01-01T00:10:00Z", status.path("lastScheduleTime").asText());
    assertEquals(DUE, status.at("/active/0/name").asText());
    assertTrue(fake.eventReasons().contains("SuccessfulCreate: Created job " + DUE));
  }

  static Stream<String> created() {
    return Stream.of("created");
  }
}
