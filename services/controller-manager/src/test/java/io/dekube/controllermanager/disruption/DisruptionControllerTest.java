package io.dekube.controllermanager.disruption;

import static io.dekube.controllermanager.testing.Fake.done;
import static io.dekube.controllermanager.testing.Objects.WEB;
import static io.dekube.controllermanager.testing.Objects.pod;
import static io.dekube.controllermanager.testing.Objects.rs;
import static io.dekube.controllermanager.testing.Objects.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DisruptionControllerTest {

  private static final ObjectKey KEY = new ObjectKey("ns", "budget");
  private static final String READY = "2026-01-01T00:00:00Z";

  private final Fake fake = new Fake();
  private final ResourceType pdbType = fake.store.type("poddisruptionbudgets.policy");
  private final ResourceType podType = fake.store.type("pods");
  private final ResourceType rsType = fake.store.type("replicasets.apps");
  private final DisruptionController controller = new DisruptionController(fake.ctx);

  static PodDisruptionBudget pdb(Object min, Object max, Map<String, String> disrupted) {
    PodDisruptionBudgetBuilder b = new PodDisruptionBudgetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("budget").withNamespace("ns").withGeneration(2L).build())
        .withNewSpec().withSelector(new LabelSelectorBuilder().withMatchLabels(WEB).build())
        .withMinAvailable(min == null ? null : new IntOrString(min))
        .withMaxUnavailable(max == null ? null : new IntOrString(max)).endSpec();
    if (disrupted != null) {
      b.withNewStatus().withDisruptedPods(disrupted).endStatus();
    }
    return b.build();
  }

  /** n ready pods of ReplicaSet rs (or unowned), plus {@code notReady} ones. */
  static List<Pod> pods(ReplicaSet owner, int ready, int notReady) {
    List<Pod> out = new ArrayList<>();
    for (int i = 0; i < ready + notReady; i++) {
      out.add(running(pod("p" + i, owner), "n1", i < ready ? READY : null));
    }
    return out;
  }

  /** (case, budget, pods, replicas of the RS, expected "current desired expected allowed condition-reason"). */
  static Stream<Arguments> cases() {
    ReplicaSet web = rs("web", 5).build();
    return Stream.of(
        Arguments.of("minAvailable int, enough ready", pdb(2, null, null), pods(web, 3, 1), 5,
            "3 2 4 1 SufficientPods"),
        Arguments.of("minAvailable int, exactly", pdb(3, null, null), pods(web, 3, 1), 5, "3 3 4 0 InsufficientPods"),
        Arguments.of("minAvailable percent of the RS scale", pdb("50%", null, null), pods(web, 3, 0), 5,
            "3 3 5 0 InsufficientPods"),
        Arguments.of("maxUnavailable int of the RS scale", pdb(null, 1, null), pods(web, 5, 0), 5,
            "5 4 5 1 SufficientPods"),
        Arguments.of("maxUnavailable percent rounds up", pdb(null, "30%", null), pods(web, 10, 0), 10,
            "10 7 10 3 SufficientPods"),
        Arguments.of("a just evicted pod is not healthy", pdb(2, null, Map.of("p0", "2026-01-01T00:09:00Z")),
            pods(web, 3, 0), 3, "2 2 3 0 InsufficientPods"),
        Arguments.of("an old eviction entry is forgotten", pdb(2, null, Map.of("p0", "2026-01-01T00:01:00Z")),
            pods(web, 3, 0), 3, "3 2 3 1 SufficientPods"),
        Arguments.of("no pods", pdb(1, null, null), List.of(), 3, "0 1 0 0 InsufficientPods"),
        Arguments.of("maxUnavailable over unmanaged pods expects none", pdb(null, 1, null), pods(null, 2, 0), 3,
            "2 0 0 0 InsufficientPods"),
        Arguments.of("a missing controller fails safe", pdb(null, 1, null), pods(rs("gone", 1).build(), 2, 0), 3,
            "0 0 0 0 SyncFailed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void statusFollowsThePods(String name, PodDisruptionBudget budget, List<Pod> pods, int replicas, String want) {
    fake.store.put(rsType, rs("web", replicas).build());
    fake.store.put(pdbType, budget);
    pods.forEach(p -> fake.store.put(podType, p));
    done(controller.sync(KEY));
    ObjectNode s = fake.store.object(pdbType, "ns", "budget").path("status").deepCopy();
    String got = s.path("currentHealthy").asInt() + " " + s.path("desiredHealthy").asInt() + " "
        + s.path("expectedPods").asInt() + " " + s.path("disruptionsAllowed").asInt() + " "
        + s.at("/conditions/0/reason").asText();
    assertEquals(want, got);
    assertEquals(2, s.path("observedGeneration").asInt());
    assertEquals("DisruptionAllowed", s.at("/conditions/0/type").asText());
  }

  @Test
  void evictedEntriesOfGonePodsAreDroppedAndASecondSyncWritesNothing() {
    fake.store.put(rsType, rs("web", 2).build());
    fake.store.put(pdbType, pdb(1, null, Map.of("gone", "2026-01-01T00:09:30Z", "p0", "2026-01-01T00:09:30Z")));
    pods(rs("web", 2).build(), 2, 0).forEach(p -> fake.store.put(podType, p));
    done(controller.sync(KEY));
    ObjectNode s = fake.store.object(pdbType, "ns", "budget").path("status").deepCopy();
    assertEquals("{\"p0\":\"2026-01-01T00:09:30Z\"}", s.path("disruptedPods").toString());
    assertEquals(0, s.path("disruptionsAllowed").asInt());
    fake.clearWritesForDebug();
    done(controller.sync(KEY));
    assertEquals(List.of(), fake.writes());
  }

  @Test
  void aBudgetWithoutPodsRecordsNoPods() {
    fake.store.put(pdbType, pdb(1, null, null));
    done(controller.sync(KEY));
    assertTrue(fake.eventReasons().contains("NoPods: No matching pods found"), fake.eventReasons().toString());
  }

  @Test
  void aDeploymentsScaleCountsForItsReplicaSetsPods() {
    io.fabric8.kubernetes.api.model.apps.Deployment d = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("web").withNamespace("ns").withUid("uid-dep").build())
        .withNewSpec().withReplicas(4).endSpec().build();
    ReplicaSet owned = rs("web-abc", 3).editMetadata().withOwnerReferences(
        io.dekube.controllermanager.common.Owners.controllerRef(d)).endMetadata().build();
    fake.store.put(fake.store.type("deployments.apps"), d);
    fake.store.put(rsType, owned);
    fake.store.put(pdbType, pdb(null, "25%", null));
    pods(owned, 4, 0).forEach(p -> fake.store.put(podType, p));
    done(controller.sync(KEY));
    ObjectNode s = fake.store.object(pdbType, "ns", "budget").path("status").deepCopy();
    assertEquals(4, s.path("expectedPods").asInt());
    assertEquals(3, s.path("desiredHealthy").asInt());
    assertEquals(1, s.path("disruptionsAllowed").asInt());
  }

  @Test
  void aReplicationControllersScaleCountsForItsPods() {
    io.fabric8.kubernetes.api.model.ReplicationController rc = new io.fabric8.kubernetes.api.model
        .ReplicationControllerBuilder().withMetadata(new ObjectMetaBuilder().withName("web").withNamespace("ns")
        .withUid("uid-rc").build()).withNewSpec().withReplicas(4).withSelector(WEB).endSpec().build();
    fake.store.put(fake.store.type("replicationcontrollers"), rc);
    fake.store.put(pdbType, pdb(null, "25%", null));
    for (int i = 0; i < 4; i++) {
      fake.store.put(podType, running(pod("p" + i, null).editMetadata().withOwnerReferences(
          io.dekube.controllermanager.common.Owners.controllerRef(rc)).endMetadata(), "n1", READY));
    }
    done(controller.sync(KEY));
    ObjectNode s = fake.store.object(pdbType, "ns", "budget").path("status").deepCopy();
    assertEquals(4, s.path("expectedPods").asInt(), s::toString);
    assertEquals(3, s.path("desiredHealthy").asInt());
    assertEquals(1, s.path("disruptionsAllowed").asInt());
  }

  private final ResourceType crontabs = new ResourceType("stable.example.com", "v1", "crontabs", "crontab", "CronTab",
      true, List.of(), List.of(), List.of("status", "scale"));

  /** Four ready pods a controller of the given apiVersion/kind (uid "uid-ctl") owns. */
  private void podsOwnedBy(String apiVersion, String kind) {
    for (int i = 0; i < 4; i++) {
      fake.store.put(podType, running(pod("p" + i, null).editMetadata().withOwnerReferences(
          new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind)
              .withName("ctl").withUid("uid-ctl").withController(true).build()).endMetadata(), "n1", READY));
    }
  }

  /**
   * kube's getScaleController: a pod's controller counts by its {@code /scale} — a custom resource's at its
   * CRD's specReplicasPath —, and a controller without one fails the budget with kube's words.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "a custom resource with /scale | stable.example.com/v1 | CronTab | scale   | 4 3 1 SufficientPods",
      "a custom resource without    | stable.example.com/v1 | CronTab | noscale | SyncFailed crontabs.stable.example.com does not implement the scale subresource",
      "a gone custom resource       | stable.example.com/v1 | CronTab | gone    | SyncFailed found no controllers for pod \"p0\"",
      "another of the same name     | stable.example.com/v1 | CronTab | otheruid | SyncFailed found no controllers for pod \"p0\"",
      "a Job                        | batch/v1              | Job     | -       | SyncFailed jobs.batch does not implement the scale subresource",
      "a DaemonSet                  | apps/v1               | DaemonSet | -     | SyncFailed daemonsets.apps does not implement the scale subresource",
      "a kind the cluster lacks     | example.com/v1        | Widget  | -       | SyncFailed no matches for kind \"Widget\" in group \"example.com\"",
  })
  void aControllersScaleSubresourceCounts(String name, String apiVersion, String kind, String crd, String want) {
    if (!crd.equals("-")) {
      fake.ctx.registry().serve(new io.dekube.core.model.CustomKind(crontabs, "CronTabList", List.of(
          new io.dekube.core.model.CustomKind.Version("v1", true, true, null, null, true, crd.equals("noscale") ? null
              : new io.dekube.core.model.CustomKind.Scale(".spec.size", ".status.size", null), List.of()))));
      ObjectNode cr = io.dekube.core.model.Json.object();
      cr.putObject("metadata").put("name", "ctl").put("namespace", "ns")
          .put("uid", crd.equals("otheruid") ? "uid-other" : "uid-ctl");
      cr.putObject("spec").put("size", 4);
      if (!crd.equals("gone")) {
        fake.store.put(crontabs, cr);
      }
    }
    podsOwnedBy(apiVersion, kind);
    fake.store.put(pdbType, pdb(null, "25%", null));
    done(controller.sync(KEY));
    ObjectNode s = fake.store.object(pdbType, "ns", "budget").path("status").deepCopy();
    String reason = s.at("/conditions/0/reason").asText();
    String got = reason.equals("SyncFailed") ? reason + " " + s.at("/conditions/0/message").asText()
        : s.path("expectedPods").asInt() + " " + s.path("desiredHealthy").asInt() + " "
        + s.path("disruptionsAllowed").asInt() + " " + reason;
    assertEquals(want, got, s::toString);
    if (reason.equals("SyncFailed")) {
      assertTrue(fake.eventReasons().contains("CalculateExpectedPodCountFailed: Failed to calculate the number of "
          + "expected pods: " + want.substring("SyncFailed ".length())), fake.eventReasons().toString());
    }
  }

  /** kube counts a controller once by its own uid: a Deployment's old and new ReplicaSets mid-rollout. */
  @Test
  void aDeploymentRollingOutCountsOnce() {
    io.fabric8.kubernetes.api.model.apps.Deployment d = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("web").withNamespace("ns").withUid("uid-dep").build())
        .withNewSpec().withReplicas(4).endSpec().build();
    fake.store.put(fake.store.type("deployments.apps"), d);
    for (String r : List.of("web-old", "web-new")) {
      ReplicaSet owned = rs(r, 2).editMetadata().withOwnerReferences(
          io.dekube.controllermanager.common.Owners.controllerRef(d)).endMetadata().build();
      fake.store.put(rsType, owned);
      for (int i = 0; i < 2; i++) {
        fake.store.put(podType, running(pod(r + i, owned), "n1", READY));
      }
    }
    fake.store.put(pdbType, pdb(null, "25%", null));
    done(controller.sync(KEY));
    ObjectNode s = fake.store.object(pdbType, "ns", "budget").path("status").deepCopy();
    assertEquals(4, s.path("expectedPods").asInt(), s::toString);
    assertEquals(1, s.path("disruptionsAllowed").asInt());
  }
}
