package io.dekube.controllermanager.job;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobControllerTest {

  static final Map<String, String> LABELS = Map.of("batch.kubernetes.io/controller-uid", "uid-pi",
      "batch.kubernetes.io/job-name", "pi");
  static final String NOW = "2026-01-01T00:10:00Z";

  private final Fake fake = new Fake();
  private final ResourceType jobType = fake.store.type("jobs.batch");
  private final ResourceType podType = fake.store.type("pods");
  private final JobController controller = new JobController(fake.ctx);
  private static final ObjectKey KEY = new ObjectKey("ns", "pi");

  /** A job of the given completions and parallelism (null = unset) with backoffLimit 6. */
  static JobBuilder job(Integer completions, int parallelism) {
    return new JobBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("pi").withNamespace("ns").withUid("uid-pi").build())
        .withNewSpec().withCompletions(completions).withParallelism(parallelism).withBackoffLimit(6)
        .withCompletionMode("NonIndexed")
        .withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("batch.kubernetes.io/controller-uid", "uid-pi"))
            .build())
        .withTemplate(new PodTemplateSpecBuilder().withNewMetadata().withLabels(LABELS).endMetadata()
            .withNewSpec().withRestartPolicy("Never")
            .withContainers(new ContainerBuilder().withName("pi").withImage("dekube/crash").build()).endSpec().build())
        .endSpec().withNewStatus().endStatus();
  }

  /** A pod of the job in a phase, finished (or created) at {@code at}. */
  static Pod pod(String name, String phase, String at) {
    PodBuilder b = new PodBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns")
            .withUid("uid-" + name).withLabels(LABELS).withCreationTimestamp(at)
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName("pi")
                .withUid("uid-pi").withController(true).build()).build())
        .withNewSpec().withNodeName("n1").withContainers(new ContainerBuilder().withName("pi").withImage("x").build())
        .endSpec().withNewStatus().withPhase(phase).withConditions(new PodConditionBuilder().withType("Ready")
            .withStatus("Running".equals(phase) ? "True" : "False").withLastTransitionTime(at).build()).endStatus();
    return b.build();
  }

  static Pod indexed(Pod p, int index) {
    p.getMetadata().setAnnotations(Map.of(JobPods.INDEX, Integer.toString(index)));
    return p;
  }

  record Want(int creates, int deletes, String condition, String reason, int active, int succeeded, int failed) {
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a new job starts parallelism pods", job(3, 2).build(), List.<Pod>of(),
            new Want(2, 0, null, null, 2, 0, 0)),
        Arguments.of("no more pods than completions left", job(3, 2).build(), List.of(
            pod("a", "Succeeded", "2026-01-01T00:05:00Z"), pod("b", "Succeeded", "2026-01-01T00:05:00Z"),
            pod("c", "Running", "2026-01-01T00:05:00Z")), new Want(0, 0, null, null, 1, 2, 0)),
        Arguments.of("completions reached: Complete", job(3, 2).build(), List.of(
            pod("a", "Succeeded", "2026-01-01T00:05:00Z"), pod("b", "Succeeded", "2026-01-01T00:05:00Z"),
            pod("c", "Succeeded", "2026-01-01T00:05:00Z")), new Want(0, 0, "Complete", "CompletionsReached", 0, 3, 0)),
        Arguments.of("work queue: the first success with nothing active completes", job(null, 2).build(), List.of(
            pod("a", "Succeeded", "2026-01-01T00:05:00Z")), new Want(0, 0, "Complete", "CompletionsReached", 0, 1, 0)),
        Arguments.of("failures past backoffLimit: Failed, active pods deleted",
            job(3, 2).editSpec().withBackoffLimit(1).endSpec().build(), List.of(
            pod("a", "Failed", "2026-01-01T00:05:00Z"), pod("b", "Failed", "2026-01-01T00:06:00Z"),
            pod("c", "Running", "2026-01-01T00:06:00Z")),
            new Want(0, 1, "Failed", "BackoffLimitExceeded", 0, 0, 2)),
        Arguments.of("a fresh failure waits out the 10 s back-off", job(1, 1).build(), List.of(
            pod("a", "Failed", "2026-01-01T00:09:55Z")), new Want(0, 0, null, null, 0, 0, 1)),
        Arguments.of("after the back-off the pod is replaced", job(1, 1).build(), List.of(
            pod("a", "Failed", "2026-01-01T00:09:45Z")), new Want(1, 0, null, null, 1, 0, 1)),
        Arguments.of("the back-off doubles: two failures wait 20 s", job(1, 1).build(), List.of(
            pod("a", "Failed", "2026-01-01T00:09:00Z"), pod("b", "Failed", "2026-01-01T00:09:45Z")),
            new Want(0, 0, null, null, 0, 0, 2)),
        Arguments.of("past activeDeadlineSeconds: Failed", job(3, 1).editSpec().withActiveDeadlineSeconds(60L).endSpec()
            .editStatus().withStartTime("2026-01-01T00:08:00Z").endStatus().build(), List.of(
            pod("a", "Running", "2026-01-01T00:08:00Z")), new Want(0, 1, "Failed", "DeadlineExceeded", 0, 0, 0)),
        Arguments.of("too many active pods: the surplus goes", job(2, 1).build(), List.of(
            pod("a", "Running", "2026-01-01T00:05:00Z"), pod("b", "Running", "2026-01-01T00:06:00Z")),
            new Want(0, 1, null, null, 1, 0, 0)),
        Arguments.of("suspended: active pods deleted", job(2, 2).editSpec().withSuspend(true).endSpec().build(), List.of(
            pod("a", "Running", "2026-01-01T00:05:00Z")), new Want(0, 1, "Suspended", "JobSuspended", 0, 0, 0)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void syncs(String name, Job job, List<Pod> pods, Want want) {
    fake.store.put(jobType, job);
    pods.forEach(p -> fake.store.put(podType, p));
    done(controller.sync(KEY));
    assertEquals(want.creates(), fake.writes().stream().filter(w -> w.startsWith("create pods")).count(), "creates");
    assertEquals(want.deletes(), fake.writes().stream().filter(w -> w.startsWith("delete pods")).count(), "deletes");
    JsonNode status = fake.store.object(jobType, "ns", "pi").path("status");
    assertEquals(want.active(), status.path("active").asInt(), "active");
    assertEquals(want.succeeded(), status.path("succeeded").asInt(), "succeeded");
    assertEquals(want.failed(), status.path("failed").asInt(), "failed");
    List<String> trueConditions = new ArrayList<>();
    status.path("conditions").forEach(c -> {
      if ("True".equals(c.path("status").asText())) {
        trueConditions.add(c.path("type").asText() + "/" + c.path("reason").asText());
      }
    });
    if (want.condition() == null) {
      assertEquals(List.of(), trueConditions);
    } else {
      assertTrue(trueConditions.contains(want.condition() + "/" + want.reason()), trueConditions.toString());
    }
    if ("Complete".equals(want.condition())) {
      assertEquals(NOW, status.path("completionTime").asText());
      assertTrue(fake.eventReasons().contains("Completed: Job completed"), fake.eventReasons().toString());
    }
    if ("BackoffLimitExceeded".equals(want.reason())) {
      assertTrue(fake.eventReasons().contains("BackoffLimitExceeded: Job has reached the specified backoff limit"));
    }
  }

  @Test
  void createdPodsCarryTheJobsLabelsAndOwner() {
    fake.store.put(jobType, job(1, 1).build());
    done(controller.sync(KEY));
    ObjectNode p = fake.store.items(podType, "ns").get(0);
    assertTrue(p.path("metadata").path("name").asText().startsWith("pi-"));
    assertEquals("pi", p.path("metadata").path("labels").path("batch.kubernetes.io/job-name").asText());
    assertEquals("Job", p.path("metadata").path("ownerReferences").get(0).path("kind").asText());
    assertEquals(NOW, fake.store.object(jobType, "ns", "pi").path("status").path("startTime").asText());
    assertTrue(fake.eventReasons().get(0).startsWith("SuccessfulCreate: Created pod: pi-"));
  }

  @Test
  void indexedJobsCreateTheMissingIndexes() {
    fake.store.put(jobType, job(3, 3).editSpec().withCompletionMode("Indexed").endSpec().build());
    fake.store.put(podType, indexed(pod("pi-1-x", "Succeeded", "2026-01-01T00:05:00Z"), 1));
    done(controller.sync(KEY));
    List<String> indexes = fake.store.items(podType, "ns").stream()
        .filter(p -> !p.path("metadata").path("name").asText().equals("pi-1-x"))
        .map(p -> p.path("metadata").path("annotations").path(JobPods.INDEX).asText()).sorted().toList();
    assertEquals(List.of("0", "2"), indexes);
    ObjectNode pod0 = fake.store.items(podType, "ns").stream()
        .filter(p -> "0".equals(p.path("metadata").path("labels").path(JobPods.INDEX).asText())).findFirst().orElseThrow();
    assertEquals("pi-0", pod0.path("spec").path("hostname").asText());
    assertEquals(JobPods.INDEX_ENV, pod0.path("spec").path("containers").get(0).path("env").get(0).path("name").asText());
    assertEquals("1", fake.store.object(jobType, "ns", "pi").path("status").path("completedIndexes").asText());
  }

  @Test
  void pendingExpectationsHoldBackASecondCreate() {
    fake.store.put(jobType, job(2, 2).build());
    controller.expectations().expect(KEY, 2, 0);
    done(controller.sync(KEY));
    assertEquals(List.of(), fake.writes().stream().filter(w -> w.startsWith("create pods")).toList());
  }

  @Test
  void aFinishedJobIsLeftAlone() {
    Job j = job(1, 1).build();
    fake.store.put(jobType, j);
    fake.store.put(podType, pod("a", "Succeeded", "2026-01-01T00:05:00Z"));
    done(controller.sync(KEY));
    fake.clearWritesForDebug();
    fake.store.put(podType, pod("b", "Running", "2026-01-01T00:05:00Z"));
    done(controller.sync(KEY));
    assertEquals(List.of(), fake.writes().stream().filter(w -> !w.startsWith("create pods ns/b")).toList());
  }

  @Test
  void completedIndexesAreCompressedAsKubeWritesThem() {
    assertEquals("1,3-5,7", JobPlan.formatIndexes(new java.util.TreeSet<>(List.of(1, 3, 4, 5, 7))));
    assertEquals("0,1", JobPlan.formatIndexes(new java.util.TreeSet<>(List.of(0, 1))));
    assertEquals("", JobPlan.formatIndexes(new java.util.TreeSet<>()));
  }

  static UnaryOperator<JobBuilder> none() {
    return b -> b;
  }
}
