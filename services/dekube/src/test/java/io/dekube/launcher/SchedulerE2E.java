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
 * 4th Pending and its FailedScheduling event in {@code kubectl describe}, Insufficient cpu, and
 * preemption by a higher-priority pod.
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
  void aHigherPriorityPodPreemptsALowerOne() throws Exception {
    namespace("prio");
    for (int i = 1; i <= 3; i++) {
      apply("low-" + i, pod("prio", "low-" + i, "app: low", "priority: 0", "3"));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> Arrays.stream(new int[] {1, 2, 3})
        .allMatch(i -> quiet(() -> !nodeOf("prio", "low-" + i).isEmpty())));
    apply("high", pod("prio", "high", "app: high", "priority: 1000", "3"));
    await().atMost(Duration.ofSeconds(90)).until(() -> !nodeOf("prio", "high").isEmpty());
    await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("-n", "prio", "get", "pods", "-o", "name").ok()
        .out().lines().count() == 3);
    String events = kubectl.run("-n", "prio", "get", "events", "-o", "jsonpath={.items[*].message}").ok().out();
    assertTrue(events.contains("Preempted by pod"), events);
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
