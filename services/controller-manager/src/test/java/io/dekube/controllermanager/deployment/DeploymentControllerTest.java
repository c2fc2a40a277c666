package io.dekube.controllermanager.deployment;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.replicaset.ReplicaSetController;
import io.dekube.controllermanager.testing.Converge;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeploymentControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType deployType = fake.store.type("deployments.apps");
  private final ResourceType rsType = fake.store.type("replicasets.apps");
  private final ResourceType podType = fake.store.type("pods");
  private final DeploymentController controller = new DeploymentController(fake.ctx);
  private final Map<ResourceType, Reconciler> both = new LinkedHashMap<>();
  private static final ObjectKey KEY = new ObjectKey("ns", "web");

  DeploymentControllerTest() {
    both.put(deployType, controller);
    ReplicaSetController rs = new ReplicaSetController(fake.ctx);
    fake.store.cache(podType).addHandler(rs.podEvents());
    both.put(rsType, rs);
  }

  static DeploymentBuilder deployment(int replicas, String image) {
    return new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("web").withNamespace("ns").build())
        .withNewSpec().withReplicas(replicas).withRevisionHistoryLimit(10).withProgressDeadlineSeconds(600)
        .withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build())
        .withTemplate(new PodTemplateSpecBuilder().withNewMetadata().withLabels(Map.of("app", "web")).endMetadata()
            .withNewSpec().withContainers(new ContainerBuilder().withName("web").withImage(image).build()).endSpec()
            .build())
        .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate().withMaxSurge(new IntOrString("25%"))
        .withMaxUnavailable(new IntOrString("25%")).endRollingUpdate().endStrategy()
        .endSpec();
  }

  private void create(Deployment d) {
    done(fake.store.create(deployType, "ns", Typed.tree(d), WriteOptions.none()));
  }

  private void setImage(String image) {
    ObjectNode d = fake.store.object(deployType, "ns", "web").deepCopy();
    ((ObjectNode) d.at("/spec/template/spec/containers/0")).put("image", image);
    done(fake.store.update(deployType, d, WriteOptions.none()));
  }

  private List<ObjectNode> sets() {
    return fake.store.items(rsType, "ns");
  }

  private ObjectNode rsWithImage(String image) {
    return sets().stream().filter(r -> r.at("/spec/template/spec/containers/0/image").asText().equals(image))
        .findFirst().orElseThrow();
  }

  private ObjectNode status() {
    return (ObjectNode) fake.store.object(deployType, "ns", "web").path("status");
  }

  @Test
  void aNewDeploymentGetsAHashNamedReplicaSetAndCompletes() {
    create(deployment(2, "dekube/web:v1").build());
    Converge.run(fake, both, p -> true);
    assertEquals(1, sets().size());
    ObjectNode rs = sets().get(0);
    String hash = rs.at("/metadata/labels/pod-template-hash").asText();
    assertEquals("web-" + hash, rs.at("/metadata/name").asText());
    assertEquals(hash, rs.at("/spec/selector/matchLabels/pod-template-hash").asText());
    assertEquals("1", rs.at("/metadata/annotations/deployment.kubernetes.io~1revision").asText());
    assertEquals("1", fake.store.object(deployType, "ns", "web").at("/metadata/annotations/deployment.kubernetes.io~1revision").asText());
    assertEquals(2, fake.store.items(podType, "ns").size());
    ObjectNode s = status();
    assertEquals(2, s.path("replicas").asInt());
    assertEquals(2, s.path("updatedReplicas").asInt());
    assertEquals(2, s.path("availableReplicas").asInt());
    assertEquals(1, s.path("observedGeneration").asInt());
    assertEquals("NewReplicaSetAvailable", condition("Progressing").path("reason").asText());
    assertEquals("True", condition("Available").path("status").asText());
    assertTrue(fake.eventReasons().contains("ScalingReplicaSet: Scaled up replica set " + rs.at("/metadata/name").asText()
        + " from 0 to 2"), fake.eventReasons().toString());
  }

  private ObjectNode condition(String type) {
    for (var c : status().path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return (ObjectNode) c;
      }
    }
    throw new AssertionError("no condition " + type + " in " + status());
  }

  /**
   * The pod quota page: the ReplicaSet's ReplicaFailure (a quota refused its third pod) is copied to the Deployment,
   * with the ReplicaSet's message and time, and removed once the ReplicaSet has none.
   */
  @Test
  void theReplicaSetsFailureShowsOnTheDeployment() {
    create(deployment(3, "nginx").build());
    Converge.run(fake, both, p -> true);
    ObjectNode rs = sets().get(0).deepCopy();
    String message = "pods \"" + rs.at("/metadata/name").asText() + "-x7k2p\" is forbidden: exceeded quota: pod-demo, "
        + "requested: pods=1, used: pods=2, limited: pods=2";
    ((ObjectNode) rs.path("status")).putArray("conditions").addObject().put("type", "ReplicaFailure")
        .put("status", "True").put("reason", "FailedCreate").put("message", message)
        .put("lastTransitionTime", "2026-01-01T00:00:05Z");
    done(fake.store.updateStatus(rsType, rs, WriteOptions.none()));
    done(controller.sync(KEY));
    ObjectNode failure = condition("ReplicaFailure");
    assertEquals("True FailedCreate 2026-01-01T00:00:05Z 2026-01-01T00:00:05Z", failure.path("status").asText() + " "
        + failure.path("reason").asText() + " " + failure.path("lastTransitionTime").asText() + " "
        + failure.path("lastUpdateTime").asText());
    assertEquals(message, failure.path("message").asText());
    ObjectNode healed = fake.store.object(rsType, "ns", rs.at("/metadata/name").asText()).deepCopy();
    ((ObjectNode) healed.path("status")).remove("conditions");
    done(fake.store.updateStatus(rsType, healed, WriteOptions.none()));
    done(controller.sync(KEY));
    assertTrue(status().path("conditions").findValuesAsText("type").stream().noneMatch("ReplicaFailure"::equals),
        status()::toString);
  }

  @Test
  void aNewImageRollsOutAndUndoBringsTheOldReplicaSetBackAsRevision3() {
    create(deployment(4, "dekube/web:v1").build());
    Converge.run(fake, both, p -> true);
    setImage("dekube/web:v2");
    Converge.run(fake, both, p -> true);
    assertEquals(2, sets().size());
    assertEquals(4, rsWithImage("dekube/web:v2").at("/spec/replicas").asInt());
    assertEquals(0, rsWithImage("dekube/web:v1").at("/spec/replicas").asInt());
    assertEquals("2", rsWithImage("dekube/web:v2").at("/metadata/annotations/deployment.kubernetes.io~1revision").asText());
    assertEquals(4, fake.store.items(podType, "ns").size());
    assertTrue(fake.store.items(podType, "ns").stream()
        .allMatch(p -> p.at("/spec/containers/0/image").asText().equals("dekube/web:v2")));
    assertEquals(4, status().path("updatedReplicas").asInt());

    setImage("dekube/web:v1"); // what kubectl rollout undo does: the old template back
    Converge.run(fake, both, p -> true);
    assertEquals(2, sets().size());
    ObjectNode v1 = rsWithImage("dekube/web:v1");
    assertEquals(4, v1.at("/spec/replicas").asInt());
    assertEquals("3", v1.at("/metadata/annotations/deployment.kubernetes.io~1revision").asText());
    assertEquals("1", v1.at("/metadata/annotations/deployment.kubernetes.io~1revision-history").asText());
  }

  static Stream<Arguments> rollingSteps() {
    return Stream.of(
        Arguments.of("maxSurge 1, maxUnavailable 0: one new pod at a time, old ones wait", 3, 1, 0, 4, 3),
        Arguments.of("maxSurge 0, maxUnavailable 1: old down first", 3, 0, 1, 3, 2),
        Arguments.of("25%/25% of 4: one extra, one missing", 4, null, null, 5, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rollingSteps")
  void aRolloutStaysWithinSurgeAndUnavailability(String name, int replicas, Integer surge, Integer unavailable,
                                                   int maxPods, int minReady) {
    DeploymentBuilder b = deployment(replicas, "dekube/web:v1");
    if (surge != null) {
      b.editSpec().editStrategy().editRollingUpdate().withMaxSurge(new IntOrString(surge))
          .withMaxUnavailable(new IntOrString(unavailable)).endRollingUpdate().endStrategy().endSpec();
    }
    create(b.build());
    Converge.run(fake, both, p -> true);
    setImage("dekube/web:v2");
    // new pods never get ready: the rollout must stop within its bounds
    Converge.run(fake, both, p -> !p.at("/spec/containers/0/image").asText().endsWith("v2"));
    List<ObjectNode> pods = fake.store.items(podType, "ns");
    long ready = pods.stream().filter(p -> p.at("/status/phase").asText().equals("Running")).count();
    assertEquals(maxPods, pods.size(), "pods");
    assertEquals(minReady, ready, "ready pods");
    assertEquals("ReplicaSetUpdated", condition("Progressing").path("reason").asText());
  }

  @Test
  void recreateScalesTheOldDownBeforeTheNewUp() {
    create(deployment(2, "dekube/web:v1").editSpec().withNewStrategy().withType("Recreate").endStrategy().endSpec().build());
    Converge.run(fake, both, p -> true);
    setImage("dekube/web:v2");
    done(controller.sync(KEY));
    assertEquals(0, rsWithImage("dekube/web:v1").at("/spec/replicas").asInt());
    assertEquals(1, sets().size());
    Converge.run(fake, both, p -> true);
    assertEquals(2, rsWithImage("dekube/web:v2").at("/spec/replicas").asInt());
    assertTrue(fake.store.items(podType, "ns").stream()
        .allMatch(p -> p.at("/spec/containers/0/image").asText().equals("dekube/web:v2")));
  }

  @Test
  void scalingAPausedDeploymentScalesWithoutRollingOut() {
    create(deployment(2, "dekube/web:v1").build());
    Converge.run(fake, both, p -> true);
    ObjectNode d = fake.store.object(deployType, "ns", "web").deepCopy();
    d.with("spec").put("paused", true).put("replicas", 3);
    ((ObjectNode) d.at("/spec/template/spec/containers/0")).put("image", "dekube/web:v2");
    done(fake.store.update(deployType, d, WriteOptions.none()));
    Converge.run(fake, both, p -> true);
    assertEquals(1, sets().size());
    assertEquals(3, rsWithImage("dekube/web:v1").at("/spec/replicas").asInt());
    assertEquals("DeploymentPaused", condition("Progressing").path("reason").asText());
  }

  @Test
  void revisionHistoryLimitDeletesTheOldestIdleReplicaSets() {
    create(deployment(1, "dekube/web:v1").editSpec().withRevisionHistoryLimit(1).endSpec().build());
    for (String v : List.of("v1", "v2", "v3", "v4")) {
      setImage("dekube/web:" + v);
      Converge.run(fake, both, p -> true);
    }
    assertEquals(2, sets().size());
    assertEquals(1, rsWithImage("dekube/web:v4").at("/spec/replicas").asInt());
    rsWithImage("dekube/web:v3");
  }

  @Test
  void scalingUpAddsPodsToTheCurrentReplicaSet() {
    create(deployment(2, "dekube/web:v1").build());
    Converge.run(fake, both, p -> true);
    ObjectNode d = fake.store.object(deployType, "ns", "web").deepCopy();
    d.with("spec").put("replicas", 5);
    done(fake.store.update(deployType, d, WriteOptions.none()));
    fake.clearWritesForDebug();
    Converge.run(fake, both, p -> true);
    assertEquals(5, fake.store.items(podType, "ns").size(), fake.writes() + " " + fake.eventReasons() + " " + sets());
    assertTrue(fake.eventReasons().stream().anyMatch(e -> e.matches("ScalingReplicaSet: Scaled up replica set web-\\w+ from 2 to 5")),
        fake.eventReasons().toString());
  }

  @Test
  void hashIsStableAndDependsOnTemplateAndCollisions() {
    var t = deployment(1, "a").build().getSpec().getTemplate();
    var t2 = deployment(1, "b").build().getSpec().getTemplate();
    assertEquals(DeploymentUtil.hash(t, null), DeploymentUtil.hash(t, null));
    assertTrue(!DeploymentUtil.hash(t, null).equals(DeploymentUtil.hash(t2, null)));
    assertTrue(!DeploymentUtil.hash(t, null).equals(DeploymentUtil.hash(t, 1)));
    assertTrue(DeploymentUtil.hash(t, null).matches("[bcdfghjklmnpqrstvwxz2456789]+"));
  }
}
