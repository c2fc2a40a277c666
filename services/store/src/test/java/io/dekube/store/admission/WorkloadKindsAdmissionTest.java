package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.StatusException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Defaults and validation of Jobs, StatefulSets, DaemonSets and ReplicationControllers as kube-apiserver's strategies. */
class WorkloadKindsAdmissionTest {

  static final String JOB = """
      apiVersion: batch/v1
      kind: Job
      metadata: {name: pi, namespace: d, uid: u-1}
      spec:
        template:
          spec:
            restartPolicy: Never
            containers: [{name: pi, image: dekube/crash}]
      """;

  static final String STS = """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web, namespace: d}
      spec:
        selector: {matchLabels: {app: web}}
        serviceName: web
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: web, image: dekube/web, volumeMounts: [{name: data, mountPath: /data}]}]
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
      """;

  @Test
  void aJobGetsKubesDefaultsAndAGeneratedSelector() {
    ObjectNode job = create("jobs.batch", JOB);
    assertEquals("{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"u-1\"}}", job.at("/spec/selector").toString());
    assertEquals("pi", job.at("/spec/template/metadata/labels/batch.kubernetes.io~1job-name").asText());
    assertEquals("u-1", job.at("/spec/template/metadata/labels/controller-uid").asText());
    assertEquals(job.at("/spec/template/metadata/labels"), job.at("/metadata/labels"),
        "a Job without labels has its template's: kubectl get jobs -l job-name=pi finds it");
    assertEquals("pi", job.at("/spec/template/metadata/labels/job-name").asText());
    assertEquals(1, job.at("/spec/completions").asInt());
    assertEquals(1, job.at("/spec/parallelism").asInt());
    assertEquals(6, job.at("/spec/backoffLimit").asInt());
    assertEquals("NonIndexed", job.at("/spec/completionMode").asText());
    assertEquals("TerminatingOrFailed", job.at("/spec/podReplacementPolicy").asText());
  }

