package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workload controllers with the real kubectl against {@code ./dekube up} (3 jvm nodes): a
 * DaemonSet runs one pod per node, a StatefulSet comes up web-0, web-1, web-2 in order and
 * {@code rollout status} completes, a Job of 3 completions 2 at a time completes, and a Job whose pod
 * exits 1 fails with BackoffLimitExceeded after backoffLimit 1, one whose pod exits 42 fails at once by
 * its podFailurePolicy (PodFailurePolicy), an Indexed Job with backoffLimitPerIndex reports its failed
 * index (FailedIndexes), and one whose pod is evicted (DisruptionTarget, podFailurePolicy Ignore) gets a
 * new pod without counting a failure; in a namespace with a LimitRange and a
 * quota of 2 pods, a Deployment of 3 runs 2 pods with the defaulted requests and its ReplicaSet says
 * {@code exceeded quota}; a StatefulSet's volumeClaimTemplate gets claims bound to local-path volumes
 * on its pods' nodes, whose data outlives a pod; a ReplicationController runs, scales and takes its pods
 * with it, an HPA finds its scale, and {@code kubectl cluster-info dump} lists it; in a namespace that
 * enforces PodSecurity baseline, a privileged Deployment's ReplicaSet gets FailedCreate Events in kube's words;
 * in a Deployment's rollout, the old pod's {@code preStop: sleep} keeps it serving after the endpoints dropped it;
 * the ZooKeeper tutorial's ensemble forms, replicates and keeps its data across the StatefulSet's re-creation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadsE2E {

  @TempDir
  static Path tmp;
  private DekubeProcess dekube;
  private Kubectl kubectl;

  @BeforeAll
  void up() throws Exception {
    Kubectl.requireOnPath();
    dekube = DekubeProcess.up(tmp.resolve("state"));
    kubectl = new Kubectl(dekube.kubeconfig());
    Path manifests = tmp.resolve("workloads.yaml");
    Files.writeString(manifests, """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              containers: [{name: agent, image: dekube/pause}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          clusterIP: None
          selector: {app: web}
          ports: [{name: http, port: 2015}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: web
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: carsonoid/kube-decon:v1}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          replicas: 2
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers: [{name: db, image: dekube/pause, volumeMounts: [{name: data, mountPath: /data}]}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 64Mi}}}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: ok}
        spec:
          completions: 3
          parallelism: 2
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: work
                image: dekube/crash
                env: [{name: EXIT_CODE, value: "0"}, {name: CRASH_AFTER, value: "1"}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: bad}
        spec:
          backoffLimit: 1
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: work
                image: dekube/crash
                env: [{name: EXIT_CODE, value: "1"}, {name: CRASH_AFTER, value: "1"}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: exit42}
        spec:
          backoffLimit: 6
          podFailurePolicy:
            rules:
            - action: FailJob
              onExitCodes: {containerName: work, operator: In, values: [42]}
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: work
                image: dekube/crash
                env: [{name: EXIT_CODE, value: "42"}, {name: CRASH_AFTER, value: "1"}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: per-index}
        spec:
          completionMode: Indexed
          completions: 3
          parallelism: 3
          backoffLimitPerIndex: 1
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: work
                image: busybox
                command: [sh, -c, '[ "$JOB_COMPLETION_INDEX" != 1 ]']
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: evicted}
        spec:
          backoffLimit: 0
          podFailurePolicy:
            rules:
            - action: Ignore
              onPodConditions: [{type: DisruptionTarget}]
          template:
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 1
              containers: [{name: work, image: dekube/pause}]
        """);
    kubectl.run("apply", "-f", manifests.toString()).ok();
  }

  @AfterAll
  void down() throws Exception {
    if (dekube != null) {
      dekube.close();
    }
  }

  @Test
  @Order(1)
  void aDaemonSetRunsOnePodPerNode() throws Exception {
    kubectl.run("rollout", "status", "ds/agent", "--timeout=120s").ok();
    String[] nodes = kubectl.run("get", "pods", "-l", "app=agent", "-o",
        "jsonpath={range .items[*]}{.spec.nodeName}/{.status.phase} {end}").ok().out().trim().split(" ");
    Arrays.sort(nodes);
    assertEquals(List.of("kube-node-01/Running", "kube-node-02/Running", "kube-node-03/Running"), Arrays.asList(nodes));
    String row = kubectl.run("get", "ds", "agent", "--no-headers").ok().out();
    assertTrue(row.matches("agent\\s+3\\s+3\\s+3\\s+3\\s+3\\s+<none>\\s+\\S+\\s*"), row);
    assertFalse(kubectl.run("get", "controllerrevisions", "-l", "app=agent", "-o", "name").ok().out().isBlank());
  }

  @Test
  @Order(2)
  void aStatefulSetComesUpInOrder() throws Exception {
    String status = kubectl.run("rollout", "status", "sts/web", "--timeout=120s").ok().out();
    assertTrue(status.contains("3 new pods have been updated"), status);
    assertTrue(kubectl.run("get", "sts", "web", "--no-headers").ok().out().matches("web\\s+3/3\\s+\\S+\\s*"));
    Instant previousReady = null;
    for (int i = 0; i < 3; i++) {
      String pod = "web-" + i;
      String[] f = kubectl.run("get", "pod", pod, "-o", "jsonpath={.status.phase} {.metadata.creationTimestamp} "
          + "{.status.conditions[?(@.type==\"Ready\")].lastTransitionTime} {.spec.hostname}").ok().out().split(" ");
      assertEquals("Running", f[0], pod);
      assertEquals(pod, f[3]);
      Instant created = Instant.parse(f[1]);
      if (previousReady != null) {
        assertFalse(created.isBefore(previousReady), pod + " created " + created + " before its predecessor was ready "
            + previousReady);
      }
      previousReady = Instant.parse(f[2]);
    }
  }

  @Test
  @Order(3)
  void aJobRunsToCompletionTwoPodsAtATime() throws Exception {
    kubectl.run("wait", "--for=condition=complete", "job/ok", "--timeout=120s").ok();
    assertEquals("3", kubectl.run("get", "job", "ok", "-o", "jsonpath={.status.succeeded}").ok().out());
    String row = kubectl.run("get", "job", "ok", "--no-headers").ok().out();
    assertTrue(row.matches("ok\\s+Complete\\s+3/3\\s+\\S+\\s+\\S+\\s*"), row);
    String phases = kubectl.run("get", "pods", "-l", "batch.kubernetes.io/job-name=ok", "-o",
        "jsonpath={range .items[*]}{.status.phase} {end}").ok().out().trim();
    assertEquals("Succeeded Succeeded Succeeded", phases);
  }

  @Test
  @Order(4)
  void aFailingJobStopsAtItsBackoffLimit() throws Exception {
    kubectl.run("wait", "--for=condition=failed", "job/bad", "--timeout=120s").ok();
    assertEquals("BackoffLimitExceeded", kubectl.run("get", "job", "bad", "-o",
        "jsonpath={.status.conditions[?(@.type==\"Failed\")].reason}").ok().out());
    assertEquals("2", kubectl.run("get", "job", "bad", "-o", "jsonpath={.status.failed}").ok().out());
    assertTrue(kubectl.run("get", "events", "--field-selector", "involvedObject.name=bad").ok().out()
        .contains("Job has reached the specified backoff limit"));
  }

  @Test
  @Order(4)
  void aPodFailurePolicyFailsTheJobAtTheFirstMatchingExitCode() throws Exception {
    kubectl.run("wait", "--for=condition=failed", "job/exit42", "--timeout=120s").ok();
    String failed = kubectl.run("get", "job", "exit42", "-o",
        "jsonpath={.status.conditions[?(@.type==\"Failed\")].reason}|"
            + "{.status.conditions[?(@.type==\"Failed\")].message}|{.status.failed}").ok().out();
    String[] f = failed.split("\\|");
    assertEquals("PodFailurePolicy", f[0], failed);
    assertTrue(f[1].matches("Container work for pod default/exit42-\\w+ failed with exit code 42 matching FailJob rule "
        + "at index 0"), f[1]);
    assertEquals("1", f[2], "one failure, no retry: " + failed);
    assertEquals("FailureTarget", kubectl.run("get", "job", "exit42", "-o",
        "jsonpath={.status.conditions[0].type}").ok().out(), "FailureTarget comes before Failed");
    String pods = kubectl.run("get", "pods", "-l", "batch.kubernetes.io/job-name=exit42", "-o",
        "jsonpath={range .items[*]}{.status.phase}:{.metadata.finalizers[*]} {end}").ok().out().trim();
    assertEquals("Failed:", pods, "one pod, counted, its tracking finalizer gone");
  }

  @Test
  @Order(4)
  void anIndexedJobWithBackoffLimitPerIndexReportsItsFailedIndex() throws Exception {
    kubectl.run("wait", "--for=condition=failed", "job/per-index", "--timeout=120s").ok();
    String status = kubectl.run("get", "job", "per-index", "-o",
        "jsonpath={.status.failedIndexes}|{.status.completedIndexes}|{.status.succeeded}|{.status.failed}|"
            + "{.status.conditions[?(@.type==\"Failed\")].reason}").ok().out();
    assertEquals("1|0,2|2|2|FailedIndexes", status, "index 1 failed twice (backoffLimitPerIndex 1), 0 and 2 succeeded");
    String[] counts = kubectl.run("get", "pods", "-l", "batch.kubernetes.io/job-completion-index=1", "-o",
        "jsonpath={range .items[*]}{.metadata.annotations.batch\\.kubernetes\\.io/job-index-failure-count} {end}")
        .ok().out().trim().split(" ");
    Arrays.sort(counts);
    assertEquals(List.of("0", "1"), Arrays.asList(counts),
        "the replacement of index 1 carries its failure count");
  }

  @Test
  @Order(4)
  void anEvictedJobPodIsIgnoredByTheDisruptionTargetRuleAndReplaced() throws Exception {
    kubectl.run("wait", "--for=condition=ready", "pod", "-l", "batch.kubernetes.io/job-name=evicted",
        "--timeout=120s").ok();
    String first = kubectl.run("get", "pods", "-l", "batch.kubernetes.io/job-name=evicted", "-o",
        "jsonpath={.items[0].metadata.name}").ok().out().trim();
    Path eviction = tmp.resolve("eviction.json");
    Files.writeString(eviction, "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\""
        + first + "\",\"namespace\":\"default\"}}");
    kubectl.run("create", "--raw", "/api/v1/namespaces/default/pods/" + first + "/eviction", "-f",
        eviction.toString()).ok();
    org.awaitility.Awaitility.await("the evicted pod goes, counted and without its finalizer")
        .atMost(java.time.Duration.ofSeconds(90)).until(() -> kubectl.run("get", "pod", first).exit() != 0);
    org.awaitility.Awaitility.await("a replacement runs").atMost(java.time.Duration.ofSeconds(90))
        .until(() -> kubectl.run("get", "pods", "-l", "batch.kubernetes.io/job-name=evicted", "-o",
            "jsonpath={range .items[*]}{.metadata.name}={.status.phase} {end}").ok().out().trim()
            .matches("evicted-\\w+=Running"));
    String job = kubectl.run("get", "job", "evicted", "-o",
        "jsonpath={.status.failed}|{.status.conditions[?(@.type==\"Failed\")].reason}").ok().out();
    assertTrue(job.equals("|") || job.equals("0|"), "backoffLimit 0, yet the DisruptionTarget rule Ignores the "
        + "failure: " + job);
    kubectl.run("delete", "job", "evicted", "--wait=false").ok();
    org.awaitility.Awaitility.await("the deleted Job's running pod loses its tracking finalizer and goes")
        .atMost(java.time.Duration.ofSeconds(90)).until(() -> kubectl.run("get", "pods", "-l",
            "batch.kubernetes.io/job-name=evicted", "-o", "name").ok().out().isBlank());
  }

  @Test
  @Order(5)
  void aQuotaStopsTheThirdPodAndLimitRangesFillTheRequests() throws Exception {
    Path quota = tmp.resolve("quota.yaml");
    Files.writeString(quota, """
        apiVersion: v1
        kind: Namespace
        metadata: {name: quota}
        ---
        apiVersion: v1
        kind: LimitRange
        metadata: {name: limits, namespace: quota}
        spec:
          limits:
          - type: Container
            default: {cpu: 200m, memory: 64Mi}
            defaultRequest: {cpu: 100m, memory: 32Mi}
            max: {cpu: "1"}
        ---
        apiVersion: v1
        kind: ResourceQuota
        metadata: {name: compute, namespace: quota}
        spec:
          hard: {pods: "2", requests.cpu: "1", limits.memory: 1Gi}
        """);
    kubectl.run("apply", "-f", quota.toString()).ok();
    kubectl.run("-n", "quota", "create", "deployment", "web", "--image=carsonoid/kube-decon:v1", "--replicas=3").ok();
    org.awaitility.Awaitility.await("2 pods running").atMost(java.time.Duration.ofSeconds(90)).until(() ->
        kubectl.run("-n", "quota", "get", "pods", "-o", "jsonpath={range .items[*]}{.status.phase} {end}").out().trim()
            .equals("Running Running"));
    String requests = kubectl.run("-n", "quota", "get", "pods", "-o",
        "jsonpath={range .items[*]}{.spec.containers[0].resources.requests.cpu}/{.spec.containers[0].resources.limits.memory} {end}")
        .ok().out().trim();
    assertEquals("100m/64Mi 100m/64Mi", requests);
    assertEquals("LimitRanger plugin set: cpu, memory request for container kube-decon; cpu, memory limit for container "
        + "kube-decon", kubectl.run("-n", "quota", "get", "pods", "-o",
        "jsonpath={.items[0].metadata.annotations.kubernetes\\.io/limit-ranger}").ok().out());
    org.awaitility.Awaitility.await("the ReplicaSet says exceeded quota").atMost(java.time.Duration.ofSeconds(60))
        .until(() -> kubectl.run("-n", "quota", "get", "rs", "-o",
            "jsonpath={.items[0].status.conditions[?(@.type==\"ReplicaFailure\")].message}").out()
            .contains("exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2"));
    assertTrue(kubectl.run("-n", "quota", "get", "events", "--field-selector", "reason=FailedCreate").ok().out()
        .contains("is forbidden: exceeded quota: compute"));
    org.awaitility.Awaitility.await("kubectl get quota shows the usage").atMost(java.time.Duration.ofSeconds(60))
        .until(() -> kubectl.run("-n", "quota", "get", "quota", "--no-headers").out()
            .matches("compute\\s+\\S+\\s+pods: 2/2, requests.cpu: 200m/1\\s+limits.memory: 128Mi/1Gi\\s*"));
    Path big = tmp.resolve("big.yaml");
    Files.writeString(big, """
        apiVersion: v1
        kind: Pod
        metadata: {name: big, namespace: quota}
        spec:
          containers: [{name: web, image: carsonoid/kube-decon:v1, resources: {limits: {cpu: "2"}}}]
        """);
    Kubectl.Result refused = kubectl.run("create", "-f", big.toString());
    assertTrue(refused.err().contains("pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2"),
        refused.err());
  }

  @Test
  @Order(6)
  void aStatefulSetsClaimsAreBoundOnItsPodsNodesAndKeepTheirData() throws Exception {
    kubectl.run("rollout", "status", "sts/db", "--timeout=120s").ok();
    String sc = kubectl.run("get", "sc", "--no-headers").ok().out();
    assertTrue(sc.matches("(?s)standard \\(default\\)\\s+dekube.io/local-path\\s+Delete\\s+WaitForFirstConsumer\\s+false\\s+\\S+\\s*"), sc);
    String[] volumes = new String[2];
    for (int i = 0; i < 2; i++) {
      String row = kubectl.run("get", "pvc", "data-db-" + i, "--no-headers").ok().out();
      assertTrue(row.matches("data-db-" + i + "\\s+Bound\\s+pvc-\\S+\\s+64Mi\\s+RWO\\s+standard\\s+<unset>\\s+\\S+\\s*"), row);
      volumes[i] = kubectl.run("get", "pvc", "data-db-" + i, "-o", "jsonpath={.spec.volumeName}").ok().out();
      String node = kubectl.run("get", "pod", "db-" + i, "-o", "jsonpath={.spec.nodeName}").ok().out();
      String pv = kubectl.run("get", "pv", volumes[i], "-o", "jsonpath={.status.phase} {.spec.claimRef.name} "
          + "{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}").ok().out();
      assertEquals("Bound data-db-" + i + " " + node, pv);
    }
    String before = kubectl.run("get", "pod", "db-0", "-o", "jsonpath={.metadata.uid} {.spec.nodeName}").ok().out();
    kubectl.run("exec", "db-0", "--", "sh", "-c", "echo kept > /data/greeting").ok();
    // not --wait=true: kubectl 1.32's wait (a GET, then a LIST and WATCH of the name) hangs for good when the
    // pod is deleted and db-0 re-created between the two (kubernetes/kubernetes#135562); dekube deletes a
    // stopped pod within milliseconds of its mark, so under load that happened. The await below waits instead.
    kubectl.run("delete", "pod", "db-0", "--wait=false").ok();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90)).until(() -> {
      String now = kubectl.run("get", "pod", "db-0", "-o", "jsonpath={.metadata.uid} {.spec.nodeName} "
          + "{.status.containerStatuses[0].ready}").out();
      return !now.isBlank() && !now.startsWith(before.split(" ")[0]) && now.endsWith("true");
    });
    assertEquals(before.split(" ")[1], kubectl.run("get", "pod", "db-0", "-o", "jsonpath={.spec.nodeName}").ok().out(),
        "the new pod runs where its volume is");
    assertEquals("kept\n", kubectl.run("exec", "db-0", "--", "cat", "/data/greeting").ok().out());

    // scaled down, db-1's claim stays (whenScaled: Retain); deleting it deletes its volume and folder
    String folder = kubectl.run("get", "pv", volumes[1], "-o", "jsonpath={.spec.hostPath.path}").ok().out();
    assertTrue(Files.isDirectory(Path.of(folder)), folder);
    kubectl.run("scale", "sts/db", "--replicas=1").ok();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
        .until(() -> kubectl.run("get", "pod", "db-1").exit() != 0);
    assertEquals("Bound", kubectl.run("get", "pvc", "data-db-1", "-o", "jsonpath={.status.phase}").ok().out());
    kubectl.run("delete", "pvc", "data-db-1").ok();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
        .until(() -> kubectl.run("get", "pv", volumes[1]).exit() != 0 && !Files.exists(Path.of(folder)));

    // a claim a running pod uses is protected: Terminating until the pod goes
    kubectl.run("delete", "pvc", "data-db-0", "--wait=false").ok();
    String terminating = kubectl.run("get", "pvc", "data-db-0", "--no-headers").ok().out();
    assertTrue(terminating.matches("data-db-0\\s+Terminating\\s+" + volumes[0] + "\\s.*\\s*"), terminating);
    assertEquals("kept\n", kubectl.run("exec", "db-0", "--", "cat", "/data/greeting").ok().out());
  }

  @Test
  @Order(7)
  void aReplicationControllerRunsScalesAndTakesItsPodsWithIt() throws Exception {
    Path rc = tmp.resolve("rc.yaml");
    Files.writeString(rc, """
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: nginx}
        spec:
          replicas: 3
          template:
            metadata: {name: nginx, labels: {app: nginx}}
            spec:
              containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]
        """);
    assertEquals("replicationcontroller/nginx created\n", kubectl.run("create", "-f", rc.toString()).ok().out());
    assertEquals("app=nginx app=nginx 1", kubectl.run("get", "rc", "nginx", "-o",
        "jsonpath={.spec.selector} {.metadata.labels} {.metadata.generation}").ok().out()
        .replace("{\"app\":\"nginx\"}", "app=nginx"), "selector and labels default to the template's");
    org.awaitility.Awaitility.await("3 ready").atMost(java.time.Duration.ofSeconds(90)).until(() ->
        kubectl.run("get", "rc", "nginx", "--no-headers").out().matches("nginx\\s+3\\s+3\\s+3\\s+\\S+\\s*"));
    String table = kubectl.run("get", "rc", "-o", "wide").ok().out();
    assertTrue(table.matches("(?s)NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR\\s*\n"
        + "nginx\\s+3\\s+3\\s+3\\s+\\S+\\s+nginx\\s+nginx\\s+app=nginx\\s*"), table);
    assertEquals("Running/ReplicationController/nginx Running/ReplicationController/nginx "
        + "Running/ReplicationController/nginx", kubectl.run("get", "pods", "-l", "app=nginx", "-o",
        "jsonpath={range .items[*]}{.status.phase}/{.metadata.ownerReferences[0].kind}/"
            + "{.metadata.ownerReferences[0].name} {end}").ok().out().trim());

    assertEquals("replicationcontroller/nginx scaled\n", kubectl.run("scale", "rc", "nginx", "--replicas=1").ok().out());
    org.awaitility.Awaitility.await("scaled to 1").atMost(java.time.Duration.ofSeconds(90)).until(() ->
        kubectl.run("get", "rc", "nginx", "-o", "jsonpath={.status.replicas}/{.status.readyReplicas}/"
            + "{.status.availableReplicas}/{.status.fullyLabeledReplicas} {.metadata.generation}/"
            + "{.status.observedGeneration}").out().equals("1/1/1/1 2/2")
            && kubectl.run("get", "pods", "-l", "app=nginx", "-o", "name").out().trim().lines().count() == 1);

    String described = kubectl.run("describe", "rc", "nginx").ok().out();
    assertTrue(described.matches("(?s).*Replicas:\\s+1 current / 1 desired\n.*Pods Status:\\s+1 Running / 0 Waiting.*"
        + "SuccessfulDelete.*"), described);
    kubectl.run("autoscale", "rc", "nginx", "--min=1", "--max=2").ok();
    org.awaitility.Awaitility.await("the HPA finds its scale").atMost(java.time.Duration.ofSeconds(60)).until(() ->
        kubectl.run("get", "hpa", "nginx", "-o", "jsonpath={.status.conditions[?(@.type==\"AbleToScale\")].status}")
            .out().equals("True"));

    String dump = kubectl.run("cluster-info", "dump").ok().out();
    assertTrue(dump.contains("\"kind\": \"ReplicationControllerList\""), "the dump lists ReplicationControllers");
    assertTrue(dump.contains("\"name\": \"nginx\""), "the dump holds the default namespace's controller");

    kubectl.run("delete", "rc", "nginx").ok();
    org.awaitility.Awaitility.await("its pods are gone").atMost(java.time.Duration.ofSeconds(90)).until(() ->
        kubectl.run("get", "pods", "-l", "app=nginx", "-o", "name").out().isBlank());
  }

  @Test
  @Order(8)
  void podSecurityRefusesThePodsOfAPrivilegedDeployment() throws Exception {
    kubectl.run("create", "namespace", "psa").ok();
    kubectl.run("label", "ns", "psa", "pod-security.kubernetes.io/enforce=baseline").ok();
    // the writers read the labels from their namespace informer: wait until they enforce them
    org.awaitility.Awaitility.await("baseline enforced").atMost(java.time.Duration.ofSeconds(30)).until(() ->
        kubectl.run("run", "probe", "-n", "psa", "--image=nginx", "--privileged", "--dry-run=server").exit() != 0);
    Path deployment = tmp.resolve("privileged.yaml");
    Files.writeString(deployment, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: psa}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: carsonoid/kube-decon:v1, securityContext: {privileged: true}}]
        """);
    Kubectl.Result applied = kubectl.run("apply", "-f", deployment.toString()).ok();
    assertEquals("", applied.err().trim(), "a Deployment is not refused, only its pods are");
    // PodSecurity is a validating plugin: kube's refusal names the generated name (a mutating one's, the prefix)
    org.awaitility.Awaitility.await("the ReplicaSet says why").atMost(java.time.Duration.ofSeconds(60)).until(() ->
        kubectl.run("-n", "psa", "get", "events", "--field-selector", "reason=FailedCreate", "-o",
            "jsonpath={.items[*].message}").out().matches("(?s)Error creating: pods \"web-[a-z0-9]+-[a-z0-9]{5}\" is"
            + " forbidden: violates PodSecurity \"baseline:latest\": privileged \\(container \"web\" must not set"
            + " securityContext.privileged=true\\).*"));
    assertEquals("", kubectl.run("-n", "psa", "get", "pods", "-o", "name").ok().out().trim());
    assertTrue(kubectl.run("-n", "psa", "get", "rs", "-o",
            "jsonpath={.items[0].status.conditions[?(@.type==\"ReplicaFailure\")].message}").ok().out()
        .contains("violates PodSecurity \"baseline:latest\""));
  }

  @Test
  @Order(9)
  void aPreStopSleepKeepsTheOldPodServingAfterTheEndpointsDroppedIt() throws Exception {
    Path drain = tmp.resolve("drain.yaml");
    Files.writeString(drain, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: drain}
        spec:
          selector: {matchLabels: {app: drain}}
          template:
            metadata: {labels: {app: drain}}
            spec:
              containers:
              - name: web
                image: carsonoid/kube-decon:v1
                ports: [{containerPort: 2015}]
                lifecycle: {preStop: {sleep: {seconds: 10}}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: drain}
        spec:
          selector: {app: drain}
          ports: [{port: 80, targetPort: 2015}]
        """);
    kubectl.run("apply", "-f", drain.toString()).ok();
    kubectl.run("rollout", "status", "deploy/drain", "--timeout=120s").ok();
    String[] old = kubectl.run("get", "pods", "-l", "app=drain", "-o",
        "jsonpath={.items[0].metadata.name} {.items[0].status.podIP}").ok().out().trim().split(" ");
    org.awaitility.Awaitility.await("the old pod in the endpoints").atMost(java.time.Duration.ofSeconds(60))
        .until(() -> endpointIps("drain").contains(old[1]));

    kubectl.run("rollout", "restart", "deploy/drain").ok();
    org.awaitility.Awaitility.await("the endpoints drop the old pod for the new one")
        .atMost(java.time.Duration.ofSeconds(90)).until(() -> {
          String ips = endpointIps("drain");
          return !ips.isBlank() && !ips.contains(old[1]);
        });
    assertFalse(kubectl.run("get", "pod", old[0], "-o", "jsonpath={.metadata.deletionTimestamp}").ok().out().isBlank(),
        "the old pod is terminating");
    var http = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();
    var answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + old[1] + ":2015/"))
        .timeout(java.time.Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode());
    assertTrue(answer.body().contains(old[0]), "the old pod answers during its preStop sleep: " + answer.body());
    org.awaitility.Awaitility.await("the old pod is gone after its sleep").atMost(java.time.Duration.ofSeconds(90))
        .until(() -> kubectl.run("get", "pod", old[0], "--ignore-not-found", "-o", "name").out().isBlank());
    kubectl.run("rollout", "status", "deploy/drain", "--timeout=120s").ok();
  }

  /**
   * A sidecar (an init container with restartPolicy Always) as kube 1.32 runs it: a busybox log shipper writes to
   * an emptyDir, the app starts only once the sidecar's startup probe saw the file, reads it, and the pod counts
   * both as ready; deleted, the pod stops its app before the sidecar.
   */
  @Test
  @Order(10)
  void aSidecarRunsBesideItsContainerAndCountsInReady() throws Exception {
    Path sidecar = tmp.resolve("sidecar.yaml");
    Files.writeString(sidecar, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: shipper}
        spec:
          selector: {matchLabels: {app: shipper}}
          template:
            metadata: {labels: {app: shipper}}
            spec:
              volumes: [{name: shared, emptyDir: {}}]
              initContainers:
              - name: setup
                image: busybox
                command: [sh, -c, "echo setup-done > /shared/setup"]
                volumeMounts: [{name: shared, mountPath: /shared}]
              - name: shipper
                image: busybox
                restartPolicy: Always
                command: [sh, -c, "cat /shared/setup > /shared/log; echo shipped-by-sidecar >> /shared/log; sleep 3600"]
                volumeMounts: [{name: shared, mountPath: /shared}]
                startupProbe: {exec: {command: [grep, shipped, /shared/log]}, periodSeconds: 1}
                readinessProbe: {exec: {command: [test, -f, /shared/log]}, periodSeconds: 1}
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "cat /shared/log; sleep 3600"]
                volumeMounts: [{name: shared, mountPath: /shared}]
                lifecycle: {preStop: {sleep: {seconds: 20}}}
        """);
    kubectl.run("apply", "-f", sidecar.toString()).ok();
    kubectl.run("rollout", "status", "deploy/shipper", "--timeout=120s").ok();
    String row = kubectl.run("get", "pods", "-l", "app=shipper", "--no-headers").ok().out();
    assertTrue(row.matches("shipper-\\S+\\s+2/2\\s+Running\\s+0\\s+\\S+\\s*"), row);
    String pod = kubectl.run("get", "pods", "-l", "app=shipper", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
    assertEquals("setup-done\nshipped-by-sidecar", kubectl.run("logs", pod, "-c", "app").ok().out().trim());
    assertEquals("setup:false:true shipper:true:true ", kubectl.run("get", "pod", pod, "-o",
        "jsonpath={range .status.initContainerStatuses[*]}{.name}:{.started}:{.ready} {end}").ok().out());
    assertTrue(kubectl.run("get", "pod", pod, "-o", "jsonpath={.status.initContainerStatuses[1].state.running}")
        .ok().out().contains("startedAt"));

    // deleted, the app stops first (its preStop sleeps 20 s): the sidecar it uses runs on meanwhile
    kubectl.run("delete", "pod", pod, "--wait=false").ok();
    assertEquals("setup-done\nshipped-by-sidecar", kubectl.run("exec", pod, "-c", "shipper", "--", "cat", "/shared/log")
        .ok().out().trim());
  }

  /**
   * A Job whose pod has a sidecar completes: the sidecar is stopped once the work ended, the pod Succeeded. The proxy
   * traps TERM: a bare {@code sleep}, PID 1 without a handler, would take the pod's whole grace period to stop.
   */
  @Test
  @Order(11)
  void aJobWithASidecarCompletes() throws Exception {
    Path job = tmp.resolve("sidecar-job.yaml");
    Files.writeString(job, """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: with-sidecar}
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 5
              initContainers:
              - {name: proxy, image: busybox, restartPolicy: Always,
                 command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]}
              containers:
              - {name: work, image: busybox, command: [sh, -c, "echo work-done"]}
        """);
    kubectl.run("apply", "-f", job.toString()).ok();
    kubectl.run("wait", "--for=condition=complete", "job/with-sidecar", "--timeout=120s").ok();
    String pods = "batch.kubernetes.io/job-name=with-sidecar";
    assertEquals("Succeeded", kubectl.run("get", "pods", "-l", pods, "-o", "jsonpath={.items[0].status.phase}").ok()
        .out());
    String row = kubectl.run("get", "pods", "-l", pods, "--no-headers").ok().out();
    assertTrue(row.matches("with-sidecar-\\S+\\s+0/2\\s+Completed\\s+0\\s+\\S+\\s*"), row);
    assertTrue(kubectl.run("get", "pods", "-l", pods, "-o",
        "jsonpath={.items[0].status.initContainerStatuses[0].state.terminated}").ok().out().contains("finishedAt"),
        "the sidecar was stopped");
  }

  /**
   * kube's tutorial "Running ZooKeeper, A Distributed System Coordinator" with its manifest as the docs give it:
   * three real ZooKeeper servers form an ensemble over their pods' DNS names, zkCli.sh writes on one and reads on
   * another, and the data outlives the StatefulSet's deletion in the pods' volumes. One change, for the suite's
   * time only: the readiness probe starts after 2 s and repeats every 2 s, not after 10 s and every 10 s. The
   * StatefulSet starts its pods one after another, each once the previous is Ready, seven times in this test, so the
   * docs' timing cost ~60 s of CI; the timing itself is the kubelet's, tested with the probes.
   */
  @Test
  @Order(12)
  void theZooKeeperTutorialsEnsembleReplicatesAndKeepsItsData() throws Exception {
    Path manifest = tmp.resolve("zookeeper.yaml");
    Files.writeString(manifest, """
        apiVersion: v1
        kind: Service
        metadata:
          name: zk-hs
          labels:
            app.kubernetes.io/name: zk
        spec:
          ports:
          - port: 2888
            name: server
          - port: 3888
            name: leader-election
          clusterIP: None
          selector:
            app.kubernetes.io/name: zk
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: zk-cs
          labels:
            app.kubernetes.io/name: zk
        spec:
          ports:
          - port: 2181
            name: client
          selector:
            app.kubernetes.io/name: zk
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: zk-pdb
        spec:
          selector:
            matchLabels:
              app.kubernetes.io/name: zk
          maxUnavailable: 1
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: zk
        spec:
          selector:
            matchLabels:
              app.kubernetes.io/name: zk
          serviceName: zk-hs
          replicas: 3
          updateStrategy:
            type: RollingUpdate
          podManagementPolicy: OrderedReady
          template:
            metadata:
              labels:
                app.kubernetes.io/name: zk
            spec:
              affinity:
                podAntiAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    - labelSelector:
                        matchExpressions:
                          - key: "app"
                            operator: In
                            values:
                            - zk
                      topologyKey: "kubernetes.io/hostname"
              containers:
              - name: kubernetes-zookeeper
                imagePullPolicy: Always
                image: "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10"
                resources:
                  requests:
                    memory: "1Gi"
                    cpu: "0.5"
                ports:
                - containerPort: 2181
                  name: client
                - containerPort: 2888
                  name: server
                - containerPort: 3888
                  name: leader-election
                command:
                - sh
                - -c
                - "start-zookeeper \\
                  --servers=3 \\
                  --data_dir=/var/lib/zookeeper/data \\
                  --data_log_dir=/var/lib/zookeeper/data/log \\
                  --conf_dir=/opt/zookeeper/conf \\
                  --client_port=2181 \\
                  --election_port=3888 \\
                  --server_port=2888 \\
                  --tick_time=2000 \\
                  --init_limit=10 \\
                  --sync_limit=5 \\
                  --heap=512M \\
                  --max_client_cnxns=60 \\
                  --snap_retain_count=3 \\
                  --purge_interval=12 \\
                  --max_session_timeout=40000 \\
                  --min_session_timeout=4000 \\
                  --log_level=INFO"
                readinessProbe:
                  exec:
                    command:
                    - sh
                    - -c
                    - "zookeeper-ready 2181"
                  initialDelaySeconds: 2
                  periodSeconds: 2
                  timeoutSeconds: 5
                livenessProbe:
                  exec:
                    command:
                    - sh
                    - -c
                    - "zookeeper-ready 2181"
                  initialDelaySeconds: 10
                  timeoutSeconds: 5
                volumeMounts:
                - name: datadir
                  mountPath: /var/lib/zookeeper
              securityContext:
                runAsUser: 1000
                fsGroup: 1000
          volumeClaimTemplates:
          - metadata:
              name: datadir
            spec:
              accessModes: [ "ReadWriteOnce" ]
              resources:
                requests:
                  storage: 10Gi
        """);
    assertEquals("service/zk-hs created\nservice/zk-cs created\npoddisruptionbudget.policy/zk-pdb created\n"
        + "statefulset.apps/zk created\n", kubectl.run("apply", "-f", manifest.toString()).ok().out());
    kubectl.run("rollout", "status", "sts/zk", "--timeout=300s").ok();
    for (int i = 0; i < 3; i++) {
      assertEquals("zk-" + i + "\n", kubectl.run("exec", "zk-" + i, "--", "hostname").ok().out());
      assertEquals((i + 1) + "\n", kubectl.run("exec", "zk-" + i, "--", "cat", "/var/lib/zookeeper/data/myid").ok()
          .out());
      assertEquals("zk-" + i + ".zk-hs.default.svc.cluster.local\n", kubectl.run("exec", "zk-" + i, "--", "hostname",
          "-f").ok().out());
    }
    String cfg = kubectl.run("exec", "zk-0", "--", "cat", "/opt/zookeeper/conf/zoo.cfg").ok().out();
    assertTrue(cfg.contains("clientPort=2181\ndataDir=/var/lib/zookeeper/data\n") && cfg.endsWith(
        "server.1=zk-0.zk-hs.default.svc.cluster.local:2888:3888\n"
        + "server.2=zk-1.zk-hs.default.svc.cluster.local:2888:3888\n"
        + "server.3=zk-2.zk-hs.default.svc.cluster.local:2888:3888\n"), cfg);

    Kubectl.Result created = kubectl.run("exec", "zk-0", "--", "zkCli.sh", "create", "/hello", "world").ok();
    assertTrue(created.out().contains("WATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n"),
        created.out());
    assertEquals("Created /hello\n", created.err());
    Kubectl.Result got = kubectl.run("exec", "zk-1", "--", "zkCli.sh", "get", "/hello").ok();
    assertTrue(got.out().endsWith("WatchedEvent state:SyncConnected type:None path:null\nworld\n"), got.out());
    assertTrue(got.err().matches("(?s)cZxid = 0x1\\p{XDigit}+\nctime = .*\ndataLength = 5\nnumChildren = 0\n"),
        got.err());
    assertEquals("", kubectl.run("exec", "zk-2", "--", "zookeeper-ready", "2181").ok().out());
    String ps = kubectl.run("exec", "zk-0", "--", "ps", "-ef").ok().out();
    assertTrue(ps.matches("(?s)UID +PID +PPID .*\nzookeep\\+ +1 +0 .* sh -c start-zookeeper --servers=3 .*\n"
        + "zookeep\\+ +7 +1 .*QuorumPeerMain /usr/bin/../etc/zookeeper/zoo.cfg\n.*"), ps);
    assertTrue(kubectl.run("exec", "zk-0", "--", "ls", "-ld", "/var/lib/zookeeper/data").ok().out()
        .matches("drwxr-xr-x +\\d+ zookeeper zookeeper .* /var/lib/zookeeper/data\n"));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> kubectl.run("logs", "zk-0",
        "--tail", "20").out().contains("[myid:1] - INFO  [NIOWorkerThread-"));
    String pdb = kubectl.run("get", "pdb", "zk-pdb", "--no-headers").ok().out();
    assertTrue(pdb.matches("zk-pdb\\s+N/A\\s+1\\s+1\\s+\\S+\\s*"), pdb);

    // "Handling Process Failure": the server's end is the container's, which the kubelet restarts
    kubectl.run("exec", "zk-0", "--", "pkill", "java").ok();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).until(() -> kubectl.run("get", "pod",
        "zk-0", "-o", "jsonpath={.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].ready}")
        .out().equals("1 true"));
    assertEquals("143 Error", kubectl.run("get", "pod", "zk-0", "-o", "jsonpath={.status.containerStatuses[0]"
        + ".lastState.terminated.exitCode} {.status.containerStatuses[0].lastState.terminated.reason}").ok().out());
    // ruok answers imok as soon as the server runs, before it has synced with the leader and serves clients (real
    // ZooKeeper's four-letter word, which the tutorial's readiness probe asks): a client may meet ConnectionLoss until
    // then, as on a real cluster, so the read is tried again for a while
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> kubectl.run("exec", "zk-0",
        "--", "zkCli.sh", "get", "/hello").out().endsWith("\nworld\n"));

    kubectl.run("delete", "statefulset", "zk").ok();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).until(() -> kubectl.run("get", "pods",
        "-l", "app.kubernetes.io/name=zk", "-o", "name").out().isBlank());
    kubectl.run("apply", "-f", manifest.toString()).ok();
    kubectl.run("rollout", "status", "sts/zk", "--timeout=300s").ok();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> kubectl.run("exec", "zk-2",
        "--", "zkCli.sh", "get", "/hello").out().endsWith("\nworld\n")); // (ruok before serving: see above)
    for (int i = 0; i < 3; i++) {
      assertEquals("Bound", kubectl.run("get", "pvc", "datadir-zk-" + i, "-o", "jsonpath={.status.phase}").ok().out());
    }
  }

  /**
   * "Job with Pod-to-Pod Communication" and "Indexed Job for Parallel Processing with Static Work Assignment" as
   * written: the pods of an Indexed Job ping each other by their names under a port-less headless Service, the Job
   * is found by {@code kubectl get jobs -l job-name=...}, and bash's array picks each index's item for {@code rev}.
   */
  @Test
  @Order(13)
  void theIndexedJobPagesPodsPingTheirPeersAndReverseTheirItems() throws Exception {
    Path manifest = tmp.resolve("indexed-jobs.yaml");
    Files.writeString(manifest, """
        apiVersion: v1
        kind: Service
        metadata:
          name: headless-svc
        spec:
          clusterIP: None # clusterIP must be None to create a headless service
          selector:
            job-name: example-job # must match Job name
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: example-job
        spec:
          completions: 3
          parallelism: 3
          completionMode: Indexed
          template:
            spec:
              subdomain: headless-svc # has to match Service name
              restartPolicy: Never
              containers:
              - name: example-workload
                image: bash:latest
                command:
                - bash
                - -c
                - |
                  for i in 0 1 2
                  do
                    gotStatus="-1"
                    wantStatus="0"
                    while [ $gotStatus -ne $wantStatus ]
                    do
                      ping -c 1 example-job-${i}.headless-svc > /dev/null 2>&1
                      gotStatus=$?
                      if [ $gotStatus -ne $wantStatus ]; then
                        echo "Failed to ping pod example-job-${i}.headless-svc, retrying in 1 second..."
                        sleep 1
                      fi
                    done
                    echo "Successfully pinged pod: example-job-${i}.headless-svc"
                  done
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: 'indexed-job'
        spec:
          completions: 5
          parallelism: 3
          completionMode: Indexed
          template:
            spec:
              restartPolicy: Never
              initContainers:
              - name: 'input'
                image: 'docker.io/library/bash'
                command:
                - "bash"
                - "-c"
                - |
                  items=(foo bar baz qux xyz)
                  echo ${items[$JOB_COMPLETION_INDEX]} > /input/data.txt
                volumeMounts:
                - mountPath: /input
                  name: input
              containers:
              - name: 'worker'
                image: 'docker.io/library/busybox'
                command:
                - "rev"
                - "/input/data.txt"
                volumeMounts:
                - mountPath: /input
                  name: input
              volumes:
              - name: input
                emptyDir: {}
        """);
    kubectl.run("apply", "-f", manifest.toString()).ok();
    kubectl.run("wait", "--for=condition=complete", "job/example-job", "--timeout=120s").ok();
    assertTrue(kubectl.run("get", "jobs", "-l", "job-name=example-job", "--no-headers").ok().out()
        .startsWith("example-job "), "the Job has its template's labels");
    String pod = kubectl.run("get", "pods", "-l", "job-name=example-job,batch.kubernetes.io/job-completion-index=0",
        "-o", "name").ok().out().trim();
    String log = kubectl.run("logs", pod).ok().out();
    assertTrue(log.endsWith("Successfully pinged pod: example-job-0.headless-svc\n"
        + "Successfully pinged pod: example-job-1.headless-svc\n"
        + "Successfully pinged pod: example-job-2.headless-svc\n"), log);
    kubectl.run("wait", "--for=condition=complete", "job/indexed-job", "--timeout=120s").ok();
    StringBuilder reversed = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      String p = kubectl.run("get", "pods", "-l", "job-name=indexed-job,batch.kubernetes.io/job-completion-index=" + i,
          "-o", "name").ok().out().trim();
      reversed.append(kubectl.run("logs", p, "-c", "worker").ok().out());
    }
    assertEquals("oof\nrab\nzab\nxuq\nzyx\n", reversed.toString());
  }

  private String endpointIps(String service) throws Exception {
    return kubectl.run("get", "endpoints", service, "-o", "jsonpath={.subsets[*].addresses[*].ip}").out();
  }
}
