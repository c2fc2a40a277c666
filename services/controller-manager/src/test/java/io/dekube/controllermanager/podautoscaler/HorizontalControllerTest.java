package io.dekube.controllermanager.podautoscaler;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.controllermanager.testing.Fake;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.Json;
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
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
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
  /** Per pod, per container, per resource usage in milli-units (what metrics.k8s.io lists); else cpuMillis in "a". */
  private final Map<String, Map<String, Map<String, Long>>> usage = new java.util.TreeMap<>();
  private String metricsFailure;
  /** What custom.metrics.k8s.io answers (null: not registered): per pod, or per "Kind/name" of an object. */
  private Map<String, Long> customMillis;
  /** What external.metrics.k8s.io answers for any metric (null: not registered). */
  private List<Long> externalMillis;
  /** The calls the custom and external metrics APIs got. */
  private final List<String> asked = new java.util.ArrayList<>();
  private final MetricsSource source = new MetricsSource() {
    @Override
    public Future<List<PodMetrics>> pods(String ns, io.dekube.core.informer.LabelSelector sel) {
      if (metricsFailure != null) {
        return Future.failedFuture(metricsFailure);
      }
      Map<String, Map<String, Map<String, Long>>> all = new java.util.TreeMap<>(usage);
      cpuMillis.forEach((pod, m) -> all.putIfAbsent(pod, Map.of("a", Map.of("cpu", m))));
      return Future.succeededFuture(all.entrySet().stream().map(e -> new PodMetrics(ns, e.getKey(),
          fake.clock.instant(), Duration.ofSeconds(30), new java.util.LinkedHashMap<>(e.getValue()))).toList());
    }

    @Override
    public Future<List<MetricSample>> podsMetric(String ns, io.dekube.core.informer.LabelSelector sel, String metric,
                                                 io.dekube.core.informer.LabelSelector metricSelector) {
      if (customMillis == null) {
        return MetricsSource.super.podsMetric(ns, sel, metric, metricSelector);
      }
      asked.add("pods " + ns + " " + sel + " " + metric + " " + metricSelector);
      return Future.succeededFuture(customMillis.entrySet().stream().filter(e -> !e.getKey().contains("/"))
          .map(e -> new MetricSample(e.getKey(), e.getValue(), fake.clock.instant(), Duration.ofMinutes(1))).toList());
    }

    @Override
    public Future<MetricSample> objectMetric(String ns, String apiVersion, String kind, String name, String metric,
                                             io.dekube.core.informer.LabelSelector metricSelector) {
      if (customMillis == null) {
        return MetricsSource.super.objectMetric(ns, apiVersion, kind, name, metric, metricSelector);
      }
      asked.add("object " + ns + " " + apiVersion + " " + kind + "/" + name + " " + metric);
      Long v = customMillis.get(kind + "/" + name);
      return v == null ? Future.failedFuture("the server could not find the requested resource (get "
          + "ingresses.networking.k8s.io.custom.metrics.k8s.io " + name + ")")
          : Future.succeededFuture(new MetricSample("", v, fake.clock.instant(), Duration.ofMinutes(1)));
    }

    @Override
    public Future<List<MetricSample>> externalMetric(String ns, String metric,
                                                     io.dekube.core.informer.LabelSelector metricSelector) {
      if (externalMillis == null) {
        return MetricsSource.super.externalMetric(ns, metric, metricSelector);
      }
      asked.add("external " + ns + " " + metric + " " + metricSelector);
      return Future.succeededFuture(externalMillis.stream().map(v -> new MetricSample("", v, fake.clock.instant(),
          Duration.ofMinutes(1))).toList());
    }
  };
  private final HorizontalController controller = new HorizontalController(fake.ctx, source);
  private static final ObjectKey KEY = new ObjectKey("ns", "web");

  private void deployment(int replicas) {
    fake.store.put(deployType, new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("ns")
        .endMetadata().withNewSpec().withReplicas(replicas)
        .withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build()).endSpec()
        .withNewStatus().withReplicas(replicas).endStatus().build());
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
    metricsFailure = "the server is currently unable to handle the request (get pods.metrics.k8s.io)";
    done(controller.sync(KEY));
    String error = "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics "
        + "from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)";
    assertEquals("False FailedGetResourceMetric: the HPA was unable to compute the replica count: " + error,
        condition("ScalingActive"));
    assertEquals(List.of("FailedGetResourceMetric: " + error, "FailedComputeMetricsReplicas: invalid metrics (1 invalid "
        + "out of 1), first error is: failed to get cpu resource metric value: " + error), fake.eventReasons());
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

  private static final String PREFIX = "the HPA was unable to compute the replica count: ";

  /** An HPA of 1 to 10 replicas on {@code apiVersion}/{@code kind} "web" with these metrics. */
  private void hpaOn(String apiVersion, String kind, MetricSpec... metrics) {
    hpaNamed("web", apiVersion, kind, metrics);
  }

  private void hpaNamed(String name, String apiVersion, String kind, MetricSpec... metrics) {
    HorizontalPodAutoscaler h = new HorizontalPodAutoscalerBuilder().withNewMetadata().withName(name)
        .withNamespace("ns").withGeneration(1L).endMetadata().withNewSpec().withNewScaleTargetRef()
        .withApiVersion(apiVersion).withKind(kind).withName("web").endScaleTargetRef().withMinReplicas(1)
        .withMaxReplicas(10).withMetrics(metrics).endSpec().build();
    h.setApiVersion("autoscaling/v2");
    fake.store.put(hpaType, h);
  }

  private static MetricSpec containerCpu(String container, int percent) {
    return new MetricSpecBuilder().withType("ContainerResource").withNewContainerResource().withName("cpu")
        .withContainer(container).withNewTarget().withType("Utilization").withAverageUtilization(percent).endTarget()
        .endContainerResource().build();
  }

  private static MetricSpec cpu(int percent) {
    return new MetricSpecBuilder().withType("Resource").withNewResource().withName("cpu").withNewTarget()
        .withType("Utilization").withAverageUtilization(percent).endTarget().endResource().build();
  }

  /** A running, long-ready pod with an app container (100m, 64Mi requested) and a sidecar (400m). */
  private void podWithSidecar(String name) {
    Instant started = fake.clock.instant().minus(Duration.ofMinutes(10));
    Pod p = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withLabels(Map.of("app", "web"))
        .endMetadata().withNewSpec().withContainers(new ContainerBuilder().withName("app").withNewResources()
            .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi"))).endResources().build())
        .withInitContainers(new ContainerBuilder().withName("proxy").withRestartPolicy("Always").withNewResources()
            .withRequests(Map.of("cpu", new Quantity("400m"), "memory", new Quantity("64Mi"))).endResources().build())
        .endSpec().withNewStatus().withPhase("Running").withStartTime(started.toString())
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True")
            .withLastTransitionTime(started.plusSeconds(5).toString()).build()).endStatus().build();
    fake.store.put(podType, p);
  }

  @Test
  void aContainerResourceMetricScalesOnThatContainerAlone() {
    deployment(2);
    hpaOn("apps/v1", "Deployment", containerCpu("app", 50));
    for (String pod : List.of("web-1", "web-2")) {
      podWithSidecar(pod);
      usage.put(pod, Map.of("app", Map.of("cpu", 150L), "proxy", Map.of("cpu", 10L)));
    }
    done(controller.sync(KEY));
    assertEquals(4, replicas(), "the app container at 150 % of its request; the whole pod would be at 32 %");
    assertEquals("True ValidMetricFound: the HPA was able to successfully calculate a replica count from cpu container "
        + "resource utilization (percentage of request)", condition("ScalingActive"));
    JsonNode current = status().path("currentMetrics").path(0);
    assertEquals("ContainerResource", current.path("type").asText());
    assertEquals("app", current.path("containerResource").path("container").asText());
    assertEquals("cpu", current.path("containerResource").path("name").asText());
    assertEquals(150, current.path("containerResource").path("current").path("averageUtilization").asInt());
    assertEquals("150m", current.path("containerResource").path("current").path("averageValue").asText());
    assertEquals(List.of("SuccessfulRescale: New size: 4; reason: cpu container resource utilization (percentage of "
        + "request) above target"), fake.eventReasons());
  }

  @Test
  void aResourceMetricCountsSidecarsInThePodsRequest() {
    deployment(2);
    hpaOn("apps/v1", "Deployment", cpu(50));
    for (String pod : List.of("web-1", "web-2")) {
      podWithSidecar(pod);
      usage.put(pod, Map.of("app", Map.of("cpu", 150L), "proxy", Map.of("cpu", 10L)));
    }
    fake.clock.set(fake.clock.instant().plus(Duration.ofMinutes(6)));
    done(controller.sync(KEY));
    assertEquals(32, status().path("currentMetrics").path(0).path("resource").path("current").path("averageUtilization")
        .asInt(), "160m used of 500m requested (app and the restartable init container)");
  }

  @Test
  void aContainerResourceAverageValueOfMemory() {
    deployment(2);
    hpaOn("apps/v1", "Deployment", new MetricSpecBuilder().withType("ContainerResource").withNewContainerResource()
        .withName("memory").withContainer("app").withNewTarget().withType("AverageValue")
        .withAverageValue(new Quantity("100Mi")).endTarget().endContainerResource().build());
    for (String pod : List.of("web-1", "web-2")) {
      podWithSidecar(pod);
      usage.put(pod, Map.of("app", Map.of("memory", 200L * 1024 * 1024 * 1000), "proxy", Map.of("memory", 1000L)));
    }
    done(controller.sync(KEY));
    assertEquals(4, replicas());
    JsonNode current = status().path("currentMetrics").path(0).path("containerResource").path("current");
    assertEquals("209715200", current.path("averageValue").asText(), "kube's NewMilliQuantity of 200Mi");
    assertTrue(current.path("averageUtilization").isMissingNode());
    assertEquals(List.of("SuccessfulRescale: New size: 4; reason: memory resource above target"), fake.eventReasons());
  }

  @Test
  void aContainerMissingFromThePodMetricsStopsScaling() {
    deployment(2);
    hpaOn("apps/v1", "Deployment", containerCpu("app", 50));
    podWithSidecar("web-1");
    usage.put("web-1", Map.of("proxy", Map.of("cpu", 10L)));
    done(controller.sync(KEY));
    String error = "failed to get cpu utilization: unable to get metrics for resource cpu: failed to get container "
        + "metrics: container app not present in metrics for pod ns/web-1";
    assertEquals("False FailedGetContainerResourceMetric: " + PREFIX + error, condition("ScalingActive"));
    assertEquals(List.of("FailedGetContainerResourceMetric: " + error, "FailedComputeMetricsReplicas: invalid metrics "
        + "(1 invalid out of 1), first error is: failed to get app container metric value: " + error),
        fake.eventReasons());
    assertEquals("", status().path("currentMetrics").path(0).path("type").asText("none"),
        "a failed metric leaves an empty status, as kube's");
    assertEquals(2, replicas());
  }

  @Test
  void customMetricsSayTheirApisAreNotRegistered() {
    deployment(2);
    MetricSpec external = new MetricSpecBuilder().withType("External").withNewExternal().withNewMetric()
        .withName("queue_messages_ready").withNewSelector().withMatchLabels(Map.of("queue", "worker_tasks"))
        .endSelector().endMetric().withNewTarget().withType("AverageValue").withAverageValue(new Quantity("30"))
        .endTarget().endExternal().build();
    hpaOn("apps/v1", "Deployment", external, cpu(50));
    pod("web-1", "100m", 150L);
    pod("web-2", "100m", 150L);
    done(controller.sync(KEY));
    assertEquals(4, replicas(), "a valid metric scaling up is followed despite an invalid one, as kube does");
    String error = "unable to get external metric ns/queue_messages_ready/&LabelSelector{MatchLabels:map[string]string"
        + "{queue: worker_tasks,},MatchExpressions:[]LabelSelectorRequirement{},}: unable to fetch metrics from external "
        + "metrics API: the server could not find the requested resource (get queue_messages_ready.external.metrics"
        + ".k8s.io)";
    assertTrue(fake.eventReasons().contains("FailedGetExternalMetric: " + error), fake.eventReasons().toString());
    assertEquals("", status().path("currentMetrics").path(0).path("type").asText("none"));

    MetricSpec pods = new MetricSpecBuilder().withType("Pods").withNewPods().withNewMetric()
        .withName("packets-per-second").endMetric().withNewTarget().withType("AverageValue")
        .withAverageValue(new Quantity("1k")).endTarget().endPods().build();
    MetricSpec object = new MetricSpecBuilder().withType("Object").withNewObject().withNewDescribedObject()
        .withApiVersion("networking.k8s.io/v1").withKind("Ingress").withName("main-route").endDescribedObject()
        .withNewMetric().withName("requests-per-second").endMetric().withNewTarget().withType("Value")
        .withValue(new Quantity("10k")).endTarget().endObject().build();
    hpaOn("apps/v1", "Deployment", pods, object);
    fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
    done(controller.sync(KEY));
    String custom = "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) "
        + "registered";
    assertEquals("False FailedGetPodsMetric: " + PREFIX + "unable to get metric packets-per-second: " + custom,
        condition("ScalingActive"));
    assertTrue(fake.eventReasons().contains("FailedGetObjectMetric: unable to get metric requests-per-second: Ingress on "
        + "ns main-route/" + custom), fake.eventReasons().toString());
    assertTrue(fake.eventReasons().contains("FailedComputeMetricsReplicas: invalid metrics (2 invalid out of 2), first "
        + "error is: failed to get pods metric value: unable to get metric packets-per-second: " + custom),
        fake.eventReasons().toString());
  }

  private final ResourceType crontabs = new ResourceType("stable.example.com", "v1", "crontabs", "crontab", "CronTab",
      true, List.of(), List.of(), List.of("status", "scale"));

  private void serveCronTabs(CustomKind.Scale scale) {
    fake.ctx.registry().serve(new CustomKind(crontabs, "CronTabList", List.of(new CustomKind.Version("v1", true, true,
        null, null, true, scale, List.of()))));
  }

  @Test
  void aCustomResourceIsScaledThroughItsScaleSubresourcePaths() {
    serveCronTabs(new CustomKind.Scale(".spec.size", ".status.size", ".status.labels"));
    hpaOn("stable.example.com/v1", "CronTab", cpu(50));
    done(controller.sync(KEY));
    assertEquals("False FailedGetScale: the HPA controller was unable to get the target's current scale: "
        + "crontabs.stable.example.com \"web\" not found", condition("AbleToScale"));
    ObjectNode cr = Json.object();
    cr.putObject("metadata").put("name", "web").put("namespace", "ns");
    cr.putObject("spec").put("size", 2);
    fake.store.put(crontabs, cr);
    pod("web-1", "100m", 150L);
    pod("web-2", "100m", 150L);
    fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
    done(controller.sync(KEY));
    assertEquals("False InvalidSelector: the HPA target's scale is missing a selector", condition("ScalingActive"));
    assertTrue(fake.eventReasons().contains("SelectorRequired: selector is required"), fake.eventReasons().toString());

    cr = fake.store.items(crontabs, "ns").get(0);
    cr.putObject("status").put("labels", "app=web");
    fake.store.put(crontabs, cr);
    fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
    done(controller.sync(KEY));
    assertEquals(4, fake.store.items(crontabs, "ns").get(0).path("spec").path("size").asInt(),
        "written at the CRD's specReplicasPath");
    assertEquals(2, status().path("currentReplicas").asInt());
    assertTrue(fake.eventReasons().contains("SuccessfulRescale: New size: 4; reason: cpu resource utilization "
        + "(percentage of request) above target"), fake.eventReasons().toString());
  }

  @Test
  void targetsWithoutAScaleSubresourceAreNotScaled() {
    serveCronTabs(null);
    for (String[] c : new String[][] {
        {"stable.example.com/v1", "CronTab", "crontabs.stable.example.com \"web\" not found"},
        {"apps/v1", "DaemonSet", "the server could not find the requested resource (get daemonsets web)"},
        {"example.com/v1", "Foo", "no matches for kind \"Foo\" in group \"example.com\""},
        {"extensions/v1beta1", "Deployment", "no matches for kind \"Deployment\" in group \"extensions\""},
        {"a/b/c", "Deployment", "unexpected GroupVersion string: a/b/c"}}) {
      hpaOn(c[0], c[1], cpu(50));
      fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
      done(controller.sync(KEY));
      assertEquals("False FailedGetScale: the HPA controller was unable to get the target's current scale: " + c[2],
          condition("AbleToScale"), c[1]);
      assertTrue(fake.eventReasons().contains("FailedGetScale: " + c[2]), fake.eventReasons().toString());
    }
  }

  @Test
  void twoHpasOnTheSamePodsStopBothAsAmbiguous() {
    deployment(2);
    hpa(1, 10, 50);
    pod("web-1", "100m", 150L);
    pod("web-2", "100m", 150L);
    done(controller.sync(KEY));
    assertEquals(4, replicas(), "one HPA alone scales");
    hpaNamed("web-too", "apps/v1", "Deployment", cpu(50));
    done(controller.sync(new ObjectKey("ns", "web-too")));
    String message = "pods by selector app=web are controlled by multiple HPAs: [ns/web ns/web-too]";
    JsonNode status = fake.store.object(hpaType, "ns", "web-too").path("status");
    assertEquals("AmbiguousSelector", status.path("conditions").findValuesAsText("reason").get(1));
    assertTrue(fake.eventReasons().contains("AmbiguousSelector: " + message), fake.eventReasons().toString());
    assertEquals(4, replicas());
  }
  private static MetricSpec podsMetric(String name, String average) {
    return new MetricSpecBuilder().withType("Pods").withNewPods().withNewMetric().withName(name).withNewSelector()
        .withMatchLabels(Map.of("verb", "GET")).endSelector().endMetric().withNewTarget().withType("AverageValue")
        .withAverageValue(new Quantity(average)).endTarget().endPods().build();
  }

  /** A Value or AverageValue target. */
  private static io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget target(String type, String value) {
    var t = new io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTargetBuilder().withType(type);
    return (type.equals("Value") ? t.withValue(new Quantity(value)) : t.withAverageValue(new Quantity(value))).build();
  }

  private static MetricSpec ingressMetric(String type, String target) {
    return new MetricSpecBuilder().withType("Object").withNewObject().withNewDescribedObject()
        .withApiVersion("networking.k8s.io/v1").withKind("Ingress").withName("main-route").endDescribedObject()
        .withNewMetric().withName("requests-per-second").endMetric().withTarget(target(type, target)).endObject()
        .build();
  }

  private static MetricSpec queueMetric(String type, String target) {
    return new MetricSpecBuilder().withType("External").withNewExternal().withNewMetric()
        .withName("queue_messages_ready").withNewSelector().withMatchLabels(Map.of("queue", "worker_tasks"))
        .endSelector().endMetric().withTarget(target(type, target)).endExternal().build();
  }

  private static final String QUEUE = "external metric queue_messages_ready(&LabelSelector{MatchLabels:map[string]"
      + "string{queue: worker_tasks,},MatchExpressions:[]LabelSelectorRequirement{},})";

  @Test
  void aPodsMetricComparesThePodsAverageWithItsTarget() {
    deployment(2);
    pod("web-1", "100m", null);
    pod("web-2", "100m", null);
    customMillis = Map.of("web-1", 1_500L, "web-2", 2_500L);
    hpaOn("apps/v1", "Deployment", podsMetric("packets-per-second", "1"));
    done(controller.sync(KEY));
    assertEquals(List.of("pods ns app=web packets-per-second verb=GET"), asked);
    assertEquals(4, replicas(), "an average of 2 against 1 doubles the 2 pods");
    JsonNode pods = status().path("currentMetrics").path(0);
    assertEquals("Pods", pods.path("type").asText());
    assertEquals("packets-per-second", pods.path("pods").path("metric").path("name").asText());
    assertEquals("GET", pods.path("pods").path("metric").path("selector").path("matchLabels").path("verb").asText());
    assertEquals("2", pods.path("pods").path("current").path("averageValue").asText());
    assertEquals("True ValidMetricFound: the HPA was able to successfully calculate a replica count from pods metric "
        + "packets-per-second", condition("ScalingActive"));
    assertEquals(List.of("SuccessfulRescale: New size: 4; reason: pods metric packets-per-second above target"),
        fake.eventReasons());
  }

  @Test
  void anObjectMetricsValueScalesTheReadyPodsAndItsAverageValueTheTargetsReplicas() {
    deployment(2);
    pod("web-1", "100m", null);
    pod("web-2", "100m", null);
    customMillis = Map.of("Ingress/main-route", 15_000_000L);
    hpaOn("apps/v1", "Deployment", ingressMetric("Value", "10k"));
    done(controller.sync(KEY));
    assertEquals(List.of("object ns networking.k8s.io/v1 Ingress/main-route requests-per-second"), asked);
    assertEquals(3, replicas(), "15k against 10k: 1.5 × 2 ready pods");
    JsonNode object = status().path("currentMetrics").path(0).path("object");
    assertEquals("15k", object.path("current").path("value").asText());
    assertEquals("main-route", object.path("describedObject").path("name").asText());
    assertEquals(List.of("SuccessfulRescale: New size: 3; reason: Ingress metric requests-per-second above target"),
        fake.eventReasons());

    deployment(2);
    hpaOn("apps/v1", "Deployment", ingressMetric("AverageValue", "5k"));
    fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
    done(controller.sync(KEY));
    assertEquals(3, replicas(), "15k over 2 replicas against 5k a pod: 15k / 5k");
    object = status().path("currentMetrics").path(0).path("object");
    assertEquals("7500", object.path("current").path("averageValue").asText());
    assertTrue(object.path("describedObject").isMissingNode(), "kube leaves it out for an AverageValue target");
    assertEquals("SuccessfulRescale: New size: 3; reason: external metric requests-per-second(nil) above target",
        fake.eventReasons().get(1), "kube names an object's per-pod metric so");
  }

  @Test
  void anExternalMetricSumsItsValues() {
    deployment(2);
    pod("web-1", "100m", null);
    pod("web-2", "100m", null);
    externalMillis = List.of(10_000L, 20_000L);
    hpaOn("apps/v1", "Deployment", queueMetric("Value", "20"));
    done(controller.sync(KEY));
    assertEquals(List.of("external ns queue_messages_ready queue=worker_tasks"), asked);
    assertEquals(3, replicas(), "30 messages against 20: 1.5 × 2 ready pods");
    assertEquals("30", status().path("currentMetrics").path(0).path("external").path("current").path("value").asText());
    assertEquals(List.of("SuccessfulRescale: New size: 3; reason: " + QUEUE + " above target"), fake.eventReasons());

    deployment(2);
    hpaOn("apps/v1", "Deployment", queueMetric("AverageValue", "10"));
    fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
    done(controller.sync(KEY));
    assertEquals(3, replicas(), "30 messages at 10 a pod");
    assertEquals("15", status().path("currentMetrics").path(0).path("external").path("current").path("averageValue")
        .asText(), "the total over the target's 2 replicas");
    assertEquals("True ValidMetricFound: the HPA was able to successfully calculate a replica count from " + QUEUE,
        condition("ScalingActive"));
  }

  @Test
  void customMetricsWithoutValuesFailInKubesWords() {
    deployment(2);
    pod("web-1", "100m", null);
    pod("web-2", "100m", null);
    customMillis = Map.of();
    externalMillis = List.of();
    hpaOn("apps/v1", "Deployment", podsMetric("packets-per-second", "1"), ingressMetric("Value", "10k"),
        queueMetric("AverageValue", "10"));
    done(controller.sync(KEY));
    assertEquals(2, replicas());
    assertEquals(List.of(
        "FailedGetPodsMetric: unable to get metric packets-per-second: no metrics returned from custom metrics API",
        "FailedGetObjectMetric: unable to get metric requests-per-second: Ingress on ns main-route/unable to fetch "
            + "metrics from custom metrics API: the server could not find the requested resource (get "
            + "ingresses.networking.k8s.io.custom.metrics.k8s.io main-route)",
        "FailedGetExternalMetric: unable to get external metric ns/queue_messages_ready/&LabelSelector{MatchLabels:"
            + "map[string]string{queue: worker_tasks,},MatchExpressions:[]LabelSelectorRequirement{},}: no metrics "
            + "returned from external metrics API",
        "FailedComputeMetricsReplicas: invalid metrics (3 invalid out of 3), first error is: failed to get pods metric "
            + "value: unable to get metric packets-per-second: no metrics returned from custom metrics API"),
        fake.eventReasons());
    assertEquals("False FailedGetPodsMetric: " + PREFIX + "unable to get metric packets-per-second: no metrics "
        + "returned from custom metrics API", condition("ScalingActive"));
  }

  @Test
  void theToleranceFlagWidensTheBandInWhichNothingChanges() {
    deployment(2);
    hpa(1, 10, 50);
    pod("web-1", "100m", 58L);
    pod("web-2", "100m", 58L);
    HpaOptions wide = new HpaOptions(Duration.ofSeconds(15), 0.2, Duration.ofMinutes(5), Duration.ofMinutes(5),
        Duration.ofSeconds(30), 5);
    done(new HorizontalController(fake.ctx, source, wide).sync(KEY));
    assertEquals(2, replicas(), "116 % of the target is within a tolerance of 0.2");
    fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
    done(controller.sync(KEY));
    assertEquals(3, replicas(), "but not within kube's default 0.1: ceil(1.16 × 2)");
  }

  @Test
  void theDownscaleStabilizationAndSyncPeriodFlagsAreTheControllers() {
    deployment(4);
    hpa(1, 10, 50);
    for (int i = 1; i <= 4; i++) {
      pod("web-" + i, "100m", 10L);
    }
    HpaOptions quick = new HpaOptions(Duration.ofSeconds(30), 0.1, Duration.ofSeconds(20), Duration.ofMinutes(5),
        Duration.ofSeconds(30), 5);
    HorizontalController c = new HorizontalController(fake.ctx, source, quick);
    done(c.sync(KEY));
    assertEquals(4, replicas(), "a new HPA keeps to its first recommendation for the window");
    fake.clock.set(fake.clock.instant().plusSeconds(15));
    done(c.sync(KEY));
    assertEquals("True ScaleDownStabilized: recent recommendations were higher than current one, applying the highest "
        + "recent recommendation", condition("AbleToScale"), "synced again: kube requeues on its own status update");
    fake.clock.set(fake.clock.instant().plusSeconds(15));
    done(c.sync(KEY));
    assertEquals(1, replicas(), "30 s on, past a 20 s window: 20 % of 50 % on 4 pods asks for 1");
  }

  @Test
  void kubeValidatesOnlyTheConcurrentSyncs() {
    assertEquals(null, HpaOptions.DEFAULTS.invalid());
    assertEquals("concurrent-horizontal-pod-autoscaler-syncs must be greater than 0, but got 0", new HpaOptions(
        Duration.ofSeconds(15), 0.1, Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofSeconds(30), 0)
        .invalid());
  }
  @Test
  void theCpuInitializationPeriodAndInitialReadinessDelayFlagsDecideWhichSamplesCount() {
    deployment(2);
    hpa(1, 10, 50);
    pod("web-1", "100m", 150L);
    // started 2 min ago, Ready False since a minute after its start
    Instant started = fake.clock.instant().minus(Duration.ofMinutes(2));
    fake.store.put(podType, new PodBuilder().withNewMetadata().withName("web-2").withNamespace("ns")
        .withLabels(Map.of("app", "web")).endMetadata().withNewSpec().withContainers(new ContainerBuilder().withName("a")
            .withImage("dekube/web").withNewResources().withRequests(Map.of("cpu", new Quantity("100m"))).endResources()
            .build()).endSpec().withNewStatus().withPhase("Running").withStartTime(started.toString())
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("False")
            .withLastTransitionTime(started.plusSeconds(60).toString()).build()).endStatus().build());
    cpuMillis.put("web-2", 150L);
    done(controller.sync(KEY));
    assertEquals(3, replicas(), "within kube's 5 min the unready pod's sample is left out and it counts as idle");

    deployment(2);
    HpaOptions shortInit = new HpaOptions(Duration.ofSeconds(15), 0.1, Duration.ofMinutes(5), Duration.ofMinutes(1),
        Duration.ofSeconds(30), 5);
    done(new HorizontalController(fake.ctx, source, shortInit).sync(KEY));
    assertEquals(4, replicas(), "past a 1 min initialisation, a pod that was ready once counts: 300 % asks for 6");

    deployment(2);
    HpaOptions longDelay = new HpaOptions(Duration.ofSeconds(15), 0.1, Duration.ofMinutes(5), Duration.ofMinutes(1),
        Duration.ofSeconds(90), 5);
    done(new HorizontalController(fake.ctx, source, longDelay).sync(KEY));
    assertEquals(3, replicas(), "a readiness change within a 90 s initial delay counts as never ready");
  }
}
