package io.dekube.controllermanager.daemonset;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.history.Revisions;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DaemonSetControllerTest {

  static final Map<String, String> LABELS = Map.of("app", "agent");
  private final Fake fake = new Fake();
  private final ResourceType dsType = fake.store.type("daemonsets.apps");
  private final ResourceType podType = fake.store.type("pods");
  private final ResourceType nodeType = fake.store.type("nodes");
  private final ResourceType revType = fake.store.type("controllerrevisions.apps");
  private final DaemonSetController controller = new DaemonSetController(fake.ctx);
  private static final ObjectKey KEY = new ObjectKey("ns", "agent");

  static DaemonSetBuilder ds() {
    return new DaemonSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("agent").withNamespace("ns").withUid("uid-agent")
            .withGeneration(2L).build())
        .withNewSpec().withSelector(new LabelSelectorBuilder().withMatchLabels(LABELS).build())
        .withTemplate(new PodTemplateSpecBuilder().withNewMetadata().withLabels(LABELS).endMetadata()
            .withNewSpec().withContainers(new ContainerBuilder().withName("a").withImage("dekube/pause").build())
            .endSpec().build())
        .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(1)).withMaxSurge(new IntOrString(0)).endRollingUpdate().endUpdateStrategy()
        .endSpec();
  }

  static String currentHash(DaemonSet ds) {
    return Revisions.hash(Revisions.templatePatch(ds.getSpec().getTemplate()), null);
  }

  static Node node(String name, String... labelsAndTaint) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).withLabels(Map.of("disk", name.equals("n1")
        ? "ssd" : "hdd")).endMetadata().withNewSpec().endSpec();
    for (String t : labelsAndTaint) {
      String[] kv = t.split(":");
      b.editSpec().addToTaints(new TaintBuilder().withKey(kv[0]).withEffect(kv[1]).build()).endSpec();
    }
    return b.build();
  }

  /** A running ready pod of the DaemonSet on a node, of a revision hash ("new" = the current template's). */
  static Pod pod(String name, String node, String hash, String created) {
    return new PodBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid("uid-" + name)
            .withLabels(Map.of("app", "agent", Revisions.HASH_LABEL, hash)).withCreationTimestamp(created)
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("DaemonSet")
                .withName("agent").withUid("uid-agent").withController(true).build()).build())
        .withNewSpec().withNodeName(node).withContainers(new ContainerBuilder().withName("a").withImage("x").build())
        .endSpec().withNewStatus().withPhase("Running").withConditions(new PodConditionBuilder().withType("Ready")
            .withStatus("True").withLastTransitionTime("2026-01-01T00:00:00Z").build()).endStatus().build();
  }

  record Want(List<String> createdOn, List<String> deleted) {
  }

  static Stream<Arguments> cases() {
    DaemonSet plain = ds().build();
    String cur = currentHash(plain);
    List<Node> three = List.of(node("n1"), node("n2"), node("n3"));
    return Stream.of(
        Arguments.of("a pod for every node", plain, three, List.of(), new Want(List.of("n1", "n2", "n3"), List.of())),
        Arguments.of("nodes with untolerated taints get none, unschedulable ones do", plain, List.of(node("n1"),
            node("n2", "dedicated:NoSchedule"), node("n3", "node.kubernetes.io/unschedulable:NoSchedule")), List.of(),
            new Want(List.of("n1", "n3"), List.of())),
        Arguments.of("nodeSelector", ds().editSpec().editTemplate().editSpec().withNodeSelector(Map.of("disk", "ssd"))
            .endSpec().endTemplate().endSpec().build(), three, List.of(), new Want(List.of("n1"), List.of())),
        Arguments.of("a pod of a removed node goes", plain, List.of(node("n1")), List.of(
            pod("a", "n1", cur, "2026-01-01T00:00:00Z"), pod("b", "gone", cur, "2026-01-01T00:00:00Z")),
            new Want(List.of(), List.of("b"))),
        Arguments.of("a second pod on a node goes, the oldest stays", plain, List.of(node("n1")), List.of(
            pod("a", "n1", cur, "2026-01-01T00:00:00Z"), pod("b", "n1", cur, "2026-01-01T00:01:00Z")),
            new Want(List.of(), List.of("b"))),
        Arguments.of("an untolerated NoExecute taint evicts", plain, List.of(node("n1", "evict:NoExecute")), List.of(
            pod("a", "n1", cur, "2026-01-01T00:00:00Z")), new Want(List.of(), List.of("a"))),
        Arguments.of("an untolerated NoSchedule taint does not", plain, List.of(node("n1", "dedicated:NoSchedule")),
            List.of(pod("a", "n1", cur, "2026-01-01T00:00:00Z")), new Want(List.of(), List.of())),
        Arguments.of("RollingUpdate deletes maxUnavailable old pods", plain, three, List.of(
            pod("a", "n1", "old", "2026-01-01T00:00:00Z"), pod("b", "n2", "old", "2026-01-01T00:00:00Z"),
            pod("c", "n3", "old", "2026-01-01T00:00:00Z")), new Want(List.of(), List.of("a"))),
        Arguments.of("RollingUpdate waits while a new pod is unavailable", plain, three, List.of(
            pod("a", "n1", cur, "2026-01-01T00:00:00Z").edit().editStatus().withConditions().endStatus().build(),
            pod("b", "n2", "old", "2026-01-01T00:00:00Z"), pod("c", "n3", "old", "2026-01-01T00:00:00Z")),
            new Want(List.of(), List.of())),
        Arguments.of("OnDelete leaves old pods alone", ds().editSpec().withNewUpdateStrategy().withType("OnDelete")
            .endUpdateStrategy().endSpec().build(), three, List.of(
            pod("a", "n1", "old", "2026-01-01T00:00:00Z"), pod("b", "n2", "old", "2026-01-01T00:00:00Z"),
            pod("c", "n3", "old", "2026-01-01T00:00:00Z")), new Want(List.of(), List.of())),
        Arguments.of("maxSurge creates the new pod beside the old", ds().editSpec().editUpdateStrategy()
            .editRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0))
            .endRollingUpdate().endUpdateStrategy().endSpec().build(), List.of(node("n1"), node("n2")), List.of(
            pod("a", "n1", "old", "2026-01-01T00:00:00Z"), pod("b", "n2", "old", "2026-01-01T00:00:00Z")),
            new Want(List.of("n1"), List.of())),
        Arguments.of("maxSurge deletes the old pod once the new one is available", ds().editSpec().editUpdateStrategy()
            .editRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0))
            .endRollingUpdate().endUpdateStrategy().endSpec().build(), List.of(node("n1")), List.of(
            pod("a", "n1", "old", "2026-01-01T00:00:00Z"), pod("b", "n1", cur, "2026-01-01T00:05:00Z")),
            new Want(List.of(), List.of("a"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void syncs(String name, DaemonSet ds, List<Node> nodes, List<Pod> pods, Want want) {
    fake.store.put(dsType, ds);
    nodes.forEach(n -> fake.store.put(nodeType, n));
    pods.forEach(p -> fake.store.put(podType, p));
    List<String> before = fake.store.items(podType, "ns").stream().map(p -> p.path("metadata").path("name").asText())
        .toList();
    done(controller.sync(KEY));
    List<String> createdOn = new ArrayList<>();
    for (ObjectNode p : fake.store.items(podType, "ns")) {
      if (!before.contains(p.path("metadata").path("name").asText())) {
        createdOn.add(p.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
            + "/nodeSelectorTerms/0/matchFields/0/values/0").asText());
      }
    }
    assertEquals(want.createdOn(), createdOn.stream().sorted().toList(), "created on");
    assertEquals(want.deleted().stream().map(d -> "delete pods ns/" + d).toList(),
        fake.writes().stream().filter(w -> w.startsWith("delete pods")).sorted().toList());
  }

  @Test
  void podsArePinnedTolerantAndLabelledWithTheRevision() {
    fake.store.put(dsType, ds().build());
    fake.store.put(nodeType, node("n1"));
    done(controller.sync(KEY));
    ObjectNode p = fake.store.items(podType, "ns").get(0);
    String hash = currentHash(ds().build());
    assertEquals(hash, p.at("/metadata/labels/controller-revision-hash").asText());
    assertEquals("2", p.at("/metadata/labels/pod-template-generation").asText());
    assertTrue(p.at("/spec/nodeName").isMissingNode(), "the scheduler binds it");
    List<String> tolerations = new ArrayList<>();
    p.at("/spec/tolerations").forEach(t -> tolerations.add(t.path("key").asText() + ":" + t.path("effect").asText()));
    assertEquals(List.of("node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute",
        "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule",
        "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"), tolerations);
    ObjectNode rev = fake.store.object(revType, "ns", "agent-" + hash);
    assertEquals(1, rev.path("revision").asInt());
    assertEquals("replace", rev.at("/data/spec/template/$patch").asText());
    assertEquals("DaemonSet", rev.at("/metadata/ownerReferences/0/kind").asText());
    assertTrue(fake.eventReasons().get(0).startsWith("SuccessfulCreate: Created pod: agent-"));
  }

  @Test
  void statusCountsNodesAsKubectlReadsThem() {
    DaemonSet ds = ds().editSpec().editTemplate().editSpec().withNodeSelector(Map.of("disk", "hdd")).endSpec()
        .endTemplate().endSpec().build();
    String cur = currentHash(ds);
    fake.store.put(dsType, ds);
    List.of(node("n1"), node("n2"), node("n3")).forEach(n -> fake.store.put(nodeType, n));
    fake.store.put(podType, pod("a", "n1", cur, "2026-01-01T00:00:00Z"));
    fake.store.put(podType, pod("b", "n2", cur, "2026-01-01T00:00:00Z"));
    fake.store.put(podType, pod("c", "n3", "old", "2026-01-01T00:00:00Z").edit().editStatus().withConditions()
        .endStatus().build());
    controller.expectations().expect(KEY, 1, 0);
    done(controller.sync(KEY));
    JsonNode s = fake.store.object(dsType, "ns", "agent").path("status");
    assertEquals(2, s.path("desiredNumberScheduled").asInt());
    assertEquals(2, s.path("currentNumberScheduled").asInt());
    assertEquals(1, s.path("numberMisscheduled").asInt());
    assertEquals(1, s.path("numberReady").asInt());
    assertEquals(1, s.path("numberAvailable").asInt());
    assertEquals(1, s.path("numberUnavailable").asInt());
    assertEquals(1, s.path("updatedNumberScheduled").asInt());
    assertEquals(2, s.path("observedGeneration").asInt());
  }

  @Test
  void aChangedTemplateIsANewRevisionAndOldOnesArePruned() {
    DaemonSet v1 = ds().editSpec().withRevisionHistoryLimit(0).endSpec().build();
    fake.store.put(dsType, v1);
    done(controller.sync(KEY));
    DaemonSet v2 = ds().editSpec().withRevisionHistoryLimit(0).editTemplate().editSpec().editFirstContainer()
        .withImage("dekube/web").endContainer().endSpec().endTemplate().endSpec().build();
    fake.store.put(dsType, v2);
    done(controller.sync(KEY));
    done(controller.sync(KEY));
    List<String> revs = fake.store.items(revType, "ns").stream().map(r -> r.path("metadata").path("name").asText()
        + "@" + r.path("revision").asInt()).toList();
    assertEquals(List.of("agent-" + currentHash(v2) + "@2"), revs);
  }

  /**
   * kube's failedPodsBackoff: a node whose daemon pod keeps failing gets it replaced at once the
   * first time, then only after 1 s, 2 s, ... since the last replacement, not in a hot loop.
   */
  @Test
  void failedPodsAreReplacedWithBackOff() {
    fake.store.put(dsType, ds().build());
    fake.store.put(nodeType, node("n1"));
    done(controller.sync(KEY));
    assertEquals(1, deletionsAfterFailingThePodAndSyncing(), "the first failed pod goes at once");
    controller.expectations().forget(KEY);
    done(controller.sync(KEY));
    assertEquals(1, fake.store.items(podType, "ns").size(), "replaced");

    assertEquals(0, deletionsAfterFailingThePodAndSyncing(), "the second failure within 1 s waits");
    fake.clock.set(fake.clock.instant().plusSeconds(1));
    assertEquals(1, deletionsAfterSyncing(), "and goes once 1 s has passed");
    controller.expectations().forget(KEY);
    done(controller.sync(KEY));

    assertEquals(0, deletionsAfterFailingThePodAndSyncing());
    fake.clock.set(fake.clock.instant().plusSeconds(1));
    assertEquals(0, deletionsAfterSyncing(), "the third waits 2 s");
    fake.clock.set(fake.clock.instant().plusSeconds(1));
    assertEquals(1, deletionsAfterSyncing());
    assertEquals(3, fake.eventReasons().stream().filter(r -> r.startsWith("FailedDaemonPod: Found failed daemon pod ns/")
        && r.endsWith(" on node n1, will try to kill it")).count(), String.join("\n", fake.eventReasons()));
  }

  /** Marks the DaemonSet's one pod Failed, syncs, and counts the pod deletions of that sync. */
  private long deletionsAfterFailingThePodAndSyncing() {
    List<ObjectNode> pods = fake.store.items(podType, "ns");
    assertEquals(1, pods.size(), "one pod on the node");
    Pod p = io.dekube.core.model.Typed.from(pods.get(0), Pod.class);
    p.getSpec().setNodeName("n1");
    p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Failed").build());
    fake.store.put(podType, p);
    return deletionsAfterSyncing();
  }

  private long deletionsAfterSyncing() {
    fake.clearWritesForDebug();
    controller.expectations().forget(KEY);
    done(controller.sync(KEY));
    return fake.writes().stream().filter(w -> w.startsWith("delete pods")).count();
  }
}