  @Test
  void aCronJobGetsKubesDefaultsAndNeedsAScheduleThatParses() {
    String cj = """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: tick, namespace: d}
        spec:
          schedule: "*/5 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: c, image: dekube/crash}]
        """;
    ObjectNode out = create("cronjobs.batch", cj);
    assertEquals("Allow", out.at("/spec/concurrencyPolicy").asText());
    assertEquals(3, out.at("/spec/successfulJobsHistoryLimit").asInt());
    assertEquals(1, out.at("/spec/failedJobsHistoryLimit").asInt());
    assertEquals(6, out.at("/spec/jobTemplate/spec/backoffLimit").asInt());
    StatusException e = assertThrows(StatusException.class, () -> create("cronjobs.batch",
        cj.replace("*/5 * * * *", "61 * * * *")));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().startsWith("CronJob.batch \"tick\" is invalid: spec.schedule: Invalid value: \"61 * * * *\""),
        e.getMessage());
  }

  @Test
  void aPodFailurePolicyDefaultsConditionStatusAndReplacementPolicy() {
    ObjectNode job = create("jobs.batch", JOB.replace("  template:",
        "  podFailurePolicy: {rules: [{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]}\n  template:"));
    assertEquals("True", job.at("/spec/podFailurePolicy/rules/0/onPodConditions/0/status").asText());
    assertEquals("Failed", job.at("/spec/podReplacementPolicy").asText());
  }

  @Test
  void aParallelWorkQueueJobKeepsCompletionsUnset() {
    ObjectNode job = create("jobs.batch", JOB.replace("  template:", "  parallelism: 3\n  template:"));
    assertEquals(true, job.at("/spec/completions").isMissingNode());
  }

  @Test
  void aStatefulSetsPodsMayMountItsClaims() {
    ObjectNode sts = create("statefulsets.apps", STS);
    assertEquals("OrderedReady", sts.at("/spec/podManagementPolicy").asText());
    assertEquals(true, sts.at("/spec/template/spec/volumes").isMissingNode());
  }

  static final String RC = """
      apiVersion: v1
      kind: ReplicationController
      metadata: {name: nginx, namespace: d}
      spec:
        template:
          metadata: {labels: {app: nginx}}
          spec:
            containers: [{name: nginx, image: nginx}]
      """;

  @Test
  void aReplicationControllerTakesItsSelectorAndLabelsFromItsTemplate() {
    ObjectNode rc = create("replicationcontrollers", RC);
    assertEquals("{\"app\":\"nginx\"}", rc.at("/spec/selector").toString());
    assertEquals("{\"app\":\"nginx\"}", rc.at("/metadata/labels").toString());
    assertEquals(1, rc.at("/spec/replicas").asInt());
    assertEquals("Always", rc.at("/spec/template/spec/restartPolicy").asText());
    ObjectNode own = create("replicationcontrollers", RC.replace("namespace: d}", "namespace: d, labels: {x: y}}")
        .replace("  template:", "  replicas: 0\n  selector: {app: nginx}\n  template:"));
    assertEquals("{\"x\":\"y\"}", own.at("/metadata/labels").toString());
    assertEquals(0, own.at("/spec/replicas").asInt());
  }

  static final String HPA = """
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: web, namespace: d}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        maxReplicas: 5
        metrics:
      """;

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("horizontalpodautoscalers.autoscaling", HPA + "  - type: ContainerResource\n    containerResource: "
            + "{name: cpu, container: App_1, target: {type: Utilization, averageUtilization: 50, averageValue: 1}}",
            "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: [spec.metrics[0].containerResource.container: "
                + "Invalid value: \"App_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric "
                + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
                + "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'), "
                + "spec.metrics[0].containerResource.target.averageValue: Forbidden: may not set both a target raw "
                + "value and a target utilization]"),
        Arguments.of("horizontalpodautoscalers.autoscaling", HPA + "  - type: ContainerResource\n    containerResource: "
            + "{name: gpu, target: {type: Utilization}}",
            "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: [spec.metrics[0].containerResource.name: Invalid "
                + "value: \"gpu\": must be a standard resource for containers, "
                + "spec.metrics[0].containerResource.container: Required value: must specify a container, "
                + "spec.metrics[0].containerResource.target.averageUtilization: Required value: must set either a "
                + "target raw value or a target utilization]"),
        Arguments.of("horizontalpodautoscalers.autoscaling", HPA + "  - type: ContainerResource\n    resource: "
            + "{name: cpu, target: {type: Utilization, averageUtilization: 50}}",
            "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: spec.metrics[0].containerResource: Required "
                + "value: must populate information for the given metric source"),
        Arguments.of("horizontalpodautoscalers.autoscaling", HPA + "  - type: Resource\n    resource: "
            + "{name: cpu, target: {type: Utilization, averageUtilization: 50}}\n    pods: {metric: {name: qps}}",
            "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: [spec.metrics[0].pods.target.type: Required value: "
                + "must specify a metric target type, spec.metrics[0].pods.target.type: Invalid value: \"\": must be "
                + "either Utilization, Value, or AverageValue, spec.metrics[0].pods.target.averageValue: Required value: "
                + "must specify a positive target averageValue, spec.metrics[0].pods: Forbidden: must populate the given "
                + "metric source only]"),
        Arguments.of("horizontalpodautoscalers.autoscaling", HPA + "  - type: Pods\n    pods: "
            + "{metric: {name: qps}, target: {type: Average}}",
            "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: [spec.metrics[0].pods.target.type: Invalid "
                + "value: \"Average\": must be either Utilization, Value, or AverageValue, "
                + "spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target "
                + "averageValue]"),
        Arguments.of("replicationcontrollers", RC.replace("  template:", "  selector: {app: web}\n  template:"),
            "ReplicationController \"nginx\" is invalid: spec.template.metadata.labels: Invalid value: "
                + "map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`"),
        Arguments.of("replicationcontrollers", RC.replace("  template:", "  replicas: -1\n  template:"),
            "ReplicationController \"nginx\" is invalid: spec.replicas: Invalid value: -1: must be greater than or "
                + "equal to 0"),
        Arguments.of("replicationcontrollers", RC.replace("    spec:\n", "    spec:\n      restartPolicy: Never\n"),
            "ReplicationController \"nginx\" is invalid: spec.template.spec.restartPolicy: Unsupported value: "
                + "\"Never\": supported values: \"Always\""),
        Arguments.of("replicationcontrollers", """
            kind: ReplicationController
            metadata: {name: nginx, namespace: d}
            spec: {replicas: 1}
            """, "ReplicationController \"nginx\" is invalid: [spec.selector: Required value, spec.template: "
                + "Required value]"),
        Arguments.of("jobs.batch", JOB.replace("restartPolicy: Never", "restartPolicy: Always"),
            "Job.batch \"pi\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "
                + "\"OnFailure\", \"Never\""),
        Arguments.of("jobs.batch", JOB.replace("restartPolicy: Never", "restartPolicy: OnFailure").replace("  template:",
            "  podFailurePolicy: {rules: [{action: FailJob, onExitCodes: {operator: In, values: [42]}}]}\n  template:"),
            "Job.batch \"pi\" is invalid: spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only "
                + "\"Never\" is supported when podFailurePolicy is specified"),
        Arguments.of("jobs.batch", JOB.replace("  template:", "  podFailurePolicy:\n    rules:\n    - {action: Restart, onExitCodes: {containerName: other, operator: In, values: [0, 3, 2, 2]}}\n    - {action: FailIndex, onPodConditions: [{type: DisruptionTarget, status: Maybe}]}\n    - {action: Ignore}\n  template:"),
            "Job.batch \"pi\" is invalid: [spec.podFailurePolicy.rules[0].action: Unsupported value: \"Restart\": "
                + "supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\", "
                + "spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: \"other\": must be one of the "
                + "container or initContainer names in the pod template, "
                + "spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator, "
                + "spec.podFailurePolicy.rules[0].onExitCodes.values[3]: Duplicate value: 2, "
                + "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{0, 3, 2, 2}: must be ordered, "
                + "spec.podFailurePolicy.rules[1].action: Invalid value: \"FailIndex\": requires the backoffLimitPerIndex "
                + "to be set, spec.podFailurePolicy.rules[1].onPodConditions[0].status: Unsupported value: \"Maybe\": "
                + "supported values: \"False\", \"True\", \"Unknown\", spec.podFailurePolicy.rules[2]: Invalid value: "
                + "specifying one of OnExitCodes and OnPodConditions is required]"),
        Arguments.of("jobs.batch", JOB.replace("  template:", "  backoffLimitPerIndex: 1\n  maxFailedIndexes: 2\n  template:"),
            "Job.batch \"pi\" is invalid: [spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode, "
                + "spec.maxFailedIndexes: Invalid value: 2: requires indexed completion mode]"),
        Arguments.of("jobs.batch", JOB.replace("  template:",
            "  completionMode: Indexed\n  completions: 3\n  maxFailedIndexes: 4\n  template:"),
            "Job.batch \"pi\" is invalid: [spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified, "
                + "spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions]"),
        Arguments.of("jobs.batch", JOB.replace("  template:", "  podReplacementPolicy: Always\n  template:"),
            "Job.batch \"pi\" is invalid: spec.podReplacementPolicy: Unsupported value: \"Always\": supported values: "
                + "\"Failed\", \"TerminatingOrFailed\""),
        Arguments.of("jobs.batch", JOB.replace("  template:", "  podReplacementPolicy: TerminatingOrFailed\n  podFailurePolicy: {rules: [{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]}\n  template:"),
            "Job.batch \"pi\" is invalid: spec.podReplacementPolicy: Unsupported value: \"TerminatingOrFailed\": "
                + "supported values: \"Failed\""),
        Arguments.of("jobs.batch", JOB.replace("  template:", "  successPolicy: {rules: [{succeededCount: 1}]}\n  template:"),
            "Job.batch \"pi\" is invalid: spec.successPolicy: Invalid value: batch.SuccessPolicy{...}: requires indexed "
                + "completion mode"),
        Arguments.of("jobs.batch", JOB.replace("  template:", "  completionMode: Indexed\n  completions: 3\n  successPolicy:\n    rules:\n    - {succeededIndexes: \"0-1,1\", succeededCount: 4}\n    - {succeededIndexes: \"0-5\"}\n    - {}\n  template:"),
            "Job.batch \"pi\" is invalid: [spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"0-1,1\": "
                + "error parsing succeededIndexes: non-increasing order, previous: 1, current: 1, "
                + "spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal to 3 (the "
                + "number of specified completions), spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be "
                + "less than or equal to 0 (the number of indexes in the specified succeededIndexes field), "
                + "spec.successPolicy.rules[1].succeededIndexes: Invalid value: \"0-5\": error parsing succeededIndexes: "
                + "too large index: \"5\", spec.successPolicy.rules[2]: Required value: at least one of succeededCount or "
                + "succeededIndexes must be specified]"),
        Arguments.of("jobs.batch", JOB.replace("  template:", "  selector: {matchLabels: {a: b}}\n  template:"),
            "Job.batch \"pi\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"
                + "\"batch.kubernetes.io/controller-uid\":\"u-1\", \"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"u-1\","
                + " \"job-name\":\"pi\"}: `selector` does not match template `labels`"),
        Arguments.of("jobs.batch", JOB.replace("  template:", "  completionMode: Indexed\n  parallelism: 2\n  template:"),
            "Job.batch \"pi\" is invalid: spec.completions: Required value: when completion mode is Indexed"),
        Arguments.of("jobs.batch", JOB.replace("  template:", "  backoffLimit: -1\n  template:"),
            "Job.batch \"pi\" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"),
        Arguments.of("statefulsets.apps", STS.replace("{matchLabels: {app: web}}", "{matchLabels: {app: db}}"),
            "StatefulSet.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
                + "map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"),
        Arguments.of("daemonsets.apps", """
            kind: DaemonSet
            metadata: {name: agent, namespace: d}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: other}}
                spec: {containers: [{name: a, image: dekube/pause}]}
            """, "DaemonSet.apps \"agent\" is invalid: spec.template.metadata.labels: Invalid value: "
                + "map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource
  void invalid(String resource, String input, String message) {
    StatusException e = assertThrows(StatusException.class, () -> create(resource, input));
    assertEquals(422, e.code());
    assertEquals(message, e.getMessage());
  }
}
