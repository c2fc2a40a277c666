package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.ServiceAccountKey;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics server's writes of metrics-server's manifests pass the admission webhooks as an administrator's
 * {@code kubectl apply -f components.yaml} passes kube-apiserver's: kubeadm's {@code kubernetes-admin}, kubectl's
 * client-side apply field manager. A refused APIService is not written and tried again until the webhook lets it
 * through.
 */
class BusMetricsServerAdmissionIT {

  private static final ResourceRegistry REGISTRY = BusAdmissionBroker.REGISTRY;
  private static final String API_SERVICE = "v1beta1.metrics.k8s.io";
  private static final ResourceType API_SERVICES = REGISTRY.byGroupPlural("apiregistration.k8s.io", "apiservices")
      .orElseThrow();
  private static final ResourceType VALIDATING = REGISTRY.byGroupPlural("admissionregistration.k8s.io",
      "validatingwebhookconfigurations").orElseThrow();

  @Test
  void aWebhookRefusesTheApiServiceUntilItLetsItThroughAndSeesTheAdministrator(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("state");
    ClusterPki.loadOrCreate(data.resolve("pki")); // what the apiserver would have written
    ServiceAccountKey.loadOrCreate(data.resolve("pki"));
    try (BusAdmissionBroker bus = new BusAdmissionBroker(tmp, "metrics-admission", "default", "kube-system");
         AdmissionWebhookServer webhook = new AdmissionWebhookServer()) {
      StoreClient client = bus.client;
      // stored before the metrics server starts: its admission replays them before it writes
      Cluster.await(client.create(VALIDATING, "", configuration("refuse-apiservices", webhook, "/deny-all",
          "apiregistration.k8s.io", "apiservices"), WriteOptions.none()));
      Cluster.await(client.create(VALIDATING, "", configuration("see-cluster-roles", webhook, "/allow",
          "rbac.authorization.k8s.io", "clusterroles"), WriteOptions.none()));
      Cluster cluster = new Cluster(UpOptions.parse(List.of("--kafka", bus.bootstrap(), "--ops-port", "0",
          "--data-dir", data.toString(), "--metrics-server-port", "0")), List.of(new MetricsServerComponent()));
      try {
        cluster.start();
        JsonNode role = BusAdmissionBroker.createReview(webhook, "clusterroles", "system:metrics-server");
        assertEquals("kubernetes-admin", role.at("/userInfo/username").asText(), role.toString());
        assertEquals("[\"kubeadm:cluster-admins\",\"system:authenticated\"]",
            role.at("/userInfo/groups").toString());
        JsonNode refused = BusAdmissionBroker.createReview(webhook, "apiservices", API_SERVICE);
        assertEquals("kubernetes-admin", refused.at("/userInfo/username").asText(), refused.toString());
        assertNull(bus.present(API_SERVICES, "", API_SERVICE), "the refused APIService");
        await("the metrics server applying again").atMost(Duration.ofSeconds(60))
            .until(() -> webhook.seen("CREATE", API_SERVICE).size() >= 2);
        assertNull(bus.present(API_SERVICES, "", API_SERVICE), "the refused APIService");

        Cluster.await(client.delete(VALIDATING, "", "refuse-apiservices", WriteOptions.none()));
        ObjectNode api = await("the APIService").atMost(Duration.ofSeconds(60))
            .until(() -> bus.present(API_SERVICES, "", API_SERVICE), s -> s != null);
        assertEquals("kubectl-client-side-apply", api.at("/metadata/managedFields/0/manager").asText(),
            api.toString());
        assertEquals("metrics-server", api.at("/spec/service/name").asText());
      } finally {
        cluster.stop();
      }
    }
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
