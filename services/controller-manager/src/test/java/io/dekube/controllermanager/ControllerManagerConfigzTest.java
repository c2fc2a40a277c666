package io.dekube.controllermanager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dekube.controllermanager.nodelifecycle.NodeLifecycleOptions;
import io.dekube.controllermanager.podautoscaler.HpaOptions;
import io.dekube.core.metrics.OpsHttpServer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ControllerManagerConfigzTest {

  private static JsonNode config(ControllerManagerConfig c) {
    return ControllerManagerConfigz.configuration(c);
  }

  @Test
  void theDefaultsAreKubeControllerManagers() {
    JsonNode k = config(ControllerManagerConfig.defaults());
    List<String> fields = new ArrayList<>();
    k.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("Generic", "KubeCloudShared", "AttachDetachController", "CSRSigningController",
        "DaemonSetController", "DeploymentController", "StatefulSetController", "DeprecatedController",
        "EndpointController", "EndpointSliceController", "EndpointSliceMirroringController",
        "EphemeralVolumeController", "GarbageCollectorController", "HPAController", "JobController",
        "CronJobController", "LegacySATokenCleaner", "NamespaceController", "NodeIPAMController",
        "NodeLifecycleController", "PersistentVolumeBinderController", "PodGCController", "ReplicaSetController",
        "ReplicationController", "ResourceQuotaController", "SAController", "ServiceController",
        "TTLAfterFinishedController", "ValidatingAdmissionPolicyStatusController"), fields,
        "the internal type's fields in Go's order");
    assertEquals("{\"LeaderElect\":true,\"LeaseDuration\":\"15s\",\"RenewDeadline\":\"10s\",\"RetryPeriod\":\"2s\","
        + "\"ResourceLock\":\"leases\",\"ResourceName\":\"kube-controller-manager\","
        + "\"ResourceNamespace\":\"kube-system\"}", k.path("Generic").path("LeaderElection").toString());
    assertEquals("[\"*\"]", k.path("Generic").path("Controllers").toString());
    assertEquals("{\"Kubeconfig\":\"\",\"AcceptContentTypes\":\"\",\"ContentType\":"
        + "\"application/vnd.kubernetes.protobuf\",\"QPS\":20,\"Burst\":30}",
        k.path("Generic").path("ClientConnection").toString());
    assertEquals("12h0m0s", k.path("Generic").path("MinResyncPeriod").asText());
    assertEquals(5, k.path("DeploymentController").path("ConcurrentDeploymentSyncs").asInt());
    assertEquals(2, k.path("DaemonSetController").path("ConcurrentDaemonSetSyncs").asInt());
    assertEquals(12500, k.path("PodGCController").path("TerminatedPodGCThreshold").asInt());
    assertEquals("{\"NodeEvictionRate\":0.1,\"SecondaryNodeEvictionRate\":0.01,\"NodeStartupGracePeriod\":\"1m0s\","
        + "\"NodeMonitorGracePeriod\":\"50s\",\"LargeClusterSizeThreshold\":50,\"UnhealthyZoneThreshold\":0.55}",
        k.path("NodeLifecycleController").toString());
    assertEquals("5s", k.path("KubeCloudShared").path("NodeMonitorPeriod").asText());
    assertEquals("127.244.0.0/16", k.path("KubeCloudShared").path("ClusterCIDR").asText());
    assertEquals("{\"ConcurrentHorizontalPodAutoscalerSyncs\":5,\"HorizontalPodAutoscalerSyncPeriod\":\"15s\","
        + "\"HorizontalPodAutoscalerUpscaleForbiddenWindow\":\"3m0s\","
        + "\"HorizontalPodAutoscalerDownscaleStabilizationWindow\":\"5m0s\","
        + "\"HorizontalPodAutoscalerDownscaleForbiddenWindow\":\"5m0s\",\"HorizontalPodAutoscalerTolerance\":0.1,"
        + "\"HorizontalPodAutoscalerCPUInitializationPeriod\":\"5m0s\","
        + "\"HorizontalPodAutoscalerInitialReadinessDelay\":\"30s\"}", k.path("HPAController").toString());
    assertEquals("{}", k.path("DeprecatedController").toString());
    assertEquals(false, k.has("kind") || k.has("apiVersion"), "the internal type's TypeMeta is empty");
  }

  @Test
  void dekubesFlagsShowInTheirFields() {
    ControllerManagerConfig c = ControllerManagerConfig.defaults()
        .withLeaderElection(Duration.ofSeconds(90), Duration.ofSeconds(60), Duration.ofMillis(500))
        .withNodeMonitorGracePeriod(Duration.ofSeconds(5))
        .withNodeLifecycle(new NodeLifecycleOptions(Duration.ofSeconds(2), Duration.ofSeconds(30), 1, 0.5f, 3, 0.7f))
        .withHpa(new HpaOptions(Duration.ofSeconds(3), 0.25, Duration.ofSeconds(20), Duration.ofMinutes(1),
            Duration.ofSeconds(10), 2))
        .withTerminatedPodGcThreshold(10)
        .withClusterCidr("10.244.0.0/16");
    JsonNode k = ControllerManagerConfigz.configuration(c, Duration.ofMinutes(1), Duration.ofSeconds(90));
    JsonNode le = k.path("Generic").path("LeaderElection");
    assertEquals("1m30s 1m0s 500ms", le.path("LeaseDuration").asText() + " " + le.path("RenewDeadline").asText()
        + " " + le.path("RetryPeriod").asText());
    assertEquals("{\"NodeEvictionRate\":1,\"SecondaryNodeEvictionRate\":0.5,\"NodeStartupGracePeriod\":\"30s\","
        + "\"NodeMonitorGracePeriod\":\"5s\",\"LargeClusterSizeThreshold\":3,\"UnhealthyZoneThreshold\":0.7}",
        k.path("NodeLifecycleController").toString());
    assertEquals("2s", k.path("KubeCloudShared").path("NodeMonitorPeriod").asText());
    assertEquals("10.244.0.0/16", k.path("KubeCloudShared").path("ClusterCIDR").asText());
    JsonNode hpa = k.path("HPAController");
    assertEquals("2 3s 1m0s 20s 1m30s 0.25 1m0s 10s", hpa.path("ConcurrentHorizontalPodAutoscalerSyncs").asText()
        + " " + hpa.path("HorizontalPodAutoscalerSyncPeriod").asText()
        + " " + hpa.path("HorizontalPodAutoscalerUpscaleForbiddenWindow").asText()
        + " " + hpa.path("HorizontalPodAutoscalerDownscaleStabilizationWindow").asText()
        + " " + hpa.path("HorizontalPodAutoscalerDownscaleForbiddenWindow").asText()
        + " " + hpa.path("HorizontalPodAutoscalerTolerance").asText()
        + " " + hpa.path("HorizontalPodAutoscalerCPUInitializationPeriod").asText()
        + " " + hpa.path("HorizontalPodAutoscalerInitialReadinessDelay").asText());
    assertEquals(10, k.path("PodGCController").path("TerminatedPodGCThreshold").asInt());
  }

  /** As kube's configz registry: one page, every configuration of the process by its name, in Go's (sorted) order. */
  @Test
  void theOpsPortServesItBesideTheSchedulersWhenBothRunInTheProcess() throws Exception {
    Vertx vertx = Vertx.vertx();
    OpsHttpServer ops = new OpsHttpServer()
        .configz(ControllerManagerConfigz.NAME, ControllerManagerConfigz.configuration(ControllerManagerConfig.defaults()))
        .configz("componentconfig", new ObjectMapper().readTree("{\"apiVersion\":\"kubescheduler.config.k8s.io/v1\"}"));
    try {
      int port = ops.listen(vertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/configz")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
      JsonNode body = new ObjectMapper().readTree(r.body());
      assertEquals(List.of("componentconfig", ControllerManagerConfigz.NAME), iterate(body));
      assertEquals(12500, body.path(ControllerManagerConfigz.NAME).path("PodGCController")
          .path("TerminatedPodGCThreshold").asInt());
    } finally {
      ops.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> iterate(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
