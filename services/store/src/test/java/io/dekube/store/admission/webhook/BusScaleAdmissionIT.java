package io.dekube.store.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.core.auth.SystemUsers;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * A component's write of a Deployment's {@code scale} subresource on the bus (the HPA controller's) reaches the
 * admission webhooks as kube's scale client's request reaches them: an {@code UPDATE} of {@code deployments/scale}
 * with {@code autoscaling/v1} Scales as object and oldObject, and a mutating webhook's replicas are the ones written.
 */
@WithKafka
class BusScaleAdmissionIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType DEPLOYMENTS = REGISTRY.byGroupPlural("apps", "deployments").orElseThrow();
  private static final ResourceType MUTATING = REGISTRY.byGroupPlural("admissionregistration.k8s.io",
      "mutatingwebhookconfigurations").orElseThrow();

  @Test
  void anHpaScaleWriteIsAdmittedAsAnUpdateOfTheScale(@KafkaBootstrap String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, REGISTRY.all(), (short) 1);
    }
    Vertx vertx = Vertx.vertx();
    try (AdmissionWebhookServer webhook = new AdmissionWebhookServer()) {
      await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap).withWriterId("scale"))));
      StoreClient client = await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)
          .withRequesterId("bus-scale")));
      await(client.create(DEPLOYMENTS, "default", deployment(), WriteOptions.none()));
      await(client.create(MUTATING, "", configuration(webhook), WriteOptions.none()));
      Informer configurations = Informer.shared(vertx, bootstrap, MUTATING);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
        await(configurations.waitForCurrent());
        return configurations.get("", "scales") != null;
      });
      BusWebhooks bus = await(BusWebhooks.start(vertx, REGISTRY, t -> Informer.shared(vertx, bootstrap, t)));
      StoreApi hpa = bus.as(SystemUsers.serviceAccount("kube-system", "horizontal-pod-autoscaler"), client);

      ObjectNode replicas = Json.object();
      replicas.putObject("spec").put("replicas", 5);
      ObjectNode written = await(hpa.patch(DEPLOYMENTS, "default", "web", Patches.MERGE, replicas,
          WriteOptions.none().withSubresource("scale")));

      assertEquals(3, written.at("/spec/replicas").asInt(), "the mutating webhook's replicas: " + written);
      assertEquals(1, webhook.requests.size(), webhook.paths.toString());
      JsonNode request = webhook.requests.get(0).path("request");
      assertEquals("UPDATE", request.path("operation").asText());
      assertEquals("{\"group\":\"apps\",\"version\":\"v1\",\"resource\":\"deployments\"}",
          request.path("resource").toString());
      assertEquals("scale", request.path("subResource").asText());
      assertEquals("{\"group\":\"autoscaling\",\"version\":\"v1\",\"kind\":\"Scale\"}", request.path("kind").toString());
      assertEquals("Scale", request.at("/object/kind").asText(), request.toString());
      assertEquals(5, request.at("/object/spec/replicas").asInt(), request.toString());
      assertEquals(1, request.at("/oldObject/spec/replicas").asInt(), request.toString());
      assertEquals("app=web", request.at("/object/status/selector").asText(), request.toString());
      assertEquals("system:serviceaccount:kube-system:horizontal-pod-autoscaler",
          request.at("/userInfo/username").asText());
      assertTrue(request.at("/object/metadata/uid").asText("").length() > 0, request.toString());
    } finally {
      await(vertx.close());
    }
  }

  private static ObjectNode deployment() {
    ObjectNode d = Json.object().put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", "web").put("namespace", "default");
    ObjectNode spec = d.putObject("spec").put("replicas", 1);
    spec.putObject("selector").putObject("matchLabels").put("app", "web");
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", "web");
    template.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "dekube/web");
    return d;
  }

  private static ObjectNode configuration(AdmissionWebhookServer webhook) {
    ObjectNode c = Json.object().put("apiVersion", "admissionregistration.k8s.io/v1")
        .put("kind", "MutatingWebhookConfiguration");
    c.putObject("metadata").put("name", "scales");
    ObjectNode hook = c.putArray("webhooks").addObject().put("name", "scales.dekube.io").put("sideEffects", "None")
        .put("failurePolicy", "Fail")
        .put("timeoutSeconds", 30); // kube's most: the default 10 s was missed by a loaded CI machine (load 26)
    hook.putObject("clientConfig").put("caBundle", webhook.caBundle())
        .put("url", "https://127.0.0.1:" + webhook.port() + "/scale-three");
    ObjectNode rule = hook.putArray("rules").addObject();
    rule.putArray("operations").add("UPDATE");
    rule.putArray("apiGroups").add("apps");
    rule.putArray("apiVersions").add("v1");
    rule.putArray("resources").add("deployments/scale");
    hook.putArray("admissionReviewVersions").add("v1");
    return c;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }
}
