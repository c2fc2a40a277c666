package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
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
 * The metrics server's writes of metrics-server's manifests pass the admission webhooks as an administrator's
 * {@code kubectl apply -f components.yaml} passes kube-apiserver's: kubeadm's {@code kubernetes-admin}, kubectl's
 * client-side apply field manager. A refused APIService is not written and tried again until the webhook lets it
 * through.
 */
class BusMetricsServerAdmissionIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType API_SERVICES = REGISTRY.byGroupPlural("apiregistration.k8s.io", "apiservices")
      .orElseThrow();
  private static final ResourceType VALIDATING = REGISTRY.byGroupPlural("admissionregistration.k8s.io",
      "validatingwebhookconfigurations").orElseThrow();

  @Test
  void aWebhookRefusesTheApiServiceUntilItLetsItThroughAndSeesTheAdministrator(@TempDir Path tmp) throws Exception {
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
        "--data-dir", data.toString(), "--metrics-server-port", "0")), List.of(new MetricsServerComponent()));
    try (AdmissionWebhookServer webhook = new AdmissionWebhookServer()) {
      Cluster.await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(broker.bootstrapServers())
          .withWriterId("metrics-admission"))));
      StoreClient client = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(broker.bootstrapServers())
          .withRequesterId("metrics-admission-test")));
      for (String name : List.of("default", "kube-system")) { // what the apiserver would have made
        ObjectNode namespace = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
        namespace.putObject("metadata").put("name", name).putObject("labels")
            .put("kubernetes.io/metadata.name", name);
        Cluster.await(client.create(REGISTRY.byResourceName("namespaces").orElseThrow(), "", namespace,
            WriteOptions.none()));
      }
      // stored before the metrics server starts: its admission replays them before it writes
      Cluster.await(client.create(VALIDATING, "", configuration("refuse-apiservices", webhook, "/deny-all",
          "apiregistration.k8s.io", "apiservices"), WriteOptions.none()));
      Cluster.await(client.create(VALIDATING, "", configuration("see-cluster-roles", webhook, "/allow",
          "rbac.authorization.k8s.io", "clusterroles"), WriteOptions.none()));
      cluster.start();

      JsonNode role = review(webhook, "clusterroles", "system:metrics-server");
      assertEquals("kubernetes-admin", role.at("/userInfo/username").asText(), role.toString());
      assertEquals("[\"kubeadm:cluster-admins\",\"system:authenticated\"]", role.at("/userInfo/groups").toString());
      JsonNode refused = review(webhook, "apiservices", "v1beta1.metrics.k8s.io");
      assertEquals("kubernetes-admin", refused.at("/userInfo/username").asText(), refused.toString());
      assertTrue(present(client, "v1beta1.metrics.k8s.io") == null, "the refused APIService");
      await("the metrics server applying again").atMost(Duration.ofSeconds(60))
          .until(() -> webhook.seen("CREATE", "v1beta1.metrics.k8s.io").size() >= 2);
      assertTrue(present(client, "v1beta1.metrics.k8s.io") == null, "the refused APIService");

      Cluster.await(client.delete(VALIDATING, "", "refuse-apiservices", WriteOptions.none()));
      ObjectNode api = await("the APIService").atMost(Duration.ofSeconds(60))
          .until(() -> present(client, "v1beta1.metrics.k8s.io"), s -> s != null);
      assertEquals("kubectl-client-side-apply", api.at("/metadata/managedFields/0/manager").asText(), api.toString());
      assertEquals("metrics-server", api.at("/spec/service/name").asText());
    } finally {
      cluster.stop();
      vertx.close();
      broker.close();
    }
  }

  private static ObjectNode present(StoreClient client, String name) {
    try {
      return Cluster.await(client.get(API_SERVICES, "", name));
    } catch (Exception e) {
      if (e instanceof StatusException s && s.code() == 404
          || e.getCause() instanceof StatusException c && c.code() == 404) {
        return null;
      }
      throw new IllegalStateException(e);
    }
  }

  /** The webhook's first review of the create of {@code resource} {@code name}, once it came. */
  private static JsonNode review(AdmissionWebhookServer webhook, String resource, String name) {
    return await("the review of the create of " + resource + "/" + name).atMost(Duration.ofSeconds(60))
        .until(() -> webhook.seen("CREATE", name).stream()
            .filter(r -> r.at("/resource/resource").asText().equals(resource)).findFirst().orElse(null),
            r -> r != null);
  }

  private static ObjectNode configuration(String name, AdmissionWebhookServer webhook, String path, String group,
                                          String resource) {
    ObjectNode c = Json.object().put("apiVersion", "admissionregistration.k8s.io/v1")
        .put("kind", "ValidatingWebhookConfiguration");
    c.putObject("metadata").put("name", name);
    ObjectNode hook = c.putArray("webhooks").addObject().put("name", name + ".dekube.io").put("sideEffects", "None")
        .put("failurePolicy", "Fail");
    hook.putObject("clientConfig").put("caBundle", webhook.caBundle())
        .put("url", "https://127.0.0.1:" + webhook.port() + path);
    ObjectNode rule = hook.withArray("rules").addObject();
    rule.putArray("operations").add("CREATE");
    rule.putArray("apiGroups").add(group);
    rule.putArray("apiVersions").add("v1");
    rule.putArray("resources").add(resource);
    hook.putArray("admissionReviewVersions").add("v1");
    return c;
  }
}
