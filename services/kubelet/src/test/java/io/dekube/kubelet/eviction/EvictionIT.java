package io.dekube.kubelet.eviction;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBrokerExtension;
import io.dekube.kafka.WithKafka;
import io.dekube.kubelet.KubeletConfig;
import io.dekube.kubelet.NodeFleet;
import io.dekube.kubelet.pod.PodIpAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node-pressure eviction for real: a jvm node of 200Mi ({@code --node-memory}) with kube's default hard thresholds
 * runs a {@code polinux/stress} pod holding 150M; within a housekeeping the node reports MemoryPressure, records
 * EvictionThresholdMet, evicts the pod (Failed, Evicted, kube's message, DisruptionTarget, an Evicted Event) and
 * refuses a new BestEffort pod while the pressure condition holds.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvictionIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType NODES = REGISTRY.byResourceName("nodes").orElseThrow();
  private static final ResourceType EVENTS = REGISTRY.byResourceName("events").orElseThrow();
  private static final String NS = "eviction-it";

  @TempDir
  static Path dir;
  private final ThreadLocalRandom random = ThreadLocalRandom.current();
  private final String node = "evict-node-" + random.nextInt(1_000_000);
  private final String nodeIp = "127." + random.nextInt(2, 100) + "." + random.nextInt(2, 250) + ".1";
  private Vertx vertx;
  private StoreClient store;
  private Informer pods;
  private Informer nodes;
  private Informer events;

  @BeforeAll
  void start() throws Exception {
    String bootstrap = KafkaBrokerExtension.bootstrapServers();
    vertx = Vertx.vertx();
    store = io.dekube.kubelet.TestBusAccess.start(vertx, bootstrap, REGISTRY, NS, "kube-node-lease");
    SharedInformers informers = SharedInformers.of(vertx);
    pods = informers.informer(bootstrap, PODS);
    nodes = informers.informer(bootstrap, NODES);
    events = informers.informer(bootstrap, EVENTS);
    result(Future.all(pods.start(), nodes.start(), events.start()));
    String cluster = "127." + random.nextInt(100, 240) + ".0.0/16";
    KubeletConfig config = KubeletConfig.defaults(node, nodeIp, dir).withKubeletPort(0)
        .withFallbackPodCidr(PodIpAllocator.nthSubnet(cluster, 1)).withCapacity("4", "200Mi", 110)
        .withLease(Duration.ofSeconds(40), Duration.ofSeconds(1));
    NodeFleet fleet = new NodeFleet(List.of(config), store, t -> informers.informer(bootstrap, t),
        ClusterPki.loadOrCreate(dir.resolve("pki"))).withAuthorizer(a -> Future.succeededFuture(true))
        .withEviction(EvictionConfig.defaults());
    result(vertx.deployVerticle(fleet));
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) {
      result(vertx.close());
    }
  }

  @Test
  void aStressPodOnASmallNodeIsEvictedAndTheNodeReportsMemoryPressure() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> nodes.get("", node) != null);
    create("memory-hog", "'image':'polinux/stress','command':['stress'],'args':['--vm','1','--vm-bytes','150M',"
        + "'--vm-hang','1']");
    JsonNode status = awaitStatus("memory-hog", s -> "Failed".equals(s.path("phase").asText()), 60);
    assertEquals("Evicted", status.path("reason").asText());
    String message = status.path("message").asText();
    assertTrue(message.matches("The node was low on resource: memory\\. Threshold quantity: 100Mi, available: "
        + "\\d+[KM]i\\. Container c was using \\d+[KM]i, request is 0, has larger consumption of memory\\. "), message);
    JsonNode target = condition(status, "DisruptionTarget");
    assertEquals("True TerminationByKubelet " + message, target.path("status").asText() + " "
        + target.path("reason").asText() + " " + target.path("message").asText());
    assertEquals("terminated", status.at("/containerStatuses/0/state").fieldNames().next());
    awaitEvent(NS, "memory-hog", "Evicted", message::equals);
    awaitEvent(NS, "memory-hog", "Killing", "Stopping container c"::equals);

    JsonNode pressure = condition(nodes.get("", node).path("status"), "MemoryPressure");
    assertEquals("True KubeletHasInsufficientMemory kubelet has insufficient memory available",
        pressure.path("status").asText() + " " + pressure.path("reason").asText() + " "
            + pressure.path("message").asText());
    awaitEvent("default", node, "EvictionThresholdMet", "Attempting to reclaim memory"::equals);
    awaitEvent("default", node, "NodeHasInsufficientMemory",
        ("Node " + node + " status is now: NodeHasInsufficientMemory")::equals);

    // the condition holds for the transition period (5m0s): a new BestEffort pod is refused
    create("best-effort", "'image':'busybox','command':['sleep','3600']");
    JsonNode refused = awaitStatus("best-effort", s -> "Failed".equals(s.path("phase").asText()), 30);
    assertEquals("Evicted", refused.path("reason").asText());
    assertEquals("Pod was rejected: The node had condition: [MemoryPressure]. ", refused.path("message").asText());
    awaitEvent(NS, "best-effort", "Evicted", "The node had condition: [MemoryPressure]. "::equals);
    create("burstable", "'image':'busybox','command':['sleep','3600'],'resources':{'requests':{'cpu':'10m'}}");
    awaitStatus("burstable", s -> "Running".equals(s.path("phase").asText()), 30);
  }

  private void create(String name, String container) throws Exception {
    ObjectNode pod = (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name
        + "','namespace':'" + NS + "'},'spec':{'nodeName':'" + node + "','containers':[{'name':'c',"
        + container + "}]}}").replace('\'', '"'));
    result(store.create(PODS, NS, pod, WriteOptions.none()));
  }

  private JsonNode awaitStatus(String name, java.util.function.Predicate<JsonNode> ok, int seconds) {
    await(name).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100)).until(() -> {
      ObjectNode p = pods.get(NS, name);
      return p != null && ok.test(p.path("status"));
    });
    return pods.get(NS, name).path("status");
  }

  private void awaitEvent(String ns, String name, String reason, java.util.function.Predicate<String> message) {
    await(reason + " event of " + name).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> events.list(ns).stream().anyMatch(e -> e.at("/involvedObject/name").asText().equals(name)
            && e.path("reason").asText().equals(reason) && message.test(e.path("message").asText())));
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object();
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
