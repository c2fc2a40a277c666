package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  private static final ResourceRegistry REGISTRY = BusAdmissionBroker.REGISTRY;
  private static final ResourceType SERVICES = REGISTRY.byResourceName("services").orElseThrow();
  private static final ResourceType CONFIG_MAPS = REGISTRY.byResourceName("configmaps").orElseThrow();
  private static final ResourceType ENDPOINTS = REGISTRY.byResourceName("endpoints").orElseThrow();
  private static final ResourceType SLICES = REGISTRY.byResourceName("endpointslices.discovery.k8s.io").orElseThrow();
  private static final ResourceType VALIDATING = REGISTRY.byGroupPlural("admissionregistration.k8s.io",
      "validatingwebhookconfigurations").orElseThrow();

  @Test
  void aWebhookRefusesTheKubeDnsServiceUntilItLetsItThroughAndSeesEachObjectsWriter(@TempDir Path tmp)
      throws Exception {
    try (BusAdmissionBroker bus = new BusAdmissionBroker(tmp, "dns-admission", "default", "kube-system");
         AdmissionWebhookServer webhook = new AdmissionWebhookServer()) {
      StoreClient client = bus.client;
      // stored before the DNS starts: its admission replays them before it writes
      Cluster.await(client.create(VALIDATING, "", configuration("refuse-kube-dns", webhook, "/deny-all",
          new String[] {"", "services"}), WriteOptions.none()));
      Cluster.await(client.create(VALIDATING, "", configuration("see-dns-objects", webhook, "/allow",
          new String[] {"", "endpoints"}, new String[] {"", "configmaps"},
          new String[] {"discovery.k8s.io", "endpointslices"}), WriteOptions.none()));
      Cluster cluster = new Cluster(UpOptions.parse(List.of("--kafka", bus.bootstrap(), "--ops-port", "0",
          "--data-dir", tmp.resolve("state").toString(), "--dns-port", "0", "--dns-forward", "none")),
          List.of(new DnsComponent()));
      try {
        cluster.start();
        // refused: asked for as kubeadm's create, and not written
        JsonNode refused = BusAdmissionBroker.createReview(webhook, "services", "kube-dns");
        assertEquals("kubernetes-admin", refused.at("/userInfo/username").asText(), refused.toString());
        assertEquals("[\"kubeadm:cluster-admins\",\"system:authenticated\"]",
            refused.at("/userInfo/groups").toString());
        assertEquals("kube-system", refused.path("namespace").asText());
        assertNull(bus.present(SERVICES, "kube-system", "kube-dns"));
        // the DNS tries it again: a second review of the Service while the webhook still refuses
        await("the DNS trying the Service again").atMost(Duration.ofSeconds(60))
            .until(() -> webhook.seen("CREATE", "kube-dns").stream()
                .filter(r -> r.at("/resource/resource").asText().equals("services")).count() >= 2);
        assertNull(bus.present(SERVICES, "kube-system", "kube-dns"));

        // let through: the next try writes the Service, then its endpoints and the Corefile's ConfigMap
        Cluster.await(client.delete(VALIDATING, "", "refuse-kube-dns", WriteOptions.none()));
        ObjectNode service = await("the kube-dns Service").atMost(Duration.ofSeconds(60))
            .until(() -> bus.present(SERVICES, "kube-system", "kube-dns"), s -> s != null);
        assertEquals("kubeadm", manager(service), service.toString());

        for (String resource : List.of("endpoints", "endpointslices")) {
          JsonNode review = BusAdmissionBroker.createReview(webhook, resource, "kube-dns");
          assertEquals("system:serviceaccount:kube-system:coredns", review.at("/userInfo/username").asText(),
              review.toString());
        }
        JsonNode corefile = BusAdmissionBroker.createReview(webhook, "configmaps", "coredns");
        assertEquals("kubernetes-admin", corefile.at("/userInfo/username").asText(), corefile.toString());
        assertTrue(corefile.at("/object/data/Corefile").asText().contains("kubernetes cluster.local"),
            corefile.toString());

        for (ResourceType type : List.of(ENDPOINTS, SLICES)) {
          ObjectNode stored = await("the kube-dns " + type.plural()).atMost(Duration.ofSeconds(60))
              .until(() -> bus.present(type, "kube-system", "kube-dns"), s -> s != null);
          assertEquals("dekube-dns", manager(stored), stored.toString());
        }
        ObjectNode storedCorefile = await("the coredns ConfigMap").atMost(Duration.ofSeconds(60))
            .until(() -> bus.present(CONFIG_MAPS, "kube-system", "coredns"), s -> s != null);
        assertEquals("kubeadm", manager(storedCorefile), storedCorefile.toString());
      } finally {
        cluster.stop();
      }
    }
  }

  /** The manager of the object's first {@code managedFields} entry. */
  private static String manager(JsonNode object) {
    return object.at("/metadata/managedFields/0/manager").asText(object.at("/metadata/managedFields").toString());
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
