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
}
