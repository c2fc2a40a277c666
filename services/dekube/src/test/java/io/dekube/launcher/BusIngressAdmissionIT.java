package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.ServiceAccountKey;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.kafka.KafkaExitTrap;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingress controller's and the LoadBalancer pool's writes on the bus pass the admission webhooks as the requests of
 * ingress-nginx and of the cloud-controller-manager's service controller pass kube-apiserver's: a validating webhook
 * sees each {@code status.loadBalancer} write as an {@code UPDATE} of {@code ingresses/status} or
 * {@code services/status} by that program's service account, and what it denies is not written.
 */
class BusIngressAdmissionIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType SERVICES = REGISTRY.byResourceName("services").orElseThrow();
  private static final ResourceType INGRESSES = REGISTRY.byResourceName("ingresses.networking.k8s.io").orElseThrow();
  private static final ResourceType VALIDATING = REGISTRY.byGroupPlural("admissionregistration.k8s.io",
      "validatingwebhookconfigurations").orElseThrow();

  @Test
  void aWebhookSeesAndDeniesTheStatusWritesOfTheIngressControllerAndTheLoadBalancerPool(@TempDir Path tmp)
      throws Exception {
    KafkaExitTrap.install();
    Path data = tmp.resolve("state");
    ClusterPki.loadOrCreate(data.resolve("pki")); // what the apiserver would have written
    ServiceAccountKey.loadOrCreate(data.resolve("pki"));
    EmbeddedKafka broker = EmbeddedKafka.builder().port(0).dataDir(tmp.resolve("kafka")).build().start();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      TopicCatalog.load().ensureTopics(broker.bootstrapServers(), admin, REGISTRY.all(), (short) 1);
    }
    Vertx vertx = Vertx.vertx();
    Cluster cluster = new Cluster(UpOptions.parse(List.of("--kafka", broker.bootstrapServers(), "--ops-port", "0",
        "--data-dir", data.toString(), "--ingress-http-port", "0", "--ingress-https-port", "0",
        "--lb-pool", "127.154.0.0/24")), List.of(new IngressComponent()));
    try (AdmissionWebhookServer webhook = new AdmissionWebhookServer()) {
      Cluster.await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(broker.bootstrapServers())
          .withWriterId("ingress-admission"))));
      StoreClient client = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(broker.bootstrapServers())
          .withRequesterId("ingress-admission-test")));
      ObjectNode namespace = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      namespace.putObject("metadata").put("name", "default");
      Cluster.await(client.create(REGISTRY.byResourceName("namespaces").orElseThrow(), "", namespace,
          WriteOptions.none())); // what the apiserver would have made
      // the configuration is stored before the controllers start: their admission replays it before they write
      Cluster.await(client.create(VALIDATING, "", configuration(webhook), WriteOptions.none()));
      cluster.start();

      for (String name : List.of("open", "closed")) {
        Cluster.await(client.create(SERVICES, "default", service(name), WriteOptions.none()));
        Cluster.await(client.create(INGRESSES, "default", ingress(name), WriteOptions.none()));
      }

      JsonNode lb = await("the pool's address of the allowed Service").atMost(Duration.ofSeconds(60))
          .until(() -> Cluster.await(client.get(SERVICES, "default", "open")).at("/status/loadBalancer/ingress/0/ip"),
              ip -> !ip.isMissingNode());
      assertTrue(lb.asText().startsWith("127.154.0."), lb.toString());
      JsonNode serviceReview = review(webhook, "services", "open");
      assertEquals("system:serviceaccount:kube-system:service-controller",
          serviceReview.at("/userInfo/username").asText(), serviceReview.toString());
      assertEquals(lb.asText(), serviceReview.at("/object/status/loadBalancer/ingress/0/ip").asText());
      assertTrue(serviceReview.at("/oldObject/status/loadBalancer/ingress").isMissingNode()
          || serviceReview.at("/oldObject/status/loadBalancer/ingress").isEmpty(), serviceReview.toString());

      JsonNode host = await("the ingress controller's address of the allowed Ingress").atMost(Duration.ofSeconds(60))
          .until(() -> Cluster.await(client.get(INGRESSES, "default", "open"))
              .at("/status/loadBalancer/ingress/0/ip"), ip -> !ip.isMissingNode());
      JsonNode ingressReview = review(webhook, "ingresses", "open");
      assertEquals("system:serviceaccount:ingress-nginx:ingress-nginx", ingressReview.at("/userInfo/username").asText(),
          ingressReview.toString());
      assertEquals("{\"group\":\"networking.k8s.io\",\"version\":\"v1\",\"resource\":\"ingresses\"}",
          ingressReview.path("resource").toString());
      assertEquals(host.asText(), ingressReview.at("/object/status/loadBalancer/ingress/0/ip").asText());

      // the writes kept their programs' field managers behind the admission
      assertEquals("cloud-controller-manager", manager(Cluster.await(client.get(SERVICES, "default", "open"))));
      assertEquals("nginx-ingress-controller", manager(Cluster.await(client.get(INGRESSES, "default", "open"))));

      // the denied writes were asked for, and nothing of them was stored
      review(webhook, "services", "closed");
      review(webhook, "ingresses", "closed");
      assertFalse(Cluster.await(client.get(SERVICES, "default", "closed")).at("/status/loadBalancer/ingress/0")
          .isObject(), "the denied Service status");
      assertFalse(Cluster.await(client.get(INGRESSES, "default", "closed")).at("/status/loadBalancer/ingress/0")
          .isObject(), "the denied Ingress status");
    } finally {
      cluster.stop();
      vertx.close();
      broker.close();
    }
  }

  /** The manager of the object's status, as its {@code managedFields} entry of {@code subresource: status} names it. */
  private static String manager(JsonNode object) {
    for (JsonNode entry : object.at("/metadata/managedFields")) {
      if (entry.path("subresource").asText().equals("status")) {
        return entry.path("manager").asText();
      }
    }
    return object.at("/metadata/managedFields").toString();
  }

  /** The webhook's review of the status write of {@code resource} {@code name}, once it came. */
  private static JsonNode review(AdmissionWebhookServer webhook, String resource, String name) {
    JsonNode request = await("the review of " + resource + "/" + name + "/status").atMost(Duration.ofSeconds(60))
        .until(() -> webhook.seen("UPDATE", name).stream()
            .filter(r -> r.at("/resource/resource").asText().equals(resource)).findFirst().orElse(null),
            r -> r != null);
    assertEquals("status", request.path("subResource").asText(), request.toString());
    return request;
  }

  private static ObjectNode configuration(AdmissionWebhookServer webhook) {
    ObjectNode c = Json.object().put("apiVersion", "admissionregistration.k8s.io/v1")
        .put("kind", "ValidatingWebhookConfiguration");
    c.putObject("metadata").put("name", "load-balancer-status");
    ObjectNode hook = c.putArray("webhooks").addObject().put("name", "status.dekube.io").put("sideEffects", "None")
        .put("failurePolicy", "Fail");
    hook.putObject("clientConfig").put("caBundle", webhook.caBundle())
        .put("url", "https://127.0.0.1:" + webhook.port() + "/deny-labelled");
    for (String[] r : List.of(new String[] {"", "services/status"},
        new String[] {"networking.k8s.io", "ingresses/status"})) {
      ObjectNode rule = hook.withArray("rules").addObject();
      rule.putArray("operations").add("UPDATE");
      rule.putArray("apiGroups").add(r[0]);
      rule.putArray("apiVersions").add("v1");
      rule.putArray("resources").add(r[1]);
    }
    hook.putArray("admissionReviewVersions").add("v1");
    return c;
  }

  private static ObjectNode service(String name) {
    ObjectNode s = Json.object().put("apiVersion", "v1").put("kind", "Service");
    labelled(s.putObject("metadata").put("name", name).put("namespace", "default"), name);
    s.putObject("spec").put("type", "LoadBalancer").putArray("ports").addObject().put("port", 80);
    return s;
  }

  private static ObjectNode ingress(String name) {
    ObjectNode i = Json.object().put("apiVersion", "networking.k8s.io/v1").put("kind", "Ingress");
    labelled(i.putObject("metadata").put("name", name).put("namespace", "default"), name);
    i.putObject("spec").put("ingressClassName", "dekube").putObject("defaultBackend").putObject("service")
        .put("name", name).putObject("port").put("number", 80);
    return i;
  }

  /** The closed ones carry the label the webhook denies. */
  private static void labelled(ObjectNode meta, String name) {
    if (name.equals("closed")) {
      meta.putObject("labels").put("deny", "true");
    }
  }
}
