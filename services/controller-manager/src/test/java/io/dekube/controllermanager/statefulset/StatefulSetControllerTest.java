package io.dekube.controllermanager.statefulset;

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
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StatefulSetControllerTest {

  static final Map<String, String> LABELS = Map.of("app", "web");
  private final Fake fake = new Fake();
  private final ResourceType stsType = fake.store.type("statefulsets.apps");
  private final ResourceType podType = fake.store.type("pods");
  private final ResourceType revType = fake.store.type("controllerrevisions.apps");
  private final StatefulSetController controller = new StatefulSetController(fake.ctx);
  private static final ObjectKey KEY = new ObjectKey("ns", "web");

  static StatefulSetBuilder sts(int replicas) {
    return new StatefulSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("web").withNamespace("ns").withUid("uid-web")
            .withGeneration(1L).build())
        .withNewSpec().withReplicas(replicas).withServiceName("web").withPodManagementPolicy("OrderedReady")
        .withSelector(new LabelSelectorBuilder().withMatchLabels(LABELS).build())
        .withTemplate(new PodTemplateSpecBuilder().withNewMetadata().withLabels(LABELS).endMetadata()
            .withNewSpec().withContainers(new ContainerBuilder().withName("web").withImage("dekube/web").build())
            .endSpec().build())
        .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate().withPartition(0).endRollingUpdate()
        .endUpdateStrategy().endSpec();
  }

  static String updateRevision(StatefulSet s) {
    return "web-" + Revisions.hash(Revisions.templatePatch(s.getSpec().getTemplate()), null);
  }

  /** A pod of ordinal {@code i}, at revision {@code rev} ("new" = the update revision), ready or not. */
  static Pod pod(int i, String rev, boolean ready) {
    return new PodBuilder().withMetadata(new ObjectMetaBuilder().withName("web-" + i).withNamespace("ns")
            .withUid("uid-web-" + i).withLabels(Map.of("app", "web", Revisions.HASH_LABEL, rev))
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
                .withName("web").withUid("uid-web").withController(true).build()).build())
        .withNewSpec().withNodeName("n1").withContainers(new ContainerBuilder().withName("web").withImage("x").build())
        .endSpec().withNewStatus().withPhase("Running").withConditions(new PodConditionBuilder().withType("Ready")
            .withStatus(ready ? "True" : "False").withLastTransitionTime("2026-01-01T00:00:00Z").build()).endStatus()
        .build();
  }

  static Stream<Arguments> cases() {
    StatefulSet three = sts(3).build();
    String cur = updateRevision(three);
    StatefulSet parallel = sts(3).editSpec().withPodManagementPolicy("Parallel").endSpec().build();
    return Stream.of(
        Arguments.of("OrderedReady creates web-0 first", three, List.of(), List.of("create pods ns/web-0")),
        Arguments.of("then web-1 once web-0 is ready", three, List.of(pod(0, cur, true)), List.of("create pods ns/web-1")),
        Arguments.of("not while web-0 is not ready", three, List.of(pod(0, cur, false)), List.of()),
        Arguments.of("Parallel creates them all", parallel, List.of(),
            List.of("create pods ns/web-0", "create pods ns/web-1", "create pods ns/web-2")),
        Arguments.of("a missing middle pod is recreated", three, List.of(pod(0, cur, true), pod(2, cur, true)),
            List.of("create pods ns/web-1")),
        Arguments.of("scale down removes the highest first", sts(1).build(), List.of(pod(0, cur, true),
            pod(1, cur, true), pod(2, cur, true)), List.of("delete pods ns/web-2")),
        Arguments.of("Parallel scale down removes all surplus", sts(1).editSpec().withPodManagementPolicy("Parallel")
            .endSpec().build(), List.of(pod(0, cur, true), pod(1, cur, true), pod(2, cur, true)),
            List.of("delete pods ns/web-1", "delete pods ns/web-2")),
        Arguments.of("a failed pod is deleted to be recreated", three, List.of(pod(0, cur, true),
            pod(1, cur, true).edit().editStatus().withPhase("Failed").endStatus().build()),
            List.of("delete pods ns/web-1")),
        Arguments.of("RollingUpdate replaces the highest old pod", three, List.of(pod(0, "web-old", true),
            pod(1, "web-old", true), pod(2, "web-old", true)), List.of("delete pods ns/web-2")),
        Arguments.of("then the next once it is healthy again", three, List.of(pod(0, "web-old", true),
            pod(1, "web-old", true), pod(2, cur, true)), List.of("delete pods ns/web-1")),
        Arguments.of("but not while the updated one is not ready", three, List.of(pod(0, "web-old", true),
            pod(1, "web-old", true), pod(2, cur, false)), List.of()),
        Arguments.of("the partition stops it", sts(3).editSpec().editUpdateStrategy().editRollingUpdate()
            .withPartition(2).endRollingUpdate().endUpdateStrategy().endSpec().build(), List.of(
            pod(0, "web-old", true), pod(1, "web-old", true), pod(2, cur, true)), List.of()),
        Arguments.of("OnDelete leaves old pods", sts(3).editSpec().withNewUpdateStrategy().withType("OnDelete")
            .endUpdateStrategy().endSpec().build(), List.of(pod(0, "web-old", true), pod(1, "web-old", true),
            pod(2, "web-old", true)), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void syncs(String name, StatefulSet set, List<Pod> pods, List<String> want) {
    fake.store.put(stsType, set);
    pods.forEach(p -> fake.store.put(podType, p));
    done(controller.sync(KEY));
    assertEquals(want, fake.writes().stream().filter(w -> w.contains(" pods ")).sorted().toList());
  }

  @Test
  void podsHaveStableIdentitiesAndClaimVolumes() {
    fake.store.put(stsType, sts(1).editSpec().withVolumeClaimTemplates(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("data").endMetadata().build()).endSpec().build());
    done(controller.sync(KEY));
    ObjectNode p = fake.store.object(podType, "ns", "web-0");
    String rev = updateRevision(sts(1).build());
    assertEquals("web-0", p.at("/spec/hostname").asText());
    assertEquals("web", p.at("/spec/subdomain").asText());
    assertEquals("web-0", p.at("/metadata/labels/statefulset.kubernetes.io~1pod-name").asText());
    assertEquals("0", p.at("/metadata/labels/apps.kubernetes.io~1pod-index").asText());
    assertEquals(rev, p.at("/metadata/labels/controller-revision-hash").asText());
    assertEquals("data", p.at("/spec/volumes/0/name").asText());
    assertEquals("data-web-0", p.at("/spec/volumes/0/persistentVolumeClaim/claimName").asText());
    assertEquals(List.of("SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success",
        "SuccessfulCreate: create Pod web-0 in StatefulSet web successful"), fake.eventReasons());
    ObjectNode claim = fake.store.object(fake.store.type("persistentvolumeclaims"), "ns", "data-web-0");
    assertTrue(claim.path("metadata").path("ownerReferences").isMissingNode(), "Retain: owned by nothing");
    assertEquals(sts(1).build().getSpec().getSelector().getMatchLabels().keySet().iterator().next(),
        claim.path("metadata").path("labels").fieldNames().next());
    assertEquals(1, fake.store.object(revType, "ns", rev).path("revision").asInt());
  }

  @Test
  void claimsOfASetWhoseRetentionPolicyDeletesThemAreOwnedByIt() {
    fake.store.put(stsType, sts(1).editSpec().withVolumeClaimTemplates(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("data").endMetadata().build()).withNewPersistentVolumeClaimRetentionPolicy()
        .withWhenDeleted("Delete").withWhenScaled("Retain").endPersistentVolumeClaimRetentionPolicy().endSpec().build());
    done(controller.sync(KEY));
    ObjectNode claim = fake.store.object(fake.store.type("persistentvolumeclaims"), "ns", "data-web-0");
    assertEquals("StatefulSet", claim.at("/metadata/ownerReferences/0/kind").asText());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "whenScaled {0}")
  @org.junit.jupiter.params.provider.CsvSource({"Retain, true", "Delete, false"})
  void claimsOfOrdinalsScaledAwayGoOnlyWhenThePolicySaysDelete(String whenScaled, boolean kept) {
    fake.store.put(stsType, sts(1).editSpec().withVolumeClaimTemplates(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("data").endMetadata().build()).withNewPersistentVolumeClaimRetentionPolicy()
        .withWhenDeleted("Retain").withWhenScaled(whenScaled).endPersistentVolumeClaimRetentionPolicy().endSpec().build());
    var claimType = fake.store.type("persistentvolumeclaims");
    for (String name : List.of("data-web-0", "data-web-1", "other-web-1")) {
      fake.store.put(claimType, new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("ns")
          .withUid("uid-" + name).endMetadata().build());
    }
    done(controller.sync(KEY));
    assertEquals(kept, fake.store.object(claimType, "ns", "data-web-1") != null);
    assertTrue(fake.store.object(claimType, "ns", "data-web-0") != null, "the claim of a live ordinal stays");
    assertTrue(fake.store.object(claimType, "ns", "other-web-1") != null, "not a claim of the set's templates");
  }

  @Test
  void statusTracksRevisionsAndCompletesTheRollout() {
    StatefulSet set = sts(2).build();
    String cur = updateRevision(set);
    fake.store.put(stsType, set.edit().withNewStatus().withCurrentRevision("web-old").endStatus().build());
    fake.store.put(podType, pod(0, "web-old", true));
    fake.store.put(podType, pod(1, cur, true));
    done(controller.sync(KEY));
    JsonNode s = fake.store.object(stsType, "ns", "web").path("status");
    assertEquals(2, s.path("replicas").asInt());
    assertEquals(2, s.path("readyReplicas").asInt());
    assertEquals(1, s.path("updatedReplicas").asInt());
    assertEquals(cur, s.path("updateRevision").asText());
    fake.store.put(podType, pod(0, cur, true));
    done(controller.sync(KEY));
    s = fake.store.object(stsType, "ns", "web").path("status");
    assertEquals(2, s.path("updatedReplicas").asInt());
    assertEquals(2, s.path("currentReplicas").asInt());
    assertEquals(cur, s.path("currentRevision").asText());
    assertEquals(1, s.path("observedGeneration").asInt());
  }

  @Test
  void podsBelowThePartitionAreMadeFromTheCurrentRevision() {
    StatefulSet v1 = sts(2).build();
    fake.store.put(stsType, v1);
    done(controller.sync(KEY));
    String rev1 = updateRevision(v1);
    fake.store.put(stsType, sts(2).editSpec().editTemplate().editSpec().editFirstContainer().withImage("dekube/echo")
        .endContainer().endSpec().endTemplate().editUpdateStrategy().editRollingUpdate().withPartition(1)
        .endRollingUpdate().endUpdateStrategy().endSpec().withNewStatus().withCurrentRevision(rev1).endStatus().build());
    fake.store.delete(podType, "ns", "web-0", io.dekube.core.store.WriteOptions.none());
    done(controller.sync(KEY));
    ObjectNode p = fake.store.object(podType, "ns", "web-0");
    assertEquals(rev1, p.at("/metadata/labels/controller-revision-hash").asText());
    assertEquals("dekube/web", p.at("/spec/containers/0/image").asText());
  }
}
