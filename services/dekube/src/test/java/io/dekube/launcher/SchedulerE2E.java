package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler against the real {@code ./dekube up} (3 nodes of 4 cpu) with the real kubectl, one
 * cluster for the class: pods spread, nodeSelector, taints, required anti-affinity 3 on 3 with the
 * 4th Pending and its FailedScheduling event in {@code kubectl describe}, Insufficient cpu,
 * preemption by a pod of a higher PriorityClass (a raw {@code spec.priority} refused), and
 * {@code kubectl drain} held back by a PodDisruptionBudget (429 on the last pod).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulerE2E {

  private static final List<String> NODES = List.of("kube-node-01", "kube-node-02", "kube-node-03");

  @TempDir
  static Path dir;
  private static DekubeProcess dekube;
  private static Kubectl kubectl;

  @BeforeAll
  static void up() throws Exception {
    Kubectl.requireOnPath();
    dekube = DekubeProcess.up(dir.resolve("data"));
    kubectl = new Kubectl(dekube.kubeconfig());
    if (kubectl.run("get", "nodes", "-o", "name").ok().out().isBlank()) {
      registerNodes();
    }
    await().atMost(Duration.ofMinutes(2)).until(() -> kubectl.run("get", "nodes", "-o", "name").out().lines()
        .count() == 3);
  }

  /** Without kubelets in {@code up}, the nodes are registered as kubelets would (4 cpu, 8 Gi, 110 pods). */
  private static void registerNodes() throws Exception {
    StringBuilder yaml = new StringBuilder();
    for (String n : NODES) {
      yaml.append("""
          apiVersion: v1
          kind: Node
          metadata:
            name: %s
            labels: {kubernetes.io/hostname: %s, kubernetes.io/os: linux}
          status:
            capacity: {cpu: "4", memory: 8Gi, pods: "110"}
            allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
            conditions: [{type: Ready, status: "True"}]
          ---
          """.formatted(n, n));
    }
    apply("nodes", yaml.toString());
  }

  @AfterAll
  static void down() throws Exception {
    if (dekube != null) {
      dekube.close();
    }
  }

  private static void apply(String name, String yaml) throws Exception {
    Path f = Files.writeString(dir.resolve(name + ".yaml"), yaml);
    kubectl.run("apply", "-f", f.toString()).ok();
  }

  private static String pod(String ns, String name, String labels, String spec) {
    return pod(ns, name, labels, spec, null);
  }

  private static String pod(String ns, String name, String labels, String spec, String cpu) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: %s
          labels: {%s}
        spec:
          terminationGracePeriodSeconds: 0
        %s
          containers:
          - name: web
            image: dekube/web
        %s""".formatted(name, ns, labels, spec.indent(2).stripTrailing(),
        cpu == null ? "" : "    resources: {requests: {cpu: \"" + cpu + "\"}}\n");
  }

  private static String nodeOf(String ns, String pod) throws Exception {
    return kubectl.run("-n", ns, "get", "pod", pod, "-o", "jsonpath={.spec.nodeName}").ok().out().trim();
  }

  private static void namespace(String ns) throws Exception {
    kubectl.run("create", "namespace", ns).ok();
  }

  @Test
  @Order(1)
  void podsSpreadOverTheNodes() throws Exception {
    namespace("spread");
    for (int i = 1; i <= 3; i++) {
      apply("spread-" + i, pod("spread", "web-" + i, "app: web", ""));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> !nodeOf("spread", "web-3").isEmpty()
        && !nodeOf("spread", "web-1").isEmpty() && !nodeOf("spread", "web-2").isEmpty());
    Set<String> used = new HashSet<>();
    for (int i = 1; i <= 3; i++) {
      used.add(nodeOf("spread", "web-" + i));
    }
    assertEquals(new HashSet<>(NODES), used);
    String events = kubectl.run("-n", "spread", "get", "events", "--field-selector", "involvedObject.name=web-1",
        "-o", "jsonpath={.items[*].message}").ok().out();
    assertTrue(events.contains("Successfully assigned spread/web-1 to kube-node-0"), events);
  }

  @Test
  @Order(2)
  void nodeSelectorPicksTheLabelledNode() throws Exception {
    kubectl.run("label", "node", "kube-node-02", "disk=ssd").ok();
    namespace("selector");
    for (int i = 1; i <= 3; i++) {
      apply("sel-" + i, pod("selector", "ssd-" + i, "app: db", "nodeSelector: {disk: ssd}"));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> Arrays.stream(new int[] {1, 2, 3})
        .allMatch(i -> quiet(() -> !nodeOf("selector", "ssd-" + i).isEmpty())));
    for (int i = 1; i <= 3; i++) {
      assertEquals("kube-node-02", nodeOf("selector", "ssd-" + i));
    }
  }

  @Test
  @Order(3)
  void aTaintedNodeTakesOnlyTolerations() throws Exception {
    kubectl.run("taint", "node", "kube-node-01", "dedicated=db:NoSchedule").ok();
    namespace("taint");
    for (int i = 1; i <= 4; i++) {
      apply("t-" + i, pod("taint", "plain-" + i, "app: t", ""));
    }
    apply("t-tol", pod("taint", "tolerant", "app: t", """
        nodeSelector: {kubernetes.io/hostname: kube-node-01}
        tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]"""));
    apply("t-no", pod("taint", "intolerant", "app: t", "nodeSelector: {kubernetes.io/hostname: kube-node-01}"));
    await().atMost(Duration.ofSeconds(60)).until(() -> Arrays.stream(new int[] {1, 2, 3, 4})
        .allMatch(i -> quiet(() -> !nodeOf("taint", "plain-" + i).isEmpty())) && !nodeOf("taint", "tolerant").isEmpty());
    for (int i = 1; i <= 4; i++) {
      assertFalse(nodeOf("taint", "plain-" + i).equals("kube-node-01"), "plain-" + i + " on the tainted node");
    }
    assertEquals("kube-node-01", nodeOf("taint", "tolerant"));
    await().atMost(Duration.ofSeconds(60)).until(() -> describe("taint", "intolerant").contains("FailedScheduling"));
    assertTrue(describe("taint", "intolerant").contains("node(s) had untolerated taint {dedicated: db}"),
        describe("taint", "intolerant"));
    kubectl.run("taint", "node", "kube-node-01", "dedicated=db:NoSchedule-").ok();
    kubectl.run("delete", "namespace", "taint", "--wait=false").ok();
  }

  @Test
  @Order(4)
  void antiAffinityPutsThreeOnThreeAndLeavesTheFourthPending() throws Exception {
    namespace("anti");
    String anti = """
        affinity:
          podAntiAffinity:
            requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: cache}}
              topologyKey: kubernetes.io/hostname""";
    for (int i = 1; i <= 4; i++) {
      apply("anti-" + i, pod("anti", "cache-" + i, "app: cache", anti));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> describeAll("anti").contains("FailedScheduling"));
    Set<String> used = new HashSet<>();
    String pending = null;
    for (int i = 1; i <= 4; i++) {
      String n = nodeOf("anti", "cache-" + i);
      if (n.isEmpty()) {
        pending = "cache-" + i;
      } else {
        used.add(n);
      }
    }
    assertEquals(new HashSet<>(NODES), used);
    String d = describe("anti", pending);
    assertTrue(d.contains("Pending"), d);
    assertTrue(d.contains("FailedScheduling") && d.contains(
        "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."), d);
  }

  @Test
  @Order(5)
  void aPodAskingForMoreCpuThanAnyNodeStaysPending() throws Exception {
    namespace("big");
    apply("big", pod("big", "huge", "app: big", "", "5"));
    await().atMost(Duration.ofSeconds(60)).until(() -> describe("big", "huge").contains("Insufficient cpu"));
    assertEquals("", nodeOf("big", "huge"));
    assertTrue(describe("big", "huge").contains("0/3 nodes are available: 3 Insufficient cpu."), describe("big", "huge"));
  }

  @Test
  @Order(6)
  void aHigherPriorityClassPreemptsALowerOne() throws Exception {
    String classes = kubectl.run("get", "pc").ok().out();
    assertTrue(classes.lines().findFirst().orElse("").matches("NAME\\s+VALUE\\s+GLOBAL-DEFAULT\\s+AGE\\s+PREEMPTIONPOLICY"),
        classes);
    assertTrue(classes.matches("(?s).*system-node-critical\\s+2000001000\\s+false\\s+\\S+\\s+PreemptLowerPriority.*"),
        classes);
    kubectl.run("create", "priorityclass", "low", "--value=10").ok();
    kubectl.run("create", "priorityclass", "high", "--value=1000", "--description=preempts low").ok();
    namespace("prio");
    Kubectl.Result raw = kubectl.run("apply", "-f", Files.writeString(dir.resolve("raw.yaml"),
        pod("prio", "raw", "app: raw", "priority: 1000")).toString());
    assertTrue(raw.exit() != 0 && raw.err().contains("pods \"raw\" is forbidden: the integer value of priority (1000) "
        + "must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name"),
        raw.err());
    Kubectl.Result unknown = kubectl.run("apply", "-f", Files.writeString(dir.resolve("unknown.yaml"),
        pod("prio", "nope", "app: raw", "priorityClassName: nope")).toString());
    assertTrue(unknown.err().contains("no PriorityClass with name nope was found"), unknown.err());
    for (int i = 1; i <= 3; i++) {
      apply("low-" + i, pod("prio", "low-" + i, "app: low", "priorityClassName: low", "3"));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> Arrays.stream(new int[] {1, 2, 3})
        .allMatch(i -> quiet(() -> !nodeOf("prio", "low-" + i).isEmpty())));
    assertEquals("10", kubectl.run("-n", "prio", "get", "pod", "low-1", "-o", "jsonpath={.spec.priority}").ok().out());
    apply("high", pod("prio", "high", "app: high", "priorityClassName: high", "3"));
    await().atMost(Duration.ofSeconds(90)).until(() -> !nodeOf("prio", "high").isEmpty());
    await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("-n", "prio", "get", "pods", "-o", "name").ok()
        .out().lines().count() == 3);
    String events = kubectl.run("-n", "prio", "get", "events", "-o", "jsonpath={.items[*].message}").ok().out();
    assertTrue(events.contains("Preempted by pod"), events);
    kubectl.run("delete", "namespace", "prio", "--wait=false").ok();
  }

  @Test
  @Order(7)
  void drainStopsAtTheDisruptionBudget() throws Exception {
    namespace("drain");
    apply("drain", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: drain}
        spec:
          replicas: 2
          selector: {matchLabels: {app: drained}}
          template:
            metadata: {labels: {app: drained}}
            spec:
              terminationGracePeriodSeconds: 0
              nodeSelector: {kubernetes.io/hostname: kube-node-03}
              containers: [{name: web, image: dekube/web}]
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web, namespace: drain}
        spec:
          minAvailable: 1
          selector: {matchLabels: {app: drained}}
        """);
    await().atMost(Duration.ofSeconds(90)).until(() -> kubectl.run("-n", "drain", "get", "pdb", "web", "-o",
        "jsonpath={.status.disruptionsAllowed}").out().equals("1"));
    String pdb = kubectl.run("-n", "drain", "get", "pdb").ok().out();
    assertTrue(pdb.matches("(?s)NAME\\s+MIN AVAILABLE\\s+MAX UNAVAILABLE\\s+ALLOWED DISRUPTIONS\\s+AGE\\s+"
        + "web\\s+1\\s+N/A\\s+1\\s+.*"), pdb);
    // kubectl prints the refusal at the first eviction and retries every 5 s until the timeout: 6 s is enough
    Kubectl.Result drain = kubectl.run("drain", "kube-node-03", "--ignore-daemonsets", "--force", "--timeout=6s");
    assertTrue(drain.exit() != 0 && drain.err().contains("Cannot evict pod as it would violate the pod's disruption "
        + "budget."), drain.out() + drain.err());
    assertEquals("true", kubectl.run("get", "node", "kube-node-03", "-o", "jsonpath={.spec.unschedulable}").ok().out());
    String left = kubectl.run("-n", "drain", "get", "pods", "--field-selector", "spec.nodeName=kube-node-03", "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.metadata.deletionTimestamp}{\"\\n\"}{end}").ok().out();
    assertEquals(1, left.lines().filter(l -> !l.isBlank() && l.trim().split(" ").length == 1).count(), left);
    assertEquals("0", kubectl.run("-n", "drain", "get", "pdb", "web", "-o", "jsonpath={.status.disruptionsAllowed}")
        .ok().out());
    kubectl.run("-n", "drain", "delete", "pdb", "web").ok();
    kubectl.run("drain", "kube-node-03", "--ignore-daemonsets", "--force", "--timeout=30s").ok();
    kubectl.run("uncordon", "kube-node-03").ok();
  }

  private static String describe(String ns, String pod) throws Exception {
    return kubectl.run("-n", ns, "describe", "pod", pod).ok().out();
  }

  private static String describeAll(String ns) throws Exception {
    return kubectl.run("-n", ns, "describe", "pods").ok().out();
  }

  private interface Check {
    boolean get() throws Exception;
  }

  private static boolean quiet(Check c) {
    try {
      return c.get();
    } catch (Exception e) {
      return false;
    }
  }
}
