package io.dekube.controllermanager.podautoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.ApiServerFixture;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.dekube.kafka.WithKafka;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HPA controller's Pods, Object and External metrics through a real apiserver and its aggregator,
 * from a real HTTPS server serving {@code custom.metrics.k8s.io/v1beta2} and
 * {@code external.metrics.k8s.io/v1beta1} as prometheus-adapter does, behind its APIServices: before they
 * are registered the HPA says there is no such API, while they are not Available the aggregator's 503,
 * then the values, with the pods' and the metric's label selectors, as the controller-manager's user.
 */
@WithKafka
class CustomMetricsApiIT {

  private static ApiServerFixture server;
  private static HttpClient admin;
  private static final Vertx VERTX = Vertx.vertx();
  private static Adapter adapter;

  /** prometheus-adapter, as far as the HPA reads it: the requests it got and the X-Remote-User of each. */
  private static final class Adapter {
    final CertificateBundle ca;
    final HttpServer http;
    final List<String> seen = new CopyOnWriteArrayList<>();

    Adapter() throws Exception {
      CertificateIssuer issuer = new CertificateIssuer();
      ca = issuer.newCa("adapter-ca");
      CertificateBundle serving = issuer.newServing(ca, "prometheus-adapter",
          List.of("prometheus-adapter.monitoring.svc"), List.of("127.0.0.1"));
      http = VERTX.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
              .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(serving.certificatePem()))
                  .setKeyValue(Buffer.buffer(serving.keyPem()))))
          .requestHandler(this::handle);
      http.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest req) {
      String path = req.path();
      if (path.startsWith("/apis/") && !path.endsWith("/v1beta2") && !path.endsWith("/v1beta1")) {
        seen.add(req.getHeader("X-Remote-User") + " " + req.uri());
      }
      String now = Instant.now().toString();
      switch (path) {
        case "/apis/custom.metrics.k8s.io/v1beta2" -> json(req, """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"custom.metrics.k8s.io/v1beta2","resources":[
            {"name":"pods/packets-per-second","singularName":"","namespaced":true,"kind":"MetricValueList","verbs":["get"]},
            {"name":"ingresses.networking.k8s.io/requests-per-second","singularName":"","namespaced":true,
             "kind":"MetricValueList","verbs":["get"]}]}""");
        case "/apis/external.metrics.k8s.io/v1beta1" -> json(req, """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"external.metrics.k8s.io/v1beta1","resources":[
            {"name":"queue_messages_ready","singularName":"","namespaced":true,"kind":"ExternalMetricValueList",
             "verbs":["get"]}]}""");
        case "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/packets-per-second" -> json(req, """
            {"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta2","metadata":{},"items":[
            {"describedObject":{"kind":"Pod","namespace":"shop","name":"web-1","apiVersion":"/v1"},
             "metric":{"name":"packets-per-second","selector":null},"timestamp":"%s","windowSeconds":60,"value":"1500m"},
            {"describedObject":{"kind":"Pod","namespace":"shop","name":"web-2","apiVersion":"/v1"},
             "metric":{"name":"packets-per-second","selector":null},"timestamp":"%s","windowSeconds":60,"value":"2500m"}
            ]}""".formatted(now, now));
        case "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/ingresses.networking.k8s.io/main-route/"
            + "requests-per-second" -> json(req, """
            {"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta2","metadata":{},"items":[
            {"describedObject":{"kind":"Ingress","namespace":"shop","name":"main-route",
             "apiVersion":"networking.k8s.io/v1"},"metric":{"name":"requests-per-second","selector":null},
             "timestamp":"%s","windowSeconds":60,"value":"15k"}]}""".formatted(now));
        case "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_messages_ready" -> json(req, """
            {"kind":"ExternalMetricValueList","apiVersion":"external.metrics.k8s.io/v1beta1","metadata":{},"items":[
            {"metricName":"queue_messages_ready","metricLabels":{"queue":"worker_tasks"},"timestamp":"%s","value":"12"},
            {"metricName":"queue_messages_ready","metricLabels":{"queue":"worker_tasks"},"timestamp":"%s","value":"18"}
            ]}""".formatted(now, now));
        default -> req.response().setStatusCode(404).putHeader("Content-Type", "application/json")
            .end("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"the server could not "
                + "find the metric\",\"reason\":\"NotFound\",\"code\":404}");
      }
    }

    private static void json(HttpServerRequest req, String body) {
      req.response().putHeader("Content-Type", "application/json").end(body);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(true);
    admin = server.client(server.pki.issueClientCertificate("admin", List.of("system:masters")));
    adapter = new Adapter();
  }

  @AfterAll
  static void stop() throws Exception {
    VERTX.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (server != null) {
      server.close();
    }
  }

  private final Fake fake = new Fake();
  private final ResourceType hpaType = fake.store.type("horizontalpodautoscalers.autoscaling");
  private static final ObjectKey KEY = new ObjectKey("shop", "web");

  /** The HPA controller of {@code fake}'s objects, reading metrics through the real apiserver. */
  private HorizontalController controller() throws Exception {
    int port = Integer.parseInt(server.server().substring(server.server().lastIndexOf(':') + 1));
    fake.store.put(fake.store.type("endpoints"), new EndpointsBuilder().withNewMetadata().withName("kubernetes")
        .withNamespace("default").endMetadata().addNewSubset().addNewAddress().withIp("127.0.0.1").endAddress()
        .addNewPort().withName("https").withPort(port).endPort().endSubset().build());
    CertificateBundle cm = server.pki.issueClientCertificate("system:kube-controller-manager",
        List.of("system:masters"));
    ApiCredentials credentials = new ApiCredentials(server.pki.ca().certificatePem(), cm.certificatePem(), cm.keyPem());
    MetricsSource source = new ApiMetricsSource(VERTX, credentials, new Lister<>(fake.store.cache(
        fake.store.type("endpoints")), io.fabric8.kubernetes.api.model.Endpoints.class), fake.ctx.registry(),
        HpaOptions.DEFAULTS.syncPeriod(), fake.clock);
    return new HorizontalController(fake.ctx, source);
  }

  private void workload() {
    fake.store.put(fake.store.type("deployments.apps"), new DeploymentBuilder().withNewMetadata().withName("web")
        .withNamespace("shop").endMetadata().withNewSpec().withReplicas(2)
        .withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build()).endSpec()
        .withNewStatus().withReplicas(2).endStatus().build());
    Instant started = fake.clock.instant().minus(Duration.ofMinutes(10));
    for (String name : List.of("web-1", "web-2")) {
      fake.store.put(fake.store.type("pods"), new PodBuilder().withNewMetadata().withName(name).withNamespace("shop")
          .withLabels(Map.of("app", "web")).endMetadata().withNewSpec().withContainers(new ContainerBuilder()
              .withName("app").withImage("dekube/web").build()).endSpec().withNewStatus().withPhase("Running")
          .withStartTime(started.toString()).withConditions(new PodConditionBuilder().withType("Ready")
              .withStatus("True").withLastTransitionTime(started.plusSeconds(5).toString()).build()).endStatus()
          .build());
    }
    HorizontalPodAutoscaler h = new HorizontalPodAutoscalerBuilder().withNewMetadata().withName("web")
        .withNamespace("shop").withGeneration(1L).endMetadata().withNewSpec().withNewScaleTargetRef()
        .withApiVersion("apps/v1").withKind("Deployment").withName("web").endScaleTargetRef().withMinReplicas(1)
        .withMaxReplicas(10).withMetrics(pods(), ingress(), queue()).endSpec().build();
    h.setApiVersion("autoscaling/v2");
    fake.store.put(hpaType, h);
  }

  private static MetricSpec pods() {
    return new MetricSpecBuilder().withType("Pods").withNewPods().withNewMetric().withName("packets-per-second")
        .withNewSelector().withMatchLabels(Map.of("verb", "GET")).endSelector().endMetric().withNewTarget()
        .withType("AverageValue").withAverageValue(new Quantity("1")).endTarget().endPods().build();
  }

  private static MetricSpec ingress() {
    return new MetricSpecBuilder().withType("Object").withNewObject().withNewDescribedObject()
        .withApiVersion("networking.k8s.io/v1").withKind("Ingress").withName("main-route").endDescribedObject()
        .withNewMetric().withName("requests-per-second").endMetric().withNewTarget().withType("Value")
        .withValue(new Quantity("10k")).endTarget().endObject().build();
  }

  private static MetricSpec queue() {
    return new MetricSpecBuilder().withType("External").withNewExternal().withNewMetric()
        .withName("queue_messages_ready").withNewSelector().withMatchLabels(Map.of("queue", "worker_tasks"))
        .endSelector().endMetric().withNewTarget().withType("AverageValue").withAverageValue(new Quantity("10"))
        .endTarget().endExternal().build();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private JsonNode status() {
    return fake.store.items(hpaType, "shop").get(0).path("status");
  }

  private String scalingActive() {
    for (JsonNode c : status().path("conditions")) {
      if (c.path("type").asText().equals("ScalingActive")) {
        return c.path("status").asText() + " " + c.path("reason").asText() + ": " + c.path("message").asText();
      }
    }
    return "none";
  }

  /** The next sync, a sync period later (so discovery is read again, as kube invalidates it every period). */
  private void syncLater(HorizontalController controller) throws Exception {
    fake.clock.set(fake.clock.instant().plus(HorizontalController.SYNC_PERIOD));
    await(controller.sync(KEY));
  }

  private static void post(String path, String json) throws Exception {
    server.send(admin, "POST", path, json, 201);
  }

  @Test
  void theHpaReadsPrometheusAdaptersMetricsOnceItsApiServicesAreAvailable() throws Exception {
    HorizontalController controller = controller();
    workload();
    await(controller.sync(KEY));
    String prefix = "False FailedGetPodsMetric: the HPA was unable to compute the replica count: unable to get metric "
        + "packets-per-second: unable to fetch metrics from custom metrics API: ";
    assertEquals(prefix + "no custom metrics API (custom.metrics.k8s.io) registered", scalingActive());
    assertTrue(fake.eventReasons().stream().anyMatch(e -> e.startsWith("FailedGetExternalMetric: ") && e.endsWith(
        "unable to fetch metrics from external metrics API: the server could not find the requested resource (get "
            + "queue_messages_ready.external.metrics.k8s.io)")), fake.eventReasons().toString());

    String caBundle = Base64.getEncoder().encodeToString(adapter.ca.certificatePem().getBytes(StandardCharsets.UTF_8));
    post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"monitoring\"}}");
    post("/api/v1/namespaces/monitoring/services", "{\"metadata\":{\"name\":\"prometheus-adapter\"},\"spec\":{"
        + "\"ports\":[{\"name\":\"https\",\"port\":443,\"targetPort\":" + adapter.http.actualPort() + "}]}}");
    for (String[] gv : List.of(new String[] {"custom.metrics.k8s.io", "v1beta2"},
        new String[] {"external.metrics.k8s.io", "v1beta1"})) {
      post("/apis/apiregistration.k8s.io/v1/apiservices", "{\"metadata\":{\"name\":\"" + gv[1] + "." + gv[0] + "\"},"
          + "\"spec\":{\"group\":\"" + gv[0] + "\",\"version\":\"" + gv[1] + "\",\"groupPriorityMinimum\":100,"
          + "\"versionPriority\":200,\"caBundle\":\"" + caBundle + "\",\"service\":{\"namespace\":\"monitoring\","
          + "\"name\":\"prometheus-adapter\",\"port\":443}}}");
    }
    syncLater(controller);
    assertEquals(prefix + "the server is currently unable to handle the request (get pods.custom.metrics.k8s.io *)",
        scalingActive(), "registered but not Available (no endpoints): the aggregator's 503");

    post("/apis/discovery.k8s.io/v1/namespaces/monitoring/endpointslices", "{\"metadata\":{\"name\":"
        + "\"prometheus-adapter-1\",\"labels\":{\"kubernetes.io/service-name\":\"prometheus-adapter\"}},"
        + "\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"https\",\"port\":" + adapter.http.actualPort()
        + ",\"protocol\":\"TCP\"}],\"endpoints\":[{\"addresses\":[\"127.0.0.1\"],\"conditions\":{\"ready\":true}}]}");
    for (String name : List.of("v1beta2.custom.metrics.k8s.io", "v1beta1.external.metrics.k8s.io")) {
      Awaitility.await(name + " Available").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> Json.MAPPER.readTree(server.get(admin, "/apis/apiregistration.k8s.io/v1/apiservices/" + name)
              .body()).path("status").path("conditions").path(0).path("status").asText().equals("True"));
    }
    syncLater(controller);
    assertEquals(List.of(
        "system:kube-controller-manager /apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/"
            + "ingresses.networking.k8s.io/main-route/requests-per-second",
        "system:kube-controller-manager /apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/packets-per-second"
            + "?labelSelector=app%3Dweb&metricLabelSelector=verb%3DGET",
        "system:kube-controller-manager /apis/external.metrics.k8s.io/v1beta1/namespaces/shop/queue_messages_ready"
            + "?labelSelector=queue%3Dworker_tasks"),
        adapter.seen.stream().sorted().toList());
    JsonNode metrics = status().path("currentMetrics");
    assertEquals("2", metrics.path(0).path("pods").path("current").path("averageValue").asText(), metrics.toString());
    assertEquals("15k", metrics.path(1).path("object").path("current").path("value").asText(), metrics.toString());
    assertEquals("15", metrics.path(2).path("external").path("current").path("averageValue").asText(),
        metrics.toString());
    assertEquals("True ValidMetricFound: the HPA was able to successfully calculate a replica count from pods metric "
        + "packets-per-second", scalingActive(), "2 against 1 asks for 4 pods, 15k against 10k for 3, 30 at 10 for 3");
    assertEquals(4, fake.store.items(fake.store.type("deployments.apps"), "shop").get(0).path("spec")
        .path("replicas").asInt());
  }
}
