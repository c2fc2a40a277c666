package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.kafka.KafkaExitTrap;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./dekube scheduler --audit-policy-file ...}: a component in a process of its own audits its calls on the bus
 * with the apiserver's flags, to {@code <data-dir>/audit-scheduler.log} by default — the scheduler's status patch of a
 * pod it cannot place, as kube-apiserver records kube-scheduler's request.
 */
class BusAuditIT {

  private static final ResourceType PODS = ResourceRegistry.builtIn().byResourceName("pods").orElseThrow();

  @Test
  void theSchedulerOfItsOwnProcessAuditsItsWritesToItsOwnLog(@TempDir Path tmp) throws Exception {
    KafkaExitTrap.install();
    Path policy = Files.writeString(tmp.resolve("policy.yaml"), """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: Request
          users: [system:kube-scheduler]
          resources: [{group: "", resources: [pods/status]}]
        """);
    Path data = tmp.resolve("state");
    EmbeddedKafka broker = EmbeddedKafka.builder().port(0).dataDir(tmp.resolve("kafka")).build().start();
    Cluster cluster = new Cluster(UpOptions.parse(List.of("--kafka", broker.bootstrapServers(), "--ops-port", "0",
        "--data-dir", data.toString(), "--audit-policy-file", policy.toString())),
        List.of(new StoreComponent(), new SchedulerComponent())).withAuditLog("audit-scheduler.log");
    Vertx vertx = Vertx.vertx();
    try {
      cluster.start();
      StoreClient client = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(broker.bootstrapServers())));
      ObjectNode account = Json.object().put("apiVersion", "v1").put("kind", "ServiceAccount");
      account.putObject("metadata").put("name", "default").put("namespace", "default");
      Cluster.await(client.create(ResourceRegistry.builtIn().byResourceName("serviceaccounts").orElseThrow(), "default",
          account, WriteOptions.none())); // what the controller-manager would have made
      ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
      pod.putObject("metadata").put("name", "nowhere").put("namespace", "default");
      pod.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx");
      Cluster.await(client.create(PODS, "default", pod, WriteOptions.none()));
      Path log = data.resolve("audit-scheduler.log");
      JsonNode event = await("the scheduler's status patch in its log").atMost(Duration.ofSeconds(60))
          .until(() -> eventOf(log, "system:kube-scheduler", "patch", "pods"), Optional::isPresent).orElseThrow();
      assertEquals("/api/v1/namespaces/default/pods/nowhere/status", event.get("requestURI").asText());
      assertEquals("system:kube-scheduler", event.path("user").path("username").asText());
      assertTrue(event.get("userAgent").asText().matches("kube-scheduler/v1\\.32\\.0 \\(\\w+/\\w+\\) kubernetes/\\S+"
          + "/scheduler"), event.get("userAgent").asText());
      assertEquals("Request", event.get("level").asText());
      assertEquals("Unschedulable", event.path("requestObject").path("status").path("conditions").path(0).path("reason")
          .asText(), event.toString());
      assertEquals(200, event.path("responseStatus").path("code").asInt());
      assertFalse(Files.exists(data.resolve("audit.log")), "the apiserver's log is not this process's");
    } finally {
      cluster.stop();
      vertx.close();
      broker.close();
    }
  }

  /**
   * {@code up}'s writers that are not kube's controllers — the apiserver's bootstrap (its loopback client), cluster
   * DNS, the ingress controller and the LoadBalancer pool — are audited as the programs they stand for: kube-apiserver's
   * {@code system:apiserver}, kubeadm's {@code kubernetes-admin} (the kube-dns Service), CoreDNS's (its endpoints),
   * ingress-nginx's and the cloud service controller's service accounts; their informers' lists and watches as those
   * programs' reflectors'.
   */
  @Test
  void theApiserversDnssIngresssAndTheLoadBalancerPoolsCallsAreAudited(@TempDir Path tmp) throws Exception {
    KafkaExitTrap.install();
    Path policy = Files.writeString(tmp.resolve("policy.yaml"), """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: Metadata
          users: [system:apiserver, kubernetes-admin, "system:serviceaccount:kube-system:coredns",
                  "system:serviceaccount:ingress-nginx:ingress-nginx",
                  "system:serviceaccount:kube-system:service-controller"]
          verbs: [create, update, patch]
        - level: RequestResponse
          users: ["system:serviceaccount:kube-system:coredns"]
          verbs: [list, watch]
          resources: [{group: "", resources: [services]}]
        - level: None
        """);
    Path data = tmp.resolve("state");
    EmbeddedKafka broker = EmbeddedKafka.builder().port(0).dataDir(tmp.resolve("kafka")).build().start();
    Cluster cluster = new Cluster(UpOptions.parse(List.of("--kafka", broker.bootstrapServers(), "--ops-port", "0",
        "--data-dir", data.toString(), "--audit-policy-file", policy.toString(), "--api-port", "0", "--dns-port", "0",
        "--ingress-http-port", "0", "--ingress-https-port", "0", "--service-cidr", "127.103.0.0/16",
        "--lb-pool", "127.153.0.0/24")),
        List.of(new StoreComponent(), new ApiServerComponent(), new DnsComponent(), new IngressComponent()));
    Vertx vertx = Vertx.vertx();
    try {
      cluster.start();
      StoreClient client = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(broker.bootstrapServers())));
      ObjectNode service = Json.object().put("apiVersion", "v1").put("kind", "Service");
      service.putObject("metadata").put("name", "web").put("namespace", "default");
      service.putObject("spec").put("type", "LoadBalancer").putArray("ports").addObject().put("port", 80);
      Cluster.await(client.create(ResourceRegistry.builtIn().byResourceName("services").orElseThrow(), "default",
          service, WriteOptions.none()));
      Path log = data.resolve("audit.log");
      String version = "/v1\\.32\\.0 \\(\\w+/\\w+\\) kubernetes/\\S+";
      JsonNode namespace = await("the apiserver's system namespaces").atMost(Duration.ofSeconds(60))
          .until(() -> eventOf(log, "system:apiserver", "create", "namespaces"), Optional::isPresent).orElseThrow();
      assertEquals(Json.MAPPER.readTree("[\"system:masters\",\"system:authenticated\"]"),
          namespace.path("user").path("groups"));
      assertFalse(namespace.path("user").path("uid").asText().isEmpty(), namespace.toString());
      assertTrue(namespace.get("userAgent").asText().matches("kube-apiserver" + version), namespace.toString());
      assertEquals(201, namespace.path("responseStatus").path("code").asInt(), namespace.toString());
      // the field manager kube derives from the User-Agent is not sent
      assertEquals("/api/v1/namespaces", namespace.get("requestURI").asText());
      JsonNode kubeadm = await("kubeadm's kube-dns Service").atMost(Duration.ofSeconds(60))
          .until(() -> eventOf(log, "kubernetes-admin", "create", "services"), Optional::isPresent).orElseThrow();
      assertEquals("/api/v1/namespaces/kube-system/services", kubeadm.get("requestURI").asText());
      assertEquals("kube-dns", kubeadm.path("objectRef").path("name").asText(), kubeadm.toString());
      assertTrue(kubeadm.get("userAgent").asText().matches("kubeadm" + version), kubeadm.toString());
      assertEquals(Json.MAPPER.readTree("[\"kubeadm:cluster-admins\",\"system:authenticated\"]"),
          kubeadm.path("user").path("groups"));
      JsonNode dns = await("CoreDNS's kube-dns Endpoints").atMost(Duration.ofSeconds(60))
          .until(() -> eventOf(log, "system:serviceaccount:kube-system:coredns", "create", "endpoints"),
              Optional::isPresent).orElseThrow();
      assertEquals("/api/v1/namespaces/kube-system/endpoints", dns.get("requestURI").asText());
      assertEquals("kube-dns", dns.path("objectRef").path("name").asText(), dns.toString());
      assertTrue(dns.get("userAgent").asText().startsWith("CoreDNS/1.11.3 git_commit:"), dns.toString());
      // its informer of Services: a reflector's list, then its watch from the list's resourceVersion
      JsonNode list = await("CoreDNS's list of Services").atMost(Duration.ofSeconds(60))
          .until(() -> eventOf(log, "system:serviceaccount:kube-system:coredns", "list", "services"),
              Optional::isPresent).orElseThrow();
      assertEquals("/api/v1/services?limit=500&resourceVersion=0", list.get("requestURI").asText());
      assertEquals("ResponseComplete", list.get("stage").asText());
      assertEquals(dns.get("userAgent"), list.get("userAgent"));
      // at RequestResponse, the list the watch cache answers: every Service, at the resourceVersion the watch starts at
      JsonNode answer = list.path("responseObject");
      assertEquals("ServiceList", answer.path("kind").asText(), list.toString());
      assertEquals("v1", answer.path("apiVersion").asText());
      assertTrue(answer.path("items").isArray(), list.toString());
      JsonNode watch = await("CoreDNS's watch of Services").atMost(Duration.ofSeconds(60))
          .until(() -> eventOf(log, "system:serviceaccount:kube-system:coredns", "watch", "services"),
              Optional::isPresent).orElseThrow();
      assertTrue(watch.get("requestURI").asText().matches("/api/v1/services\\?allowWatchBookmarks=true&resourceVersion="
          + answer.path("metadata").path("resourceVersion").asText() + "&timeoutSeconds=\\d+&watch=true"),
          watch.toString());
      assertFalse(watch.has("responseObject"), "a watch records no response object");
      assertEquals("ResponseStarted", watch.get("stage").asText());
      JsonNode ingress = await("ingress-nginx's IngressClass").atMost(Duration.ofSeconds(60))
          .until(() -> eventOf(log, "system:serviceaccount:ingress-nginx:ingress-nginx", "create", "ingressclasses"),
              Optional::isPresent).orElseThrow();
      assertTrue(ingress.get("userAgent").asText().startsWith("nginx-ingress-controller/v1.12.0 ("), ingress.toString());
      assertEquals("/apis/networking.k8s.io/v1/ingressclasses", ingress.get("requestURI").asText());
      JsonNode lb = await("the service controller's status").atMost(Duration.ofSeconds(60))
          .until(() -> eventOf(log, "system:serviceaccount:kube-system:service-controller", "update", "services"),
              Optional::isPresent).orElseThrow();
      assertEquals("/api/v1/namespaces/default/services/web/status", lb.get("requestURI").asText());
      assertTrue(lb.get("userAgent").asText().matches("cloud-controller-manager" + version
          + "/system:serviceaccount:kube-system:service-controller"), lb.toString());
    } finally {
      cluster.stop();
      vertx.close();
      broker.close();
    }
  }

  private static Optional<JsonNode> eventOf(Path log, String user, String verb, String resource) throws Exception {
    if (!Files.exists(log)) {
      return Optional.empty();
    }
    for (String line : Files.readAllLines(log)) {
      JsonNode e = Json.MAPPER.readTree(line);
      if (e.path("user").path("username").asText().equals(user) && e.path("verb").asText().equals(verb)
          && e.path("objectRef").path("resource").asText().equals(resource)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
