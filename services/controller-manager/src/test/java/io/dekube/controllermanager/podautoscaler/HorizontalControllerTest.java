package io.dekube.controllermanager.podautoscaler;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HPA controller against an in-memory store and a table of pod usage (what metrics.k8s.io would answer). */
class HorizontalControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType hpaType = fake.store.type("horizontalpodautoscalers.autoscaling");
  private final ResourceType deployType = fake.store.type("deployments.apps");
  private final ResourceType podType = fake.store.type("pods");
  private final Map<String, Long> cpuMillis = new HashMap<>();
  private String metricsFailure;
  private final HorizontalController controller = new HorizontalController(fake.ctx, (ns, sel, resource) -> {
    if (metricsFailure != null) {
      return Future.failedFuture(metricsFailure);
    }
    Map<String, PodSample> out = new HashMap<>();
    cpuMillis.forEach((pod, m) -> out.put(pod, new PodSample(m, fake.clock.instant(), Duration.ofSeconds(30))));
    return Future.succeededFuture(out);
  });
  private static final ObjectKey KEY = new ObjectKey("ns", "web");

  private void deployment(int replicas) {
    fake.store.put(deployType, new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("ns")
        .endMetadata().withNewSpec().withReplicas(replicas)
        .withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build()).endSpec().build());
  }

  private void hpa(int min, int max, int targetPercent) {
    HorizontalPodAutoscaler h = new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("web")
        .withNamespace("ns").withGeneration(1L).endMetadata().withNewSpec().withNewScaleTargetRef()
        .withApiVersion("apps/v1").withKind("Deployment").withName("web").endScaleTargetRef().withMinReplicas(min)
        .withMaxReplicas(max).addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
        .withType("Utilization").withAverageUtilization(targetPercent).endTarget().endResource().endMetric()
        .endSpec().build();
    h.setApiVersion("autoscaling/v2");
    fake.store.put(hpaType, h);
  }

  /** A running, long-ready pod of the Deployment with a CPU request, using {@code usedMillis}. */
  private void pod(String name, String requestCpu, Long usedMillis) {
    Instant started = fake.clock.instant().minus(Duration.ofMinutes(10));
    var container = new ContainerBuilder().withName("a").withImage("dekube/web");
    if (requestCpu != null) {
      container.withNewResources().withRequests(Map.of("cpu", new Quantity(requestCpu))).endResources();
    }
    Pod p = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withLabels(Map.of("app", "web"))
        .endMetadata().withNewSpec().withContainers(container.build()).endSpec().withNewStatus().withPhase("Running")
        .withStartTime(started.toString()).withConditions(new PodConditionBuilder().withType("Ready").withStatus("True")
            .withLastTransitionTime(started.plusSeconds(5).toString()).build()).endStatus().build();
    fake.store.put(podType, p);
    if (usedMillis != null) {
      cpuMillis.put(name, usedMillis);
    }
  }

  private int replicas() {
    return fake.store.items(deployType, "ns").get(0).path("spec").path("replicas").asInt();
  }

  private JsonNode status() {
    return fake.store.items(hpaType, "ns").get(0).path("status");
  }

  private String condition(String type) {
    for (JsonNode c : status().path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText() + " " + c.path("reason").asText() + ": " + c.path("message").asText();
      }
    }
    return "none";
  }

  @Test
  void busyPodsScaleUpAtMostToTwiceOrFour() {
    deployment(2);
    hpa(1, 10, 50);
    pod("web-1", "100m", 150L);
    pod("web-2", "100m", 150L);
    done(controller.sync(KEY));
    assertEquals(4, replicas(), "150 % of a 50 % target asks for 6; the scale-up limit is max(2 × 2, 4)");
    assertEquals("True ScaleUpLimit: the desired replica count is increasing faster than the maximum scale rate",
        condition("ScalingLimited"));
    assertEquals("True ValidMetricFound: the HPA was able to successfully calculate a replica count from cpu resource "
        + "utilization (percentage of request)", condition("ScalingActive"));
    assertEquals(150, status().path("currentMetrics").path(0).path("resource").path("current")
        .path("averageUtilization").asInt());
    assertEquals("150m", status().path("currentMetrics").path(0).path("resource").path("current")
        .path("averageValue").asText());
    assertEquals(List.of("SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) "
        + "above target"), fake.eventReasons());
    assertEquals(2, status().path("currentReplicas").asInt());
    assertEquals(4, status().path("desiredReplicas").asInt());
  }

  @Test
  void usageWithinTenPercentOfTheTargetChangesNothing() {
    deployment(2);
    hpa(1, 10, 50);
    pod("web-1", "100m", 54L);
    pod("web-2", "100m", 54L);
    done(controller.sync(KEY));
    assertEquals(2, replicas());
    assertEquals("True ReadyForNewScale: recommended size matches current size", condition("AbleToScale"));
    assertEquals(List.of(), fake.eventReasons());
  }

  @Test
  void scaleDownWaitsOutTheStabilizationWindow() {
    deployment(4);
    hpa(1, 10, 50);
    for (int i = 1; i <= 4; i++) {
      pod("web-" + i, "100m", 10L);
    }
    done(controller.sync(KEY));
    assertEquals(4, replicas(), "a new HPA remembers the current count for 5 minutes");
    assertEquals("True ScaleDownStabilized: recent recommendations were higher than current one, applying the "
        + "highest recent recommendation", condition("AbleToScale"));
    fake.clock.set(fake.clock.instant().plus(Duration.ofMinutes(5)).plusSeconds(1));
    done(controller.sync(KEY));
    assertEquals(1, replicas(), "10 % of a 50 % target on 4 pods asks for 1");
    assertTrue(fake.eventReasons().contains("SuccessfulRescale: New size: 1; reason: All metrics below target"),
        fake.eventReasons().toString());
  }

  @Test
  void aContainerWithoutACpuRequestStopsScaling() {
    deployment(2);
    hpa(1, 10, 50);
    pod("web-1", "100m", 150L);
    pod("web-2", null, 150L);
    done(controller.sync(KEY));
    assertEquals(2, replicas());
    assertEquals("False FailedGetResourceMetric: the HPA was unable to compute the replica count: failed to get cpu "
        + "utilization: missing request for cpu in container a of Pod web-2", condition("ScalingActive"));
    assertTrue(fake.eventReasons().contains("FailedGetResourceMetric: failed to get cpu utilization: missing request "
        + "for cpu in container a of Pod web-2"), fake.eventReasons().toString());
  }

  @Test
  void anUnavailableMetricsApiIsReported() {
    deployment(2);
    hpa(1, 10, 50);
    pod("web-1", "100m", null);
    metricsFailure = "the server answered 503: service unavailable";
    done(controller.sync(KEY));
    assertEquals("False FailedGetResourceMetric: the HPA was unable to compute the replica count: failed to get cpu "
        + "utilization: unable to get metrics for resource cpu: the server answered 503: service unavailable",
        condition("ScalingActive"));
    assertEquals(2, replicas());
  }

  @Test
  void aMissingTargetAndCountsOutsideTheBounds() {
    hpa(2, 3, 50);
    done(controller.sync(KEY));
    assertEquals("False FailedGetScale: the HPA controller was unable to get the target's current scale: "
        + "deployments.apps \"web\" not found", condition("AbleToScale"));
    deployment(5);
    done(controller.sync(KEY));
    assertEquals(5, replicas(), "within 15 s of the last sync the HPA waits, as kube's queue makes it");
    fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
    done(controller.sync(KEY));
    assertEquals(3, replicas());
    assertTrue(fake.eventReasons().contains("SuccessfulRescale: New size: 3; reason: Current number of replicas above "
        + "Spec.MaxReplicas"), fake.eventReasons().toString());
  }

  @Test
  void aReplicationControllerIsScaledThroughItsSelectorMap() {
    ResourceType rcType = fake.store.type("replicationcontrollers");
    HorizontalPodAutoscaler h = new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("web")
        .withNamespace("ns").withGeneration(1L).endMetadata().withNewSpec().withNewScaleTargetRef()
        .withApiVersion("v1").withKind("ReplicationController").withName("web").endScaleTargetRef().withMinReplicas(1)
        .withMaxReplicas(10).addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
        .withType("Utilization").withAverageUtilization(50).endTarget().endResource().endMetric().endSpec().build();
    h.setApiVersion("autoscaling/v2");
    fake.store.put(hpaType, h);
    done(controller.sync(KEY));
    assertEquals("False FailedGetScale: the HPA controller was unable to get the target's current scale: "
        + "replicationcontrollers \"web\" not found", condition("AbleToScale"));
    fake.store.put(rcType, new io.fabric8.kubernetes.api.model.ReplicationControllerBuilder().withNewMetadata()
        .withName("web").withNamespace("ns").endMetadata().withNewSpec().withReplicas(2)
        .withSelector(Map.of("app", "web")).endSpec().build());
    pod("web-1", "100m", 150L);
    pod("web-2", "100m", 150L);
    fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
    done(controller.sync(KEY));
    assertEquals(4, fake.store.items(rcType, "ns").get(0).path("spec").path("replicas").asInt());
    assertEquals(2, status().path("currentReplicas").asInt());
  }
}
