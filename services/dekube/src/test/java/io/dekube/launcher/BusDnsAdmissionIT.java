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
 * The cluster DNS's writes on the bus pass the admission webhooks as the requests that make those objects in a
 * kubeadm cluster pass kube-apiserver's: the {@code kube-dns} Service and the {@code coredns} ConfigMap as kubeadm's
 * {@code kubernetes-admin} creates them, the Service's Endpoints and EndpointSlice as the {@code dekube-dns}
 * endpoint controller (CoreDNS's service account). A refused Service is not written and tried again until the
 * webhook lets it through.
 */
class BusDnsAdmissionIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType SERVICES = REGISTRY.byResourceName("services").orElseThrow();
  private static final ResourceType CONFIG_MAPS = REGISTRY.byResourceName("configmaps").orElseThrow();
  private static final ResourceType ENDPOINTS = REGISTRY.byResourceName("endpoints").orElseThrow();
  private static final ResourceType SLICES = REGISTRY.byResourceName("endpointslices.discovery.k8s.io").orElseThrow();
  private static final ResourceType VALIDATING = REGISTRY.byGroupPlural("admissionregistration.k8s.io",
      "validatingwebhookconfigurations").orElseThrow();

  @Test
  void aWebhookRefusesTheKubeDnsServiceUntilItLetsItThroughAndSeesEachObjectsWriter(@TempDir Path tmp)
      throws Exception {
    KafkaExitTrap.install();
    Path data = tmp.resolve("state");
    EmbeddedKafka broker = EmbeddedKafka.builder().port(0).dataDir(tmp.resolve("kafka")).build().start();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      TopicCatalog.load().ensureTopics(broker.bootstrapServers(), admin, REGISTRY.all(), (short) 1);
    }
    Vertx vertx = Vertx.vertx();
    Cluster cluster = new Cluster(UpOptions.parse(List.of("--kafka", broker.bootstrapServers(), "--ops-port", "0",
        "--data-dir", data.toString(), "--dns-port", "0", "--dns-forward", "none")), List.of(new DnsComponent()));
    try (AdmissionWebhookServer webhook = new AdmissionWebhookServer()) {
      Cluster.await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(broker.bootstrapServers())
          .withWriterId("dns-admission"))));
      StoreClient client = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(broker.bootstrapServers())
          .withRequesterId("dns-admission-test")));
      for (String name : List.of("default", "kube-system")) { // what the apiserver would have made
        ObjectNode namespace = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
        // with the label kube-apiserver's namespace strategy gives it, which the webhooks' namespaceSelector reads
        namespace.putObject("metadata").put("name", name).putObject("labels")
            .put("kubernetes.io/metadata.name", name);
        Cluster.await(client.create(REGISTRY.byResourceName("namespaces").orElseThrow(), "", namespace,
            WriteOptions.none()));
      }
      // stored before the DNS starts: its admission replays them before it writes
      Cluster.await(client.create(VALIDATING, "", configuration("refuse-kube-dns", webhook, "/deny-all",
          new String[] {"", "services"}), WriteOptions.none()));
      Cluster.await(client.create(VALIDATING, "", configuration("see-dns-objects", webhook, "/allow",
          new String[] {"", "endpoints"}, new String[] {"", "configmaps"},
          new String[] {"discovery.k8s.io", "endpointslices"}), WriteOptions.none()));
      cluster.start();

      // refused: asked for as kubeadm's create, and not written
      JsonNode refused = review(webhook, "services", "kube-dns");
      assertEquals("kubernetes-admin", refused.at("/userInfo/username").asText(), refused.toString());
      assertEquals("[\"kubeadm:cluster-admins\",\"system:authenticated\"]",
          refused.at("/userInfo/groups").toString());
      assertEquals("kube-system", refused.path("namespace").asText());
      assertEquals(404, notThere(client, SERVICES, "kube-dns"));
      // the DNS tries it again: a second review of the Service while the webhook still refuses
      await("the DNS trying the Service again").atMost(Duration.ofSeconds(60))
          .until(() -> webhook.seen("CREATE", "kube-dns").stream()
              .filter(r -> r.at("/resource/resource").asText().equals("services")).count() >= 2);
      assertEquals(404, notThere(client, SERVICES, "kube-dns"));

      // let through: the next try writes the Service, then its endpoints and the Corefile's ConfigMap
      Cluster.await(client.delete(VALIDATING, "", "refuse-kube-dns", WriteOptions.none()));
      ObjectNode service = await("the kube-dns Service").atMost(Duration.ofSeconds(60))
          .until(() -> present(client, SERVICES, "kube-dns"), s -> s != null);
      assertEquals("kubeadm", manager(service), service.toString());

      JsonNode endpoints = review(webhook, "endpoints", "kube-dns");
      assertEquals("system:serviceaccount:kube-system:coredns", endpoints.at("/userInfo/username").asText(),
          endpoints.toString());
      JsonNode slice = review(webhook, "endpointslices", "kube-dns");
      assertEquals("system:serviceaccount:kube-system:coredns", slice.at("/userInfo/username").asText(),
          slice.toString());
      JsonNode corefile = review(webhook, "configmaps", "coredns");
      assertEquals("kubernetes-admin", corefile.at("/userInfo/username").asText(), corefile.toString());
      assertTrue(corefile.at("/object/data/Corefile").asText().contains("kubernetes cluster.local"),
          corefile.toString());

      ObjectNode storedEndpoints = await("the kube-dns Endpoints").atMost(Duration.ofSeconds(60))
          .until(() -> present(client, ENDPOINTS, "kube-dns"), s -> s != null);
      assertEquals("dekube-dns", manager(storedEndpoints), storedEndpoints.toString());
      ObjectNode storedSlice = await("the kube-dns EndpointSlice").atMost(Duration.ofSeconds(60))
          .until(() -> present(client, SLICES, "kube-dns"), s -> s != null);
      assertEquals("dekube-dns", manager(storedSlice), storedSlice.toString());
      ObjectNode storedCorefile = await("the coredns ConfigMap").atMost(Duration.ofSeconds(60))
          .until(() -> present(client, CONFIG_MAPS, "coredns"), s -> s != null);
      assertEquals("kubeadm", manager(storedCorefile), storedCorefile.toString());
    } finally {
      cluster.stop();
      vertx.close();
      broker.close();
    }
  }

  /** The object in kube-system, or null while there is none. */
  private static ObjectNode present(StoreClient client, ResourceType type, String name) {
    try {
      return Cluster.await(client.get(type, "kube-system", name));
    } catch (Exception e) {
      if (e instanceof StatusException s && s.code() == 404
          || e.getCause() instanceof StatusException c && c.code() == 404) {
        return null;
      }
      throw new IllegalStateException(e);
    }
  }

  /** The code of the read of an object that should not be there (the object itself fails the test). */
  private static int notThere(StoreClient client, ResourceType type, String name) {
    ObjectNode object = present(client, type, name);
    return object == null ? 404 : 200;
  }

  /** The manager of the object's first {@code managedFields} entry. */
  private static String manager(JsonNode object) {
    return object.at("/metadata/managedFields/0/manager").asText(object.at("/metadata/managedFields").toString());
  }

  /** The webhook's first review of the create of {@code resource} {@code name}, once it came. */
  private static JsonNode review(AdmissionWebhookServer webhook, String resource, String name) {
    return await("the review of the create of " + resource + "/" + name).atMost(Duration.ofSeconds(60))
        .until(() -> webhook.seen("CREATE", name).stream()
            .filter(r -> r.at("/resource/resource").asText().equals(resource)).findFirst().orElse(null),
            r -> r != null);
  }

  private static ObjectNode configuration(String name, AdmissionWebhookServer webhook, String path,
                                          String[]... resources) {
    ObjectNode c = Json.object().put("apiVersion", "admissionregistration.k8s.io/v1")
        .put("kind", "ValidatingWebhookConfiguration");
    c.putObject("metadata").put("name", name);
    ObjectNode hook = c.putArray("webhooks").addObject().put("name", name + ".dekube.io").put("sideEffects", "None")
        .put("failurePolicy", "Fail");
    hook.putObject("clientConfig").put("caBundle", webhook.caBundle())
        .put("url", "https://127.0.0.1:" + webhook.port() + path);
    for (String[] r : resources) {
      ObjectNode rule = hook.withArray("rules").addObject();
      rule.putArray("operations").add("CREATE").add("UPDATE");
      rule.putArray("apiGroups").add(r[0]);
      rule.putArray("apiVersions").add("v1");
      rule.putArray("resources").add(r[1]);
      rule.put("scope", "Namespaced");
    }
    hook.putObject("namespaceSelector").putArray("matchExpressions").addObject()
        .put("key", "kubernetes.io/metadata.name").put("operator", "In").putArray("values").add("kube-system");
    hook.putArray("admissionReviewVersions").add("v1");
    return c;
  }
}
