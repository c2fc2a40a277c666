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
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPatternBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
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

  /** A pod of the job in a phase, finished (or created) at {@code at}, holding the tracking finalizer. */
  static Pod pod(String name, String phase, String at) {
    PodBuilder b = new PodBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns")
            .withUid("uid-" + name).withLabels(LABELS).withCreationTimestamp(at).withFinalizers(JobPods.TRACKING)
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName("pi")
                .withUid("uid-pi").withController(true).build()).build())
        .withNewSpec().withNodeName("n1").withContainers(new ContainerBuilder().withName("pi").withImage("x").build())
        .endSpec().withNewStatus().withPhase(phase).withConditions(new PodConditionBuilder().withType("Ready")
            .withStatus("Running".equals(phase) ? "True" : "False").withLastTransitionTime(at).build()).endStatus();
    return b.build();
  }

  static Pod indexed(Pod p, int index) {
    p.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(JobPods.INDEX, Integer.toString(index))));
    return p;
  }

  /** The pod's container ended with {@code code}. */
  static Pod exited(Pod p, int code) {
    p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("pi").withNewState()
        .withNewTerminated().withExitCode(code).withFinishedAt(p.getMetadata().getCreationTimestamp()).endTerminated()
        .endState().build()));
    return p;
  }

  /** The pod is being deleted. */
  static Pod deleting(Pod p) {
    p.getMetadata().setDeletionTimestamp("2026-01-01T00:01:00Z");
    return p;
  }

  static Pod withCondition(Pod p, String type) {
    List<PodCondition> cs = new ArrayList<>(p.getStatus().getConditions());
    cs.add(new PodConditionBuilder().withType(type).withStatus("True").build());
    p.getStatus().setConditions(cs);
    return p;
  }

  static Pod failures(Pod p, int counted) {
    p.getMetadata().getAnnotations().put(JobPods.FAILURE_COUNT, Integer.toString(counted));
    return p;
  }

  static PodFailurePolicyRule onExit(String action, String operator, Integer... codes) {
    return new PodFailurePolicyRuleBuilder().withAction(action).withNewOnExitCodes().withOperator(operator)
        .withValues(codes).endOnExitCodes().build();
  }

  static PodFailurePolicyRule onCondition(String action, String type) {
    return new PodFailurePolicyRuleBuilder().withAction(action)
        .withOnPodConditions(new PodFailurePolicyOnPodConditionsPatternBuilder().withType(type).withStatus("True").build())
        .build();
  }

  static JobBuilder policy(JobBuilder b, PodFailurePolicyRule... rules) {
    return b.editSpec().withPodReplacementPolicy("Failed").withNewPodFailurePolicy().withRules(rules)
        .endPodFailurePolicy().endSpec();
  }

  /** An Indexed job of 3 completions, 3 at a time, with backoffLimitPerIndex 1. */
  static JobBuilder perIndex() {
    return job(3, 3).editSpec().withCompletionMode("Indexed").withBackoffLimitPerIndex(1)
        .withBackoffLimit(Integer.MAX_VALUE).endSpec();
  }

  record Want(int creates, int deletes, String condition, String reason, int active, int succeeded, int failed) {
  }

  static final String OLD = "2026-01-01T00:01:00Z";

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
        Arguments.of("failures past backoffLimit: FailureTarget, active pods deleted and counted failed",
            job(3, 2).editSpec().withBackoffLimit(1).endSpec().build(), List.of(
            pod("a", "Failed", "2026-01-01T00:05:00Z"), pod("b", "Failed", "2026-01-01T00:06:00Z"),
            pod("c", "Running", "2026-01-01T00:06:00Z")),
            new Want(0, 1, "FailureTarget", "BackoffLimitExceeded", 0, 0, 3)),
        Arguments.of("failures past backoffLimit, nothing left running: Failed at once",
            job(3, 2).editSpec().withBackoffLimit(1).endSpec().build(), List.of(
            pod("a", "Failed", "2026-01-01T00:05:00Z"), pod("b", "Failed", "2026-01-01T00:06:00Z")),
            new Want(0, 0, "Failed", "BackoffLimitExceeded", 0, 0, 2)),
        Arguments.of("a fresh failure waits out the 10 s back-off", job(1, 1).build(), List.of(
            pod("a", "Failed", "2026-01-01T00:09:55Z")), new Want(0, 0, null, null, 0, 0, 1)),
        Arguments.of("after the back-off the pod is replaced", job(1, 1).build(), List.of(
            pod("a", "Failed", "2026-01-01T00:09:45Z")), new Want(1, 0, null, null, 1, 0, 1)),
        Arguments.of("the back-off doubles: two failures wait 20 s", job(1, 1).build(), List.of(
            pod("a", "Failed", "2026-01-01T00:09:00Z"), pod("b", "Failed", "2026-01-01T00:09:45Z")),
            new Want(0, 0, null, null, 0, 0, 2)),
        Arguments.of("past activeDeadlineSeconds: Failed", job(3, 1).editSpec().withActiveDeadlineSeconds(60L).endSpec()
            .editStatus().withStartTime("2026-01-01T00:08:00Z").endStatus().build(), List.of(
            pod("a", "Running", "2026-01-01T00:08:00Z")), new Want(0, 1, "FailureTarget", "DeadlineExceeded", 0, 0, 1)),
        Arguments.of("too many active pods: the surplus goes", job(2, 1).build(), List.of(
            pod("a", "Running", "2026-01-01T00:05:00Z"), pod("b", "Running", "2026-01-01T00:06:00Z")),
            new Want(0, 1, null, null, 1, 0, 0)),
        Arguments.of("suspended: active pods deleted", job(2, 2).editSpec().withSuspend(true).endSpec().build(), List.of(
            pod("a", "Running", "2026-01-01T00:05:00Z")), new Want(0, 1, "Suspended", "JobSuspended", 0, 0, 0)),
        Arguments.of("a pod deleted before it finished counts as failed and is replaced", job(1, 1).build(), List.of(
            deleting(pod("a", "Running", OLD))), new Want(1, 0, null, null, 1, 0, 1)),
        Arguments.of("podReplacementPolicy Failed: a terminating pod is neither failed nor replaced",
            job(1, 1).editSpec().withPodReplacementPolicy("Failed").endSpec().build(), List.of(
            deleting(pod("a", "Running", OLD))), new Want(0, 0, null, null, 0, 0, 0)),
        Arguments.of("podFailurePolicy FailJob on exit code 42: Failed at once",
            policy(job(3, 1), onExit("FailJob", "In", 42)).build(), List.of(exited(pod("a", "Failed", OLD), 42)),
            new Want(0, 0, "Failed", "PodFailurePolicy", 0, 0, 1)),
        Arguments.of("podFailurePolicy FailJob: other pods are deleted and the end waits for them",
            policy(job(3, 2), onExit("FailJob", "In", 42)).build(), List.of(exited(pod("a", "Failed", OLD), 42),
                pod("b", "Running", OLD)), new Want(0, 1, "FailureTarget", "PodFailurePolicy", 0, 0, 2)),
        Arguments.of("podFailurePolicy NotIn: an exit code outside the list fails the job",
            policy(job(3, 1), onExit("FailJob", "NotIn", 1, 2)).build(), List.of(exited(pod("a", "Failed", OLD), 3)),
            new Want(0, 0, "Failed", "PodFailurePolicy", 0, 0, 1)),
        Arguments.of("podFailurePolicy Ignore on DisruptionTarget: not counted against backoffLimit, replaced",
            policy(job(1, 1).editSpec().withBackoffLimit(0).endSpec(), onCondition("Ignore", "DisruptionTarget")).build(),
            List.of(withCondition(pod("a", "Failed", OLD), "DisruptionTarget")), new Want(1, 0, null, null, 1, 0, 0)),
        Arguments.of("podFailurePolicy Count: counted against backoffLimit",
            policy(job(1, 1).editSpec().withBackoffLimit(0).endSpec(), onExit("Ignore", "In", 1), onExit("Count", "In", 2))
                .build(), List.of(exited(pod("a", "Failed", OLD), 2)),
            new Want(0, 0, "Failed", "BackoffLimitExceeded", 0, 0, 1)),
        Arguments.of("backoffLimitPerIndex: an index past its limit fails, the others run on", perIndex().build(),
            List.of(failures(indexed(pod("a", "Failed", OLD), 0), 1), indexed(pod("b", "Running", OLD), 1),
                indexed(pod("c", "Running", OLD), 2)), new Want(0, 0, null, null, 2, 0, 1)),
        Arguments.of("backoffLimitPerIndex: every index finished, one failed: FailedIndexes", perIndex().build(),
            List.of(failures(indexed(pod("a", "Failed", OLD), 0), 1), indexed(pod("b", "Succeeded", OLD), 1),
                indexed(pod("c", "Succeeded", OLD), 2)), new Want(0, 0, "Failed", "FailedIndexes", 0, 2, 1)),
        Arguments.of("backoffLimitPerIndex: more failed indexes than maxFailedIndexes",
            perIndex().editSpec().withMaxFailedIndexes(0).endSpec().build(),
            List.of(failures(indexed(pod("a", "Failed", OLD), 0), 1), indexed(pod("b", "Running", OLD), 1)),
            new Want(0, 1, "FailureTarget", "MaxFailedIndexesExceeded", 0, 0, 2)),
        Arguments.of("podFailurePolicy FailIndex fails the index at the first failure",
            policy(perIndex(), onExit("FailIndex", "In", 42)).build(),
            List.of(exited(indexed(pod("a", "Failed", OLD), 0), 42), indexed(pod("b", "Running", OLD), 1),
                indexed(pod("c", "Running", OLD), 2)), new Want(0, 0, null, null, 2, 0, 1)),
        Arguments.of("successPolicy: the listed index succeeded, the rest is deleted",
            job(3, 3).editSpec().withCompletionMode("Indexed").withNewSuccessPolicy().addNewRule()
                .withSucceededIndexes("0").endRule().endSuccessPolicy().endSpec().build(),
            List.of(indexed(pod("a", "Succeeded", OLD), 0), indexed(pod("b", "Running", OLD), 1)),
            new Want(0, 1, "SuccessCriteriaMet", "SuccessPolicy", 0, 1, 0)));
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
    } else if ("FailureTarget".equals(want.condition())) {
      assertTrue(trueConditions.contains(want.condition() + "/" + want.reason()), trueConditions.toString());
      assertTrue(trueConditions.stream().noneMatch(c -> c.startsWith("Failed/")), "Failed waits: " + trueConditions);
    } else {
      assertTrue(trueConditions.contains(want.condition() + "/" + want.reason()), trueConditions.toString());
    }
    if ("Complete".equals(want.condition())) {
      assertEquals(NOW, status.path("completionTime").asText());
      assertTrue(fake.eventReasons().contains("Completed: Job completed"), fake.eventReasons().toString());
    }
    if ("Failed".equals(want.condition()) && "BackoffLimitExceeded".equals(want.reason())) {
      assertTrue(fake.eventReasons().contains("BackoffLimitExceeded: Job has reached the specified backoff limit"));
    }
    for (ObjectNode p : fake.store.items(podType, "ns")) {
      String phase = p.path("status").path("phase").asText();
      boolean finished = phase.equals("Succeeded") || phase.equals("Failed") || p.path("metadata").has("deletionTimestamp");
      if (finished && want.condition() != null && !"Suspended".equals(want.condition())) {
        assertTrue(p.path("metadata").path("finalizers").isEmpty(), "finalizer left on " + p);
      }
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
    assertEquals(List.of(), fake.writes().stream().filter(w -> !w.startsWith("create pods ns/b")
        && !w.startsWith("patch pods ns/b")).toList());
    assertTrue(fake.store.object(podType, "ns", "b").path("metadata").path("finalizers").isEmpty(),
        "a finished job's pods lose the tracking finalizer");
  }

  @Test
  void createdPodsCarryTheTrackingFinalizer() {
    fake.store.put(jobType, job(1, 1).build());
    done(controller.sync(KEY));
    assertEquals(JobPods.TRACKING,
        fake.store.items(podType, "ns").get(0).path("metadata").path("finalizers").get(0).asText());
  }

  @Test
  void aDeletedJobsPodsLoseTheFinalizer() {
    fake.store.put(podType, deleting(pod("a", "Running", OLD)));
    fake.store.put(podType, pod("b", "Succeeded", OLD));
    done(controller.sync(KEY));
    assertEquals(null, fake.store.object(podType, "ns", "a"), "the deleted pod is gone");
    assertTrue(fake.store.object(podType, "ns", "b").path("metadata").path("finalizers").isEmpty());
  }

  @Test
  void aPodWhoseFinalizerRemovalIsPendingIsNotCountedTwice() {
    fake.store.put(jobType, job(2, 1).editStatus().withSucceeded(1).endStatus().build());
    fake.store.put(podType, pod("a", "Succeeded", OLD));
    fake.store.put(podType, pod("b", "Running", OLD));
    controller.removals().expect(KEY, "uid-a");
    done(controller.sync(KEY));
    assertEquals(1, fake.store.object(jobType, "ns", "pi").path("status").path("succeeded").asInt());
    assertEquals(JobPods.TRACKING, fake.store.object(podType, "ns", "a").path("metadata").path("finalizers").get(0)
        .asText(), "no second removal");
  }

  @Test
  void aJobReadOlderThanItsLastStatusWriteWaitsForTheInformer() {
    fake.store.put(jobType, job(1, 1).build());
    Pod counted = pod("a", "Succeeded", OLD);
    counted.getMetadata().setFinalizers(List.of());
    fake.store.put(podType, counted);
    controller.written().wrote(KEY, "999999");
    done(controller.sync(KEY));
    assertEquals(List.of(), fake.writes().stream().filter(w -> !w.startsWith("put ")).toList(),
        "a status from before the pod was counted must not make the Job start its pod again");
  }

  @Test
  void aSucceededPodIsCountedThroughUncountedTerminatedPodsThenComplete() {
    List<JsonNode> statuses = new ArrayList<>();
    fake.store.put(jobType, job(1, 1).build());
    fake.store.cache(jobType).addHandler(new io.dekube.core.informer.InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        statuses.add(newObject.path("status").deepCopy());
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
      }
    });
    fake.store.put(podType, pod("a", "Succeeded", OLD));
    done(controller.sync(KEY));
    assertEquals(2, statuses.size(), statuses.toString());
    assertEquals("uid-a", statuses.get(0).path("uncountedTerminatedPods").path("succeeded").get(0).asText());
    assertEquals(0, statuses.get(0).path("succeeded").asInt());
    assertEquals(List.of("SuccessCriteriaMet"), conditionTypes(statuses.get(0)));
    assertEquals(1, statuses.get(1).path("succeeded").asInt());
    assertTrue(statuses.get(1).path("uncountedTerminatedPods").path("succeeded").isEmpty());
    assertEquals(List.of("SuccessCriteriaMet", "Complete"), conditionTypes(statuses.get(1)));
    assertTrue(fake.store.object(podType, "ns", "a").path("metadata").path("finalizers").isEmpty());
  }

  @Test
  void theFailJobMessageNamesTheContainerPodAndRule() {
    fake.store.put(jobType, policy(job(1, 1), onExit("Ignore", "In", 1), onExit("FailJob", "In", 42)).build());
    fake.store.put(podType, exited(pod("a", "Failed", OLD), 42));
    done(controller.sync(KEY));
    JsonNode failed = fake.store.object(jobType, "ns", "pi").path("status").path("conditions").get(1);
    assertEquals("Failed", failed.path("type").asText());
    assertEquals("Container pi for pod ns/a failed with exit code 42 matching FailJob rule at index 1",
        failed.path("message").asText());
    assertTrue(fake.eventReasons().contains(
        "PodFailurePolicy: Container pi for pod ns/a failed with exit code 42 matching FailJob rule at index 1"));
  }

  @Test
  void backoffLimitPerIndexReplacesAFailedIndexWithItsFailureCount() {
    fake.store.put(jobType, perIndex().build());
    fake.store.put(podType, indexed(pod("a", "Failed", OLD), 0));
    fake.store.put(podType, indexed(pod("b", "Running", OLD), 1));
    fake.store.put(podType, indexed(pod("c", "Running", OLD), 2));
    done(controller.sync(KEY));
    ObjectNode replacement = fake.store.items(podType, "ns").stream()
        .filter(p -> p.path("metadata").path("name").asText().startsWith("pi-0-")).findFirst().orElseThrow();
    assertEquals("1", replacement.path("metadata").path("annotations").path(JobPods.FAILURE_COUNT).asText());
    assertEquals(JobPods.TRACKING, fake.store.object(podType, "ns", "a").path("metadata").path("finalizers").get(0)
        .asText(), "the failed pod waits for its replacement");
    JsonNode status = fake.store.object(jobType, "ns", "pi").path("status");
    assertEquals("", status.path("failedIndexes").asText());
    assertEquals(0, status.path("failed").asInt());
  }

  static List<String> conditionTypes(JsonNode status) {
    List<String> out = new ArrayList<>();
    status.path("conditions").forEach(c -> out.add(c.path("type").asText()));
    return out;
  }

  @Test
  void completedIndexesAreCompressedAsKubeWritesThem() {
    assertEquals("1,3-5,7", Indexes.none().with(List.of(1, 3, 4, 5, 7)).toString());
    assertEquals("0,1", Indexes.none().with(List.of(0, 1)).toString());
    assertEquals("", Indexes.none().toString());
    assertEquals("0-2,5", Indexes.parse("0,1-2,x,5,9-12", 9).toString());
  }

  static UnaryOperator<JobBuilder> none() {
    return b -> b;
  }
}
